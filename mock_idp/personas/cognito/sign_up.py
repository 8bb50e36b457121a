"""Self-service sign-up (SignUp, ConfirmSignUp) and its admin shortcut (AdminConfirmSignUp), and
the NEW_PASSWORD_REQUIRED challenge of a user made by AdminCreateUser (RespondToAuthChallenge).

mock_idp sends no e-mail: a pending sign-up's code is on the user in /_admin
(`confirmation_code`), as a test reads it (codes.py). Facts: docs/vendors.md, "Cognito admin API".
"""

from ...oauth.tokens import token_hash
from .pool_users import (CONFIRMED, UNCONFIRMED, change_user, check_password, claims_patch,
                         create_user, existing_user, pool_id)
from .errors import CognitoError, not_authorized
from . import choice_auth, srp_auth
from .parameters import (app_client, app_user, check_secret_hash, client_metadata, pool_user, required,
                         secret_hash_of, string_map)
from .issued import issue
from .codes import SIGN_UP, SPENT, check_code, delivery, new_code


def sign_up(tenant, request: dict) -> dict:
    client = app_client(tenant, request.get("ClientId"))
    username, password = required(request, "Username"), request.get("Password")
    check_secret_hash(client, {"SECRET_HASH": secret_hash_of(request)}, [username])
    if pool_user(tenant, username) is not None:
        raise CognitoError("UsernameExistsException", "User already exists")
    claims = claims_patch(request.get("UserAttributes") or [])
    check_password(password)
    user = create_user(tenant, username, password, claims, UNCONFIRMED, **new_code(tenant, SIGN_UP))
    answer: dict = {"UserConfirmed": False, "UserSub": tenant.subject(user)}
    sent = delivery(claims, "email") or delivery(claims, "phone_number")
    if sent is not None:
        answer["CodeDeliveryDetails"] = sent
    return answer


def confirm_sign_up(tenant, request: dict) -> dict:
    user = app_user(tenant, request)
    code = required(request, "ConfirmationCode")
    if (user.status or CONFIRMED) != UNCONFIRMED:
        raise not_authorized(f"User cannot be confirmed. Current status is {user.status or CONFIRMED}")
    check_code(tenant, user, code)
    confirm(tenant, user)
    return {}


def admin_confirm_sign_up(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    if (user.status or CONFIRMED) != UNCONFIRMED:
        raise not_authorized(f"User cannot be confirmed. Current status is {user.status or CONFIRMED}")
    confirm(tenant, user)
    return {}


def confirm(tenant, user) -> None:
    # The code went to the address (or number) it confirms.
    verified = {"email_verified": True} if "email" in user.claims else {}
    change_user(tenant, user, {"status": CONFIRMED, **SPENT, "claims": verified})


# -- NEW_PASSWORD_REQUIRED ------------------------------------------------------------------------

def admin_respond_to_auth_challenge(tenant, request: dict) -> dict:
    pool_id(request)
    return respond_to_auth_challenge(tenant, request)


def respond_to_auth_challenge(tenant, request: dict) -> dict:
    challenge = request.get("ChallengeName")
    if challenge == "SELECT_CHALLENGE":
        return choice_auth.select_challenge(tenant, request)
    if challenge == "PASSWORD_VERIFIER":
        return srp_auth.password_verifier(tenant, request)
    if challenge != "NEW_PASSWORD_REQUIRED":
        raise CognitoError("InvalidParameterException", "mock_idp answers only the NEW_PASSWORD_REQUIRED, "
                           f"PASSWORD_VERIFIER and SELECT_CHALLENGE challenges, not {str(challenge)[:64]}.")
    client = app_client(tenant, request.get("ClientId"))
    metadata = client_metadata(request)
    responses = string_map(request.get("ChallengeResponses") or {}, "ChallengeResponses")
    username = required(responses, "USERNAME")
    user = pool_user(tenant, username)
    check_secret_hash(client, responses, [username] + ([user.username] if user else []))
    new_password = check_password(responses.get("NEW_PASSWORD"), "NEW_PASSWORD")
    attributes = claims_patch([{"Name": k.removeprefix("userAttributes."), "Value": v}
                               for k, v in responses.items() if k.startswith("userAttributes.")], "userAttributes")
    session = request.get("Session")
    redeemed = tenant.store.redeem_signin_token(token_hash(session), tenant.now()) if isinstance(session, str) else None
    if redeemed is None or user is None or redeemed.tenant != tenant.name or redeemed.username != user.username:
        raise not_authorized("Invalid session for the user, session is expired.")
    user = change_user(tenant, user, {"password": new_password, "status": CONFIRMED, "claims": attributes})
    # The trigger's triggerSource is TokenGeneration_NewPasswordChallenge, and this call (unlike
    # InitiateAuth) hands it the ClientMetadata (docs/vendors.md §5a).
    return {"ChallengeParameters": {},
            "AuthenticationResult": issue(tenant, client, user, tenant.now(), grant_type="cognito:new_password",
                                          client_metadata=metadata)}
