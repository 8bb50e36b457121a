"""Choice-based sign-in (InitiateAuth `USER_AUTH`, a pool of the Essentials tier): the user signs
in with the PREFERRED_CHALLENGE, or picks one of the AvailableChallenges in a SELECT_CHALLENGE
answer (botocore's model: `"ANSWER": "PASSWORD", "USERNAME", "PASSWORD"`). The mock offers
PASSWORD and PASSWORD_SRP (answered as USER_SRP_AUTH is: srp_auth.py); no one-time codes, no passkeys.
Facts: docs/vendors.md, "Cognito as apps drive it".
"""

import secrets

from .errors import CognitoError, not_authorized
from .parameters import app_client, check_secret_hash, pool_user, required, string_map
from .password_auth import password_auth
from .srp_auth import srp_auth
from ...endpoints.sso import record_signin_token
from ...oauth.tokens import token_hash

AVAILABLE_CHALLENGES = ["PASSWORD", "PASSWORD_SRP"]
EXPIRED_SESSION = "Invalid session for the user, session is expired."


def user_auth(tenant, client, parameters: dict) -> dict:
    username = required(parameters, "USERNAME")
    preferred = parameters.get("PREFERRED_CHALLENGE")
    if preferred == "PASSWORD":
        return password_auth(tenant, client, parameters)
    if preferred == "PASSWORD_SRP":
        return srp_auth(tenant, client, parameters)
    user = pool_user(tenant, username)
    check_secret_hash(client, parameters, [username] + ([user.username] if user else []))
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    # No preference (or one the pool does not offer): the choices, and a session to answer with.
    session = secrets.token_urlsafe(96)
    record_signin_token(tenant, session, user)
    return {"ChallengeName": "SELECT_CHALLENGE", "Session": session, "ChallengeParameters": {},
            "AvailableChallenges": AVAILABLE_CHALLENGES}


def select_challenge(tenant, request: dict) -> dict:
    """RespondToAuthChallenge SELECT_CHALLENGE: the PASSWORD answer carries the password, the
    PASSWORD_SRP answer the SRP_A."""
    client = app_client(tenant, request.get("ClientId"))
    responses = string_map(request.get("ChallengeResponses") or {}, "ChallengeResponses")
    answer, username = required(responses, "ANSWER"), required(responses, "USERNAME")
    if answer not in AVAILABLE_CHALLENGES:
        raise CognitoError("InvalidParameterException",
                           f"Invalid ANSWER {answer[:64]}: choose one of {', '.join(AVAILABLE_CHALLENGES)}.")
    user = pool_user(tenant, username)
    session = request.get("Session")
    redeemed = tenant.store.redeem_signin_token(token_hash(session), tenant.now()) if isinstance(session, str) else None
    if redeemed is None or user is None or redeemed.tenant != tenant.name or redeemed.username != user.username:
        raise not_authorized(EXPIRED_SESSION)
    if answer == "PASSWORD_SRP":
        return srp_auth(tenant, client, responses)
    return password_auth(tenant, client, responses)
