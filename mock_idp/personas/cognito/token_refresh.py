"""New tokens for a refresh token through the user-pool API, as the app client's
RefreshTokenRotation says (docs/vendors.md, "Refresh token rotation, per vendor"):
InitiateAuth's REFRESH_TOKEN_AUTH (only without rotation) and GetTokensFromRefreshToken."""

import hmac

from .errors import CognitoError, not_authorized
from .issued import issue
from .parameters import app_client, check_secret_hash, client_metadata, required
from ...oauth import refresh

# GetTokensFromRefreshToken's error for a token retired by rotation (botocore's model names the
# type; the message is the mock's own words, not a captured answer).
REUSED = CognitoError("RefreshTokenReuseException", "Refresh Token has been reused")


def refresh_auth(tenant, client, parameters: dict) -> dict:
    """InitiateAuth REFRESH_TOKEN_AUTH: new ID and access tokens; the refresh token is kept."""
    if tenant.flavor.refresh_rotation_of(client).new_token:
        # "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token
        # rotation enabled": the flow is off for such a client.
        raise CognitoError("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
    refresh_token = required(parameters, "REFRESH_TOKEN")
    row, user = live_row(tenant, client, refresh_token, lambda user: check_secret_hash(
        client, parameters, [parameters.get("USERNAME", "")] + ([user.username, tenant.subject(user)] if user else [])))
    if row.refresh_revoked:
        raise not_authorized("Refresh Token has been revoked")
    return {"ChallengeParameters": {}, "AuthenticationResult": renewed(tenant, client, row, user)}


def get_tokens_from_refresh_token(tenant, request: dict) -> dict:
    """GetTokensFromRefreshToken: new ID and access tokens, and with rotation a new refresh token
    (the old one redeemable for RetryGracePeriodSeconds, then RefreshTokenReuseException)."""
    refresh_token = required(request, "RefreshToken")
    client = app_client(tenant, request.get("ClientId"))
    row, user = live_row(tenant, client, refresh_token, lambda user: check_client_secret(client, request))
    metadata = client_metadata(request)
    if not refresh.redeemable(tenant.store, row, tenant.flavor.refresh_rotation_of(client), tenant.now()):
        raise REUSED  # the grant has ended with it
    return {"AuthenticationResult": renewed(tenant, client, row, user, metadata)}


def live_row(tenant, client, refresh_token: str, check_client):
    """The refresh token's row and user, or Cognito's error; `check_client(user)` checks the
    client's secret once the token is known to be the client's."""
    row = tenant.store.find_refresh_token(refresh_token)
    if row is None or row.issuer != tenant.issuers[0].key or row.client_id != client.client_id:
        raise not_authorized("Invalid Refresh Token")
    user = tenant.find_user(row.username or "")
    check_client(user)
    if user is None:  # deleted (aws-amplify/aws-sdk-android#366: a refresh answers this)
        raise CognitoError("UserNotFoundException", "User does not exist.")
    if not user.enabled:  # AdminDisableUser: said before the revocation it made
        raise not_authorized("User is disabled.")
    if row.revoked:
        raise not_authorized("Refresh Token has been revoked")
    if (row.refresh_expires_at or 0) <= tenant.now():
        raise not_authorized("Refresh Token has expired")
    return row, user


def renewed(tenant, client, row, user, metadata: dict | None = None) -> dict:
    """The AuthenticationResult of a refresh: tokens of the same grant, stored as the rotation says."""
    rotation = tenant.flavor.refresh_rotation_of(client)

    def record(make_row) -> None:
        if not refresh.record(tenant.store, row, make_row(), rotation, tenant.now()):
            raise REUSED  # a concurrent redemption of the same token won

    return issue(tenant, client, user, row.auth_time, with_refresh_token=rotation.new_token,
                 grant_type="cognito:refresh_token_auth", client_metadata=metadata,
                 code=row.code, grant_id=row.grant_id, record=record)


def check_client_secret(client, request: dict) -> None:
    """ClientSecret, required when the app client has a secret (RevokeToken, GetTokensFromRefreshToken)."""
    if client.client_secret is None:
        return
    given = request.get("ClientSecret")
    if not (isinstance(given, str) and hmac.compare_digest(given.encode(), client.client_secret.encode())):
        raise not_authorized(f"Unable to verify secret for client {client.client_id}" if given
                             else f"Client {client.client_id} is configured for secret but secret was not received")
