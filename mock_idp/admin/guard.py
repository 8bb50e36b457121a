"""Who may call the admin API, and from where. One ASGI layer in front of every /_admin path (the
OpenAPI document and unknown paths included), checking in this order:

1. `Host` is one of the server's own names (web/base_urls.py `own_host`), else `421`: a page at
   evil.example whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is same-origin with
   its own URL for the browser, and only the Host header it sends gives it away.
2. A page of another origin (web/same_origin.py: `Sec-Fetch-Site`, else `Origin`) is refused `403`:
   another port of localhost is another origin (RFC 6454 §4), and no CORS grant is ever made on
   /_admin (web/cors.py serves only the tenants' endpoints).
3. With MOCK_IDP_ADMIN_TOKEN, its bearer token (RFC 6750 §2.1, compared in constant time) on every
   path; without one, loopback peers only.
4. A state-changing call carries JSON (`415` otherwise): the bodies a page may send cross-origin
   without a preflight (text/plain, forms, none at all; Fetch Standard §3.2.2 CORS-safelisted
   request-header) never change state, whatever a browser's Origin handling does.
"""

import hmac
import ipaddress

from starlette.datastructures import Headers

from ..web.same_origin import foreign_page
from .errors import AdminError

REALM = "mock_idp admin"
JSON_TYPES = ("application/json", "application/merge-patch+json")
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


class AdminGuard:
    def __init__(self, app, token: str | None, base_urls):
        self.app, self.token, self.base_urls = app, token, base_urls

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self.refusal(scope, Headers(scope=scope))
        if refusal is not None:
            return await refusal.response()(scope, receive, send)
        await self.app(scope, receive, send)

    def refusal(self, scope, headers: Headers) -> AdminError | None:
        host = headers.get("host", "")
        if not self.base_urls.own_host(host):
            # RFC 9110 §15.5.20: this server is not the one named in the request.
            return AdminError(421, "misdirected_request", f"This server does not answer for host {host!r}; call "
                              "the admin API at the server's own address (--base-url, --internal-base-url, "
                              "localhost).")
        foreign = foreign_page(headers, scope["scheme"], self.base_urls)
        if foreign is not None:
            return AdminError(403, "access_denied", f"The admin API does not answer pages of another origin "
                              f"({foreign}).")
        refused = self.unauthorized(scope, headers)
        if refused is not None:
            return refused
        if scope["method"] in STATE_CHANGING and not json_content(scope["method"], headers):
            return AdminError(415, "invalid_request", "The admin API changes state on JSON requests only: send "
                              "Content-Type: application/json (an empty body is fine).")
        return None

    def unauthorized(self, scope, headers: Headers) -> AdminError | None:
        if self.token is None:
            peer = scope.get("client") or ("",)
            if not is_loopback(peer[0]):
                return refused(403, "insufficient_scope", "The admin API answers loopback callers only; "
                                                          "set MOCK_IDP_ADMIN_TOKEN to call it from elsewhere.")
            return None
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            # RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
            return AdminError(401, "invalid_request", "The admin API needs a bearer token.",
                              headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})
        if not hmac.compare_digest(credentials.strip().encode(), self.token.encode()):
            return refused(401, "invalid_token", "The admin token is wrong.")
        return None


def json_content(method: str, headers: Headers) -> bool:
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in JSON_TYPES:
        return True
    # A DELETE without a body carries nothing to type; no page can send one cross-origin without a
    # preflight, which is never granted. A POST without a body (reset, revoke) is a simple request.
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    return method == "DELETE" and not has_body


def refused(status: int, error: str, description: str) -> AdminError:
    challenge = f'Bearer realm="{REALM}", error="{error}", error_description="{description}"'
    return AdminError(status, error, description, headers={"WWW-Authenticate": challenge})


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # not a socket peer address (a unix socket, a test transport)
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return (mapped or address).is_loopback
