"""Cognito's sign-in operations (InitiateAuth, AdminInitiateAuth) as plain functions: (tenant,
request JSON) -> response JSON, or a CognitoError. GetUser, GlobalSignOut and RevokeToken:
token_operations.py; REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken: token_refresh.py.

The tokens are the hosted UI's: signed and recorded by oauth/tokens.py with the Cognito persona's
claims, so /oauth2/userInfo, /oauth2/token refresh and /oauth2/revoke work on them too.
"""

from . import choice_auth
from .errors import CognitoError
from .parameters import app_client, client_metadata, string_map
from .password_auth import password_auth
from .srp_auth import srp_auth
from .token_refresh import refresh_auth

AUTH_FLOWS = ("USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH",
              "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH")


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
        return srp_auth(tenant, client, parameters)
    raise CognitoError("InvalidParameterException", f"{flow} flow not enabled for this client")


def admin_initiate_auth(tenant, request: dict) -> dict:
    """AdminInitiateAuth (a signed call of a backend): ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH,
    its older name), USER_SRP_AUTH (AWS answers it here too: docs/vendors.md, "Cognito's SRP") and
    REFRESH_TOKEN_AUTH, as InitiateAuth answers them."""
    if not isinstance(request.get("UserPoolId"), str) or not request["UserPoolId"]:
        raise CognitoError("InvalidParameterException", "Missing required parameter UserPoolId")
    flow = request.get("AuthFlow")
    if flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        request = {**request, "AuthFlow": "USER_PASSWORD_AUTH"}
    elif flow not in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "USER_SRP_AUTH"):
        raise CognitoError("InvalidParameterException", f"{str(flow)[:64]} flow not enabled for this client")
    return initiate_auth(tenant, request)
