"""Entra's single-page application platform: which codes and refresh tokens may be redeemed from a
browser (docs/vendors.md, "SPA SDKs in the browser").

A redirect URI registered under the "Single-page application" platform (the seed's
`single_page_app: true`) gets codes and refresh tokens redeemable only by a cross-origin request,
one that carries an Origin header, as msal-browser's fetch does (AADSTS9002327 otherwise); those
of the web and mobile platforms are never redeemed cross-origin (AADSTS9002326), so a browser
cannot redeem what a server was meant to."""

from ...oauth.errors import InvalidRequestError, safe_description
from .. import cors

REDEEMED = ("authorization_code", "refresh_token")
# "Refresh tokens sent to a redirect URI registered as spa expire after 24 hours. Additional refresh
# tokens acquired using the initial refresh token carry over that expiration time" (Microsoft's
# refresh token docs); once past it, AADSTS700084 (errors.py).
SPA_REFRESH_LIFETIME = 24 * 3600


def check_origin(client, grant_type: str, origin: str | None) -> None:
    if grant_type not in REDEEMED:
        return
    if origin and not client.single_page_app:
        raise InvalidRequestError("AADSTS9002326: Cross-origin token redemption is permitted only for the "
                                  f"'Single-Page Application' client-type. Request origin: '{safe_description(origin)}'.")
    if not origin and client.single_page_app:
        raise InvalidRequestError("AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type "
                                  "may only be redeemed via cross-origin requests.")


def cors_origins(client) -> set[str]:
    """CORS at the token endpoint (and userinfo, logout) for the SPA platform's redirect URIs'
    origins only: a web app's redirect URI "without setting up CORS" gets no
    Access-Control-Allow-Origin (Microsoft's auth code flow docs; docs/vendors.md, "CORS allow-lists")."""
    return cors.origins(client.redirect_uris) if client.single_page_app else set()


def refresh_token_expires_at(ctx, previous: int | None) -> int | None:
    """A SPA's refresh tokens share the first one's 24 hours; None for other clients."""
    if not ctx.client.single_page_app:
        return None
    return previous if previous is not None else ctx.now + SPA_REFRESH_LIFETIME
