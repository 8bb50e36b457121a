"""UserInfo endpoint (OIDC Core §5.3): verify the bearer token, return the persona's claims."""

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..oauth.context import TokenContext
from ..oauth.errors import InsufficientScopeError, InvalidRequestError, InvalidTokenError
from ..oauth.tokens import read_access_token
from .http import read_params


def add_routes(app, issuer) -> None:
    async def userinfo(request: Request) -> Response:
        token = await bearer_token(request)
        if token is None:
            # RFC 6750 §3.1: no credentials at all gets a bare challenge, no error code.
            return JSONResponse(
                {"error": "invalid_request", "error_description": "No access token was sent."},
                status_code=401, headers={"WWW-Authenticate": 'Bearer realm="userinfo"'},
            )
        found = read_access_token(issuer, token)
        if found is None:
            raise InvalidTokenError("The access token is invalid, expired or revoked.", realm="userinfo")
        row, _claims = found
        scopes = row.scope.split()
        user = issuer.tenant.users.get(row.username or "")
        if user is None:
            raise InvalidTokenError("The access token was not issued to an end user.", realm="userinfo")
        if "openid" not in scopes:
            raise InsufficientScopeError("The access token lacks the openid scope.",
                                         realm="userinfo", scope="openid")
        ctx = TokenContext(
            issuer=issuer, client=issuer.tenant.clients[row.client_id], user=user, scopes=scopes,
            grant_type="userinfo", audience=row.audience, auth_time=row.auth_time,
        )
        return JSONResponse(issuer.tenant.flavor.userinfo_claims(ctx), headers={"Cache-Control": "no-store"})

    path = issuer.route("userinfo_endpoint")
    app.add_api_route(path, userinfo, methods=["GET", "POST"], include_in_schema=False)


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
