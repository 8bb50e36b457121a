"""UserInfo endpoint (OIDC Core §5.3): verify the bearer token, return the persona's claims."""

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..personas.views import TokenContext
from ..oauth.errors import InsufficientScopeError, InvalidRequestError, InvalidTokenError
from ..oauth.tokens import read_access_token
from ..web.cors import name_client
from ..web.off_loop import off_loop
from .http import read_params


def userinfo_endpoint(issuer):
    async def userinfo(request: Request) -> Response:
        token = await bearer_token(request)
        if token is None:
            # RFC 6750 §3.1: no credentials at all gets a bare challenge, no error code.
            return JSONResponse(
                {"error": "invalid_request", "error_description": "No access token was sent."},
                status_code=401, headers={"WWW-Authenticate": 'Bearer realm="userinfo"'},
            )
        # The token's record is read: off the event loop on a database server (web/off_loop.py).
        return await off_loop(claims_of, request, issuer, token, needed=False, store=issuer.store)
    return userinfo


def claims_of(request: Request, issuer, token: str) -> Response:
    found = read_access_token(issuer, token)
    if found is None:
        raise InvalidTokenError("The access token is invalid, expired or revoked.", realm="userinfo")
    row, _claims = found
    name_client(request, row.client_id)  # the token's client's CORS allow-list (web/cors.py)
    scopes = row.scope.split()
    user = issuer.find_user(row.username or "")
    if user is None:
        raise InvalidTokenError("The access token was not issued to an end user.", realm="userinfo")
    if "openid" not in scopes:
        raise InsufficientScopeError("The access token lacks the openid scope.",
                                     realm="userinfo", scope="openid")
    ctx = TokenContext(
        issuer=issuer, client=issuer.find_client(row.client_id), user=user, scopes=scopes,
        grant_type="userinfo", audience=row.audience, auth_time=row.auth_time,
    )
    return JSONResponse(issuer.flavor.userinfo_claims(ctx), headers={"Cache-Control": "no-store"})


async def bearer_token(request: Request) -> str | None:
    """RFC 6750 §2.1 header or §2.2 form body; using both at once is an invalid_request."""
    header = request.headers.get("authorization")
    from_header = None
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise InvalidTokenError("The Authorization header is not a Bearer token.", realm="userinfo")
        from_header = value.strip()
    from_body = None
    if request.method == "POST" and request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        from_body = dict(await read_params(request)).get("access_token")
    if from_header and from_body:
        raise InvalidRequestError("Send the access token in one place only.")
    return from_header or from_body
