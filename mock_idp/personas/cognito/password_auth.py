"""USER_PASSWORD_AUTH (InitiateAuth, AdminInitiateAuth's ADMIN_USER_PASSWORD_AUTH, USER_AUTH's
PASSWORD choice): the password checked, and the tokens, or the NEW_PASSWORD_REQUIRED challenge of
a user with a temporary password. USER_SRP_AUTH (srp_auth.py) proves the password otherwise and
goes on as this does (signing_in_user, proven)."""

import hmac
import json
import secrets

from .errors import CognitoError, not_authorized
from .issued import issue
from .parameters import attribute_value, check_secret_hash, pool_user, required
from ...endpoints.sso import record_signin_token


def password_auth(tenant, client, parameters: dict) -> dict:
    username, password = required(parameters, "USERNAME"), required(parameters, "PASSWORD")
    user = signing_in_user(tenant, client, parameters, username)
    # The password itself (tenant.authenticate also refuses the pending statuses answered below).
    return proven(tenant, client, user, hmac.compare_digest(user.password.encode(), password.encode()))


def signing_in_user(tenant, client, parameters: dict, username: str):
    """The user a sign-in names, its SECRET_HASH checked, refused before any password is looked at
    when it cannot sign in at all."""
    user = pool_user(tenant, username)
    check_secret_hash(client, parameters, [username] + ([user.username] if user else []))
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == "RESET_REQUIRED":  # AdminResetUserPassword took the password away
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
    return user


def proven(tenant, client, user, correct: bool, client_metadata: dict | None = None) -> dict:
    """What follows the password's check, however it was proven: the tokens, or why not."""
    if not correct:
        raise not_authorized("Incorrect username or password.")
    if user.status == "UNCONFIRMED":
        raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
    if user.status == "FORCE_CHANGE_PASSWORD":
        return new_password_required(tenant, user)
    return {"ChallengeParameters": {},
            "AuthenticationResult": issue(tenant, client, user, tenant.now(), client_metadata=client_metadata)}


def new_password_required(tenant, user) -> dict:
    """A user with a temporary password (AdminCreateUser) is challenged for a new one; the Session
    is answered by RespondToAuthChallenge (sign_up.py): one use, kept hashed, as long as an Okta
    sessionToken lives."""
    session = secrets.token_urlsafe(96)
    record_signin_token(tenant, session, user)
    # Every attribute, email_verified too (amazon-cognito-identity-js deletes it before answering:
    # "the api doesn't accept this field back"), as strings.
    attributes = {name: attribute_value(value) for name, value in tenant.flavor.attributes(user).items()}
    return {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
            "ChallengeParameters": {"USER_ID_FOR_SRP": user.username, "requiredAttributes": "[]",
                                    "userAttributes": json.dumps(attributes)}}
