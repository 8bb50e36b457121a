"""The AuthenticationResult of the user-pool API's sign-ins and refreshes: tokens signed and
recorded by oauth/tokens.py with the Cognito persona's claims, as the hosted UI's are."""

import uuid

from .flavor import ADMIN_SCOPE as API_SCOPE
from ..views import TokenContext
from ...oauth.tokens import issue_access_token, issue_id_token

ORIGIN_NAMESPACE = uuid.UUID("6f1c2a8e-3b5d-4c1e-9f7a-2d8b4e6c0a13")  # origin_jti from the grant's id
# API_SCOPE: the scope of tokens from the user-pool API; it lets them call GetUser and the other
# self-service operations (and releases every attribute into the ID token).


def issue(tenant, client, user, auth_time, with_refresh_token: bool = True,
          grant_type: str = "cognito:initiate_auth", client_metadata: dict | None = None, **recording) -> dict:
    """The tokens of a sign-in; `grant_type` names the path for the pre-token-generation trigger
    (its triggerSource), which also gets `client_metadata` (request.clientMetadata). `recording`:
    issue_access_token's code, grant_id and record, for the tokens of a refresh."""
    issuer = tenant.issuers[0]
    ctx = TokenContext(issuer=issuer, client=client, user=user, scopes=[API_SCOPE],
                       grant_type=grant_type, auth_time=auth_time)
    if client_metadata is not None:
        ctx.extra["client_metadata"] = client_metadata
    with_refresh_token = with_refresh_token and "refresh_token" in client.grant_types
    if recording.get("grant_id") is None and with_refresh_token:
        recording["grant_id"] = uuid.uuid4().hex  # the grant a refresh token continues
    if recording.get("grant_id"):
        # origin_jti names the sign-in: every token refreshed from it carries the same one, the
        # one RevokeToken revokes (AWS: "a token-revocation identifier associated with your
        # user's refresh token").
        ctx.extra["origin_jti"] = str(uuid.uuid5(ORIGIN_NAMESPACE, recording["grant_id"]))
    token = issue_access_token(ctx, include_refresh_token=with_refresh_token, **recording)
    result = {"AccessToken": token["access_token"], "ExpiresIn": token["expires_in"], "TokenType": "Bearer",
              "IdToken": issue_id_token(ctx)}
    if "refresh_token" in token:
        result["RefreshToken"] = token["refresh_token"]
    return result
