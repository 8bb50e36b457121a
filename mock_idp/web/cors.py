"""CORS per tenant on the endpoints a browser application calls from its own origin (discovery,
JWKS, token, userinfo, revocation), preflight included, so a single-page app redeems its code
from the browser; and the vendor APIs a persona declares for browsers (a module's `CORS`, e.g.
Cognito's user-pool API). Allowed origins: the tenant's `cors_origins`, by default the origins of its
clients' redirect URIs. Every other path is left alone."""

from urllib.parse import urlsplit

from ..personas.vendor_api import vendor_cors_paths
from .endpoint_map import CORS_ENDPOINTS, endpoint_table
from .off_loop import off_loop

ALLOW_METHODS = b"GET, POST, OPTIONS"
MAX_AGE = b"600"


def redirect_origins(tenant) -> set[str]:
    origins = set()
    for client in tenant.clients.values():
        for uri in [*client.redirect_uris, *client.post_logout_redirect_uris]:
            parts = urlsplit(uri)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def allowed_origins(tenant) -> set[str]:
    configured = tenant.config.cors_origins
    if configured is not None:
        return {origin.rstrip("/").lower() for origin in configured}
    return redirect_origins(tenant)  # read per request: the admin API may add clients


def allows(tenant, origin: str) -> bool:
    allowed = allowed_origins(tenant)
    return origin in allowed or "*" in allowed


class Cors:
    def __init__(self, app, tenants):
        self.app = app
        # path -> (tenant, request headers a preflight never grants there)
        self.table = {path: (e.tenant, frozenset()) for path, e in endpoint_table(tenants).items()
                      if e.name in CORS_ENDPOINTS}
        self.table.update(vendor_cors_paths(tenants))  # e.g. Cognito's public user-pool API

    async def __call__(self, scope, receive, send):
        found = self.table.get(scope["path"]) if scope["type"] == "http" else None
        origin = dict(scope.get("headers", [])).get(b"origin") if found else None
        if origin is None:
            return await self.app(scope, receive, send)
        tenant, refused = found
        headers = dict(scope["headers"])
        # The tenant's clients are read: off the event loop on a database server (web/off_loop.py).
        allowed = await off_loop(allows, tenant, origin.decode("latin-1").lower(), needed=False, store=tenant.store)
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            requested = headers.get(b"access-control-request-headers", b"").decode("latin-1").lower()
            allowed = allowed and not refused & {name.strip() for name in requested.split(",")}
            # Fetch Standard §4.8: the preflight; without the allow headers the browser refuses.
            reply = [(b"vary", b"Origin"), (b"content-length", b"0")]
            if allowed:
                reply += [(b"access-control-allow-origin", origin), (b"access-control-allow-methods", ALLOW_METHODS),
                          (b"access-control-allow-headers",
                           headers.get(b"access-control-request-headers", b"authorization, content-type")),
                          (b"access-control-max-age", MAX_AGE)]
            await send({"type": "http.response.start", "status": 204 if allowed else 403, "headers": reply})
            return await send({"type": "http.response.body", "body": b""})

        async def with_cors(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if not k.lower().startswith(b"access-control-")]
                if allowed:
                    kept += [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
                message = {**message, "headers": kept}
            await send(message)
        await self.app(scope, receive, with_cors)
