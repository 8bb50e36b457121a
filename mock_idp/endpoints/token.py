"""Back-channel endpoints: token (RFC 6749 §3.2), device authorization (RFC 8628 §3.1),
introspection (RFC 7662) and revocation (RFC 7009)."""

from functools import partial

from fastapi import Request
from fastapi.responses import Response

from ..hooks import HookFailure
from ..oauth.errors import OAuthError
from ..oauth.server import ParsedRequest
from ..web.cors import name_client
from ..web.off_loop import off_loop
from .http import read_params, render


def back_channel(issuer, respond, vendor_shaped: bool, endpoint_name: str):
    """A POST endpoint over the authlib server; `vendor_shaped` ones answer in the persona's shape."""
    flavor = issuer.flavor
    # A persona whose token endpoint takes JSON takes it at revocation too (its SDK posts JSON there).
    accept_json = flavor.token_endpoint_accepts_json and (vendor_shaped or endpoint_name == "revocation_endpoint")

    async def handle(request: Request) -> Response:
        params = await read_params(request, accept_json=accept_json)
        await issuer.server.client_keys.prepare(issuer, params)  # a private_key_jwt client's jwks_uri
        oauth_request = ParsedRequest("POST", issuer.issuer, request.headers, params)
        oauth_request.endpoint_name = endpoint_name  # the `aud` a client assertion may name
        # Off the event loop when a persona's token hook may be called, or the store is a database
        # server (web/off_loop.py).
        try:
            status, body, headers = await off_loop(respond, oauth_request, needed=partial(flavor.calls_hooks, issuer),
                                                   store=issuer.store)
        except HookFailure as failure:  # nothing was issued
            status, body, headers = issuer.server.handle_error_response(oauth_request, hook_error(failure))
        client = getattr(oauth_request, "client", None)
        name_client(request, getattr(client, "client_id", None))  # its CORS allow-list (web/cors.py)
        if vendor_shaped:
            status, body = flavor.token_endpoint_response(status, body, request.headers)
        return render(request, status, body, headers)
    return handle


def token_endpoint(issuer):
    return back_channel(issuer, issuer.server.create_token_response, vendor_shaped=True, endpoint_name="token_endpoint")


def device_authorization_endpoint(issuer):
    return back_channel(issuer, server_endpoint(issuer, "device_authorization"), vendor_shaped=True,
                        endpoint_name="device_authorization_endpoint")


def introspection_endpoint(issuer):
    return back_channel(issuer, server_endpoint(issuer, "introspection"), vendor_shaped=False,
                        endpoint_name="introspection_endpoint")


def revocation_endpoint(issuer):
    return back_channel(issuer, server_endpoint(issuer, "revocation"), vendor_shaped=False,
                        endpoint_name="revocation_endpoint")


def server_endpoint(issuer, name: str):
    return lambda oauth_request: issuer.server.create_endpoint_response(name, oauth_request)


def hook_error(failure: HookFailure) -> OAuthError:
    error = OAuthError(description=failure.description)
    error.error = failure.error
    return error
