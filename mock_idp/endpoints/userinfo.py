"""UserInfo endpoint (OIDC Core §5.3): verify the bearer token, return the persona's claims.

Each refusal names its case ("no_token", "malformed", "invalid_token", "not_access_token",
"no_end_user", "no_openid")
so the persona may answer it in the vendor's shape (Flavor.userinfo_error)."""

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..personas.views import TokenContext
from ..oauth.errors import InsufficientScopeError, InvalidRequestError, InvalidTokenError, MissingTokenError, OAuthError
from ..oauth.tokens import find_access_token, read_access_token
from ..web.cors import name_client
from ..web.off_loop import off_loop
from .http import read_params


def userinfo_endpoint(issuer):
    async def userinfo(request: Request) -> Response:
        token = await bearer_token(issuer, request)
        if token is None:
            # RFC 6750 §3.1: no credentials at all gets a bare challenge, no error code.
            raise refusal(issuer, "no_token", MissingTokenError("No access token was sent.", realm="userinfo"))
        # The token's record is read: off the event loop on a database server (web/off_loop.py).
        return await off_loop(claims_of, request, issuer, token, needed=False, store=issuer.store)
    return userinfo


def claims_of(request: Request, issuer, token: str) -> Response:
    found = read_access_token(issuer, token)
    if found is None:
        raise refusal(issuer, "not_access_token" if live_other_token(issuer, token) else "invalid_token",
                      InvalidTokenError("The access token is invalid, expired or revoked.", realm="userinfo"))
    row, _claims = found
    name_client(request, row.client_id)  # the token's client's CORS allow-list (web/cors.py)
    scopes = row.scope.split()
    user = issuer.find_user(row.username or "")
    if user is None:
        raise refusal(issuer, "no_end_user",
                      InvalidTokenError("The access token was not issued to an end user.", realm="userinfo"))
    if "openid" not in scopes:
        raise refusal(issuer, "no_openid", InsufficientScopeError("The access token lacks the openid scope.",
                                                                  realm="userinfo", scope="openid"))
    ctx = TokenContext(
        issuer=issuer, client=issuer.find_client(row.client_id), user=user, scopes=scopes,
        grant_type="userinfo", audience=row.audience, auth_time=row.auth_time,
    )
    return JSONResponse(issuer.flavor.userinfo_claims(ctx), headers={"Cache-Control": "no-store"})


def live_other_token(issuer, token: str) -> bool:
    """Whether a token that is no access token of `issuer` is still one of its live JWTs (an ID token)."""
    if find_access_token(issuer, token) is not None:
        return False  # an access token, revoked or expired
    claims = issuer.keys.verify(token)
    return (claims is not None and claims.get("iss") in issuer.flavor.token_issuers(issuer)
            and isinstance(claims.get("exp"), int) and claims["exp"] > issuer.now())


def refusal(issuer, case: str, error: OAuthError) -> OAuthError:
    return issuer.flavor.userinfo_error(case, error)


async def bearer_token(issuer, request: Request) -> str | None:
    """RFC 6750 §2.1 header or §2.2 form body; using both at once is an invalid_request."""
    header = request.headers.get("authorization")
    from_header = None
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise refusal(issuer, "malformed",
                          InvalidTokenError("The Authorization header is not a Bearer token.", realm="userinfo"))
        from_header = value.strip()
    from_body = None
    if request.method == "POST" and request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        from_body = dict(await read_params(request)).get("access_token")
    if from_header and from_body:
        raise refusal(issuer, "malformed", InvalidRequestError("Send the access token in one place only."))
    return from_header or from_body
