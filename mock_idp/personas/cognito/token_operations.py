"""GetUser, GlobalSignOut (an access token) and RevokeToken (a refresh token), per docs/vendors.md 4c."""

from .errors import CognitoError, not_authorized
from .flavor import ADMIN_SCOPE as API_SCOPE
from .parameters import app_client, attribute_value, required
from .token_refresh import check_client_secret
from ...oauth.tokens import read_access_token, token_hash


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
        if row is not None and row.issuer == issuer.key and tenant.find_user(row.username or "") is None:
            raise CognitoError("UserNotFoundException", "User does not exist.")  # deleted (see below)
        if row is not None and row.issuer == issuer.key and row.revoked:
            raise not_authorized("Access Token has been revoked")
        if row is not None and row.issuer == issuer.key:
            raise not_authorized("Access Token has expired")
        raise not_authorized("Invalid Access Token")
    row, claims = found
    if API_SCOPE not in row.scope.split():
        raise not_authorized("Access Token does not have required scopes")
    user = tenant.find_user(row.username or "")
    # A deleted user's tokens: Cognito answers them "User does not exist." (aws-amplify/aws-sdk-android#366);
    # the mock also revokes them, so a new user of the same name gets nothing from them.
    if user is None or tenant.subject(user) != claims.get("sub"):
        raise CognitoError("UserNotFoundException", "User does not exist.")
    return user


def revoke_token(tenant, request: dict) -> dict:
    """RevokeToken: a refresh token and the access tokens issued with it (RFC 7009 style)."""
    token = required(request, "Token")
    client = app_client(tenant, request.get("ClientId"))
    check_client_secret(client, request)
    row = tenant.store.find_refresh_token(token)
    if row is None:
        if tenant.store.find_access_token(token_hash(token)) is not None:
            raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
        return {}  # an unknown token is no error (RFC 7009 §2.2)
    if row.client_id != client.client_id or row.issuer != tenant.issuers[0].key:
        raise CognitoError("UnauthorizedException", "The token was not issued to this client.")
    tenant.store.revoke_grant(row.grant_id)  # the refresh token and every token it issued
    return {}
