"""The AuthenticationResult of the user-pool API's sign-ins and refreshes: tokens signed and
recorded by oauth/tokens.py with the Cognito persona's claims, as the hosted UI's are."""

from .flavor import ADMIN_SCOPE as API_SCOPE
from ..views import TokenContext
from ...oauth.tokens import issue_access_token, issue_id_token

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
    token = issue_access_token(ctx, include_refresh_token=with_refresh_token and "refresh_token" in client.grant_types,
                               **recording)
    result = {"AccessToken": token["access_token"], "ExpiresIn": token["expires_in"], "TokenType": "Bearer",
              "IdToken": issue_id_token(ctx)}
    if "refresh_token" in token:
        result["RefreshToken"] = token["refresh_token"]
    return result
