"""Cognito's sign-in operations (InitiateAuth, AdminInitiateAuth) as plain functions: (tenant,
request JSON) -> response JSON, or a CognitoError. GetUser, GlobalSignOut and RevokeToken:
token_operations.py; REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken: token_refresh.py.

The tokens are the hosted UI's: signed and recorded by oauth/tokens.py with the Cognito persona's
claims, so /oauth2/userInfo, /oauth2/token refresh and /oauth2/revoke work on them too.
"""

import hmac
import json
import secrets

from .errors import CognitoError, not_authorized
from . import choice_auth
from .parameters import (app_client, attribute_value, check_secret_hash, client_metadata, pool_user, required,
                         string_map)
from .issued import issue
from .token_refresh import refresh_auth
from ...endpoints.sso import record_signin_token

AUTH_FLOWS = ("USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH",
              "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH")
SRP_REFUSED = ("USER_SRP_AUTH is not supported by mock_idp: use AuthFlow USER_PASSWORD_AUTH "
               "(Amplify: signIn options authFlowType 'USER_PASSWORD_AUTH').")


def initiate_auth(tenant, request: dict) -> dict:
    flow = request.get("AuthFlow")
    if not isinstance(flow, str) or flow not in AUTH_FLOWS:
        raise CognitoError("InvalidParameterException", f"1 validation error detected: Value {flow!r} at "
                           f"'authFlow' failed to satisfy constraint: Member must satisfy enum value set: "
                           f"[{', '.join(AUTH_FLOWS)}]")
    client = app_client(tenant, request.get("ClientId"))
    parameters = string_map(request.get("AuthParameters") or {}, "AuthParameters")
    client_metadata(request)  # checked, and not passed to the pre-token-generation trigger (vendors.md §5a)
    if flow == "USER_PASSWORD_AUTH":
        return password_auth(tenant, client, parameters)
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return refresh_auth(tenant, client, parameters)
    if flow == "USER_AUTH":
        return choice_auth.user_auth(tenant, client, parameters)
    if flow == "USER_SRP_AUTH":
        raise CognitoError("InvalidParameterException", SRP_REFUSED)
    raise CognitoError("InvalidParameterException", f"{flow} flow not enabled for this client")


def admin_initiate_auth(tenant, request: dict) -> dict:
    """AdminInitiateAuth (a signed call of a backend): ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH,
    its older name) and REFRESH_TOKEN_AUTH, as InitiateAuth answers them."""
    if not isinstance(request.get("UserPoolId"), str) or not request["UserPoolId"]:
        raise CognitoError("InvalidParameterException", "Missing required parameter UserPoolId")
    flow = request.get("AuthFlow")
    if flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        request = {**request, "AuthFlow": "USER_PASSWORD_AUTH"}
    elif flow not in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        raise CognitoError("InvalidParameterException", f"{str(flow)[:64]} flow not enabled for this client")
    return initiate_auth(tenant, request)


def password_auth(tenant, client, parameters: dict) -> dict:
    username, password = required(parameters, "USERNAME"), required(parameters, "PASSWORD")
    user = pool_user(tenant, username)
    check_secret_hash(client, parameters, [username] + ([user.username] if user else []))
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == "RESET_REQUIRED":  # AdminResetUserPassword took the password away
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
    # The password itself (tenant.authenticate also refuses the pending statuses answered below).
    if not hmac.compare_digest(user.password.encode(), password.encode()):
        raise not_authorized("Incorrect username or password.")
    if user.status == "UNCONFIRMED":
        raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
    if user.status == "FORCE_CHANGE_PASSWORD":
        return new_password_required(tenant, user)
    return {"ChallengeParameters": {}, "AuthenticationResult": issue(tenant, client, user, tenant.now())}


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
