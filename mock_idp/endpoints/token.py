"""Token endpoint (RFC 6749 §3.2), plus introspection (RFC 7662) and revocation (RFC 7009)."""

from fastapi import Request
from fastapi.responses import Response

from ..oauth.server import ParsedRequest
from .http import read_params, render


def add_routes(app, issuer) -> None:
    accept_json = issuer.tenant.flavor.token_endpoint_accepts_json

    async def token_endpoint(request: Request) -> Response:
        params = await read_params(request, accept_json=accept_json)
        oauth_request = ParsedRequest("POST", str(request.url), request.headers, params)
        status, body, headers = issuer.server.create_token_response(oauth_request)
        status, body = issuer.tenant.flavor.token_endpoint_response(status, body)
        return render(request, status, body, headers)

    def server_endpoint(name: str):
        async def endpoint(request: Request) -> Response:
            params = await read_params(request)
            oauth_request = ParsedRequest("POST", str(request.url), request.headers, params)
            return render(request, *issuer.server.create_endpoint_response(name, oauth_request))
        return endpoint

    app.add_api_route(issuer.route("token_endpoint"), token_endpoint, methods=["POST"],
                      include_in_schema=False)
    for path_name, endpoint_name in (("introspection_endpoint", "introspection"),
                                     ("revocation_endpoint", "revocation")):
        if issuer.route(path_name):
            app.add_api_route(issuer.route(path_name), server_endpoint(endpoint_name),
                              methods=["POST"], include_in_schema=False)
