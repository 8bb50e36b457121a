"""Cognito's sign-in operations (InitiateAuth, GetUser, GlobalSignOut, RevokeToken) as plain
functions: (tenant, request JSON) -> response JSON, or a CognitoError.

The tokens are the hosted UI's: signed and recorded by oauth/tokens.py with the Cognito persona's
claims, so /oauth2/userInfo, /oauth2/token refresh and /oauth2/revoke work on them too.
"""

import base64
import hashlib
import hmac
import json
import secrets

from .flavor import ADMIN_SCOPE as API_SCOPE
from ..base import TokenContext
from ...endpoints.sso import record_signin_token
from ...oauth.tokens import issue_access_token, issue_id_token, read_access_token, token_hash

# API_SCOPE: the scope of tokens from the user-pool API; it lets them call GetUser and the other
# self-service operations (and releases every attribute into the ID token).
AUTH_FLOWS = ("USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH",
              "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH")
SRP_REFUSED = ("USER_SRP_AUTH is not supported by mock_idp: use AuthFlow USER_PASSWORD_AUTH "
               "(Amplify: signIn options authFlowType 'USER_PASSWORD_AUTH').")


class CognitoError(Exception):
    """An AWS JSON error: HTTP 400, `__type` and `message` (cognito_idp.py renders it)."""

    def __init__(self, type_: str, message: str):
        super().__init__(f"{type_}: {message}")
        self.type, self.message = type_, message


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


# -- InitiateAuth ---------------------------------------------------------------------------------

def initiate_auth(tenant, request: dict) -> dict:
    flow = request.get("AuthFlow")
    if not isinstance(flow, str) or flow not in AUTH_FLOWS:
        raise CognitoError("InvalidParameterException", f"1 validation error detected: Value {flow!r} at "
                           f"'authFlow' failed to satisfy constraint: Member must satisfy enum value set: "
                           f"[{', '.join(AUTH_FLOWS)}]")
    client = app_client(tenant, request.get("ClientId"))
    parameters = request.get("AuthParameters") or {}
    if not isinstance(parameters, dict) or not all(isinstance(v, str) for v in parameters.values()):
        raise CognitoError("InvalidParameterException", "AuthParameters must be a map of strings.")
    client_metadata(request)  # checked, and not passed to the pre-token-generation trigger (vendors.md §5a)
    if flow == "USER_PASSWORD_AUTH":
        return password_auth(tenant, client, parameters)
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return refresh_auth(tenant, client, parameters)
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
    attributes = {name: attribute_value(value) for name, value in tenant.flavor.attributes(user).items()
                  if name != "email_verified"}
    return {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
            "ChallengeParameters": {"USER_ID_FOR_SRP": user.username, "requiredAttributes": "[]",
                                    "userAttributes": json.dumps(attributes)}}


def refresh_auth(tenant, client, parameters: dict) -> dict:
    refresh_token = required(parameters, "REFRESH_TOKEN")
    row = tenant.store.find_refresh_token(refresh_token)
    issuer = tenant.issuers[0]
    if row is None or row.issuer != issuer.key or row.client_id != client.client_id:
        raise not_authorized("Invalid Refresh Token")
    user = tenant.find_user(row.username or "")
    names = [parameters.get("USERNAME", "")] + ([user.username, tenant.subject(user)] if user else [])
    check_secret_hash(client, parameters, names)
    if row.revoked or row.refresh_revoked or user is None:
        raise not_authorized("Refresh Token has been revoked")
    if (row.refresh_expires_at or 0) <= tenant.now():
        raise not_authorized("Refresh Token has expired")
    # Cognito keeps the refresh token: the result has none.
    return {"ChallengeParameters": {},
            "AuthenticationResult": issue(tenant, client, user, row.auth_time, with_refresh_token=False,
                                          grant_type="cognito:refresh_token_auth")}


def issue(tenant, client, user, auth_time, with_refresh_token: bool = True,
          grant_type: str = "cognito:initiate_auth", client_metadata: dict | None = None) -> dict:
    """The tokens of a sign-in; `grant_type` names the path for the pre-token-generation trigger
    (its triggerSource), which also gets `client_metadata` (request.clientMetadata)."""
    issuer = tenant.issuers[0]
    ctx = TokenContext(issuer=issuer, client=client, user=user, scopes=[API_SCOPE],
                       grant_type=grant_type, auth_time=auth_time)
    if client_metadata is not None:
        ctx.extra["client_metadata"] = client_metadata
    token = issue_access_token(ctx, include_refresh_token=with_refresh_token and "refresh_token" in client.grant_types)
    result = {"AccessToken": token["access_token"], "ExpiresIn": token["expires_in"], "TokenType": "Bearer",
              "IdToken": issue_id_token(ctx)}
    if "refresh_token" in token:
        result["RefreshToken"] = token["refresh_token"]
    return result


# -- with an access token ----------------------------------------------------------------------------

def get_user(tenant, request: dict) -> dict:
    user = token_user(tenant, request)
    attributes = {"sub": tenant.subject(user), **tenant.flavor.attributes(user)}
    return {"Username": user.username,
            "UserAttributes": [{"Name": name, "Value": attribute_value(value)} for name, value in attributes.items()]}


def global_sign_out(tenant, request: dict) -> dict:
    user = token_user(tenant, request)
    tenant.store.revoke_user(tenant.name, [issuer.key for issuer in tenant.issuers], user.username)
    return {}


def token_user(tenant, request: dict):
    """The user of a live access token that carries the API scope, else Cognito's error."""
    access_token = request.get("AccessToken")
    if not isinstance(access_token, str) or not access_token:
        raise CognitoError("InvalidParameterException", "Missing required parameter AccessToken")
    issuer = tenant.issuers[0]
    found = read_access_token(issuer, access_token)
    if found is None:
        row = tenant.store.find_access_token(token_hash(access_token))
        if row is not None and row.issuer == issuer.key and row.revoked:
            raise not_authorized("Access Token has been revoked")
        if row is not None and row.issuer == issuer.key:
            raise not_authorized("Access Token has expired")
        raise not_authorized("Invalid Access Token")
    row, _ = found
    if API_SCOPE not in row.scope.split():
        raise not_authorized("Access Token does not have required scopes")
    user = tenant.find_user(row.username or "")
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    return user


def revoke_token(tenant, request: dict) -> dict:
    """RevokeToken: a refresh token and the access tokens issued with it (RFC 7009 style)."""
    token = required(request, "Token")
    client = app_client(tenant, request.get("ClientId"))
    if client.client_secret is not None and not (
            isinstance(request.get("ClientSecret"), str)
            and hmac.compare_digest(request["ClientSecret"].encode(), client.client_secret.encode())):
        raise not_authorized(f"Unable to verify secret for client {client.client_id}" if request.get("ClientSecret")
                             else f"Client {client.client_id} is configured for secret but secret was not received")
    row = tenant.store.find_refresh_token(token)
    if row is None:
        if tenant.store.find_access_token(token_hash(token)) is not None:
            raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
        return {}  # an unknown token is no error (RFC 7009 §2.2)
    if row.client_id != client.client_id or row.issuer != tenant.issuers[0].key:
        raise CognitoError("UnauthorizedException", "The token was not issued to this client.")
    tenant.store.revoke_grant(row.grant_id)  # the refresh token and every token it issued
    return {}


# -- helpers ----------------------------------------------------------------------------------------

def app_client(tenant, client_id):
    client = tenant.find_client(client_id) if isinstance(client_id, str) and client_id else None
    if client is None:
        if not isinstance(client_id, str) or not client_id:
            raise CognitoError("InvalidParameterException", "Missing required parameter ClientId")
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id[:128]} does not exist.")
    return client


def pool_user(tenant, username: str):
    """By username, or by email address (a pool with email as an alias)."""
    email = username.lower()
    return tenant.find_user(username) or next(
        (user for user in tenant.all_users() if str(user.claims.get("email", "")).lower() == email), None)


def check_secret_hash(client, parameters: dict, usernames: list[str]) -> None:
    """SECRET_HASH = Base64(HMAC-SHA256(key=client secret, message=username + client id)), required
    when the app client has a secret."""
    if client.client_secret is None:
        return
    given = parameters.get("SECRET_HASH")
    if not given:
        raise not_authorized(f"Client {client.client_id} is configured for secret but secret was not received")
    for username in usernames:
        digest = hmac.new(client.client_secret.encode(), (username + client.client_id).encode(), hashlib.sha256)
        if hmac.compare_digest(base64.b64encode(digest.digest()), given.encode()):
            return
    raise not_authorized(f"Unable to verify secret hash for client {client.client_id}")


def client_metadata(request: dict) -> dict | None:
    """ClientMetadata: a map of strings (botocore's ClientMetadataType), or absent."""
    metadata = request.get("ClientMetadata")
    if metadata is not None and (not isinstance(metadata, dict)
                                 or not all(isinstance(v, str) for v in metadata.values())):
        raise CognitoError("InvalidParameterException", "ClientMetadata must be a map of strings.")
    return metadata


def required(parameters: dict, name: str) -> str:
    value = parameters.get(name)
    if not isinstance(value, str) or not value:
        raise CognitoError("InvalidParameterException", f"Missing required parameter {name}")
    return value


def attribute_value(value) -> str:
    """Attributes travel as strings: booleans as "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
