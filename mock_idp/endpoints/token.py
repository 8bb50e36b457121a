"""Back-channel endpoints: token (RFC 6749 §3.2), device authorization (RFC 8628 §3.1),
introspection (RFC 7662) and revocation (RFC 7009)."""

from fastapi import Request
from fastapi.responses import Response

from ..oauth.server import ParsedRequest
from .http import read_params, render


def add_routes(app, issuer) -> None:
    flavor = issuer.tenant.flavor

    def endpoint(respond, vendor_shaped: bool):
        accept_json = vendor_shaped and flavor.token_endpoint_accepts_json

        async def handle(request: Request) -> Response:
            params = await read_params(request, accept_json=accept_json)
            oauth_request = ParsedRequest("POST", str(request.url), request.headers, params)
            status, body, headers = respond(oauth_request)
            if vendor_shaped:
                status, body = flavor.token_endpoint_response(status, body)
            return render(request, status, body, headers)
        return handle

    def server_endpoint(name: str):
        return lambda oauth_request: issuer.server.create_endpoint_response(name, oauth_request)

    routes = [
        ("token_endpoint", issuer.server.create_token_response, True),
        ("device_authorization_endpoint", server_endpoint("device_authorization"), True),
        ("introspection_endpoint", server_endpoint("introspection"), False),
        ("revocation_endpoint", server_endpoint("revocation"), False),
    ]
    for path_name, respond, vendor_shaped in routes:
        if issuer.route(path_name):
            app.add_api_route(issuer.route(path_name), endpoint(respond, vendor_shaped),
                              methods=["POST"], include_in_schema=False)
