"""CORS per tenant on the endpoints a browser application calls from its own origin (discovery,
JWKS, token, userinfo, revocation, introspection, logout), preflight included, so a single-page app
redeems its code from the browser; and the vendor APIs a persona declares for browsers (a module's
`CORS`, e.g. Cognito's user-pool API). Every other path is left alone.

Who is allowed is the persona's (personas/cors.py, `Flavor.cors_origins`): per client where the
endpoint names the request's client (`name_client`: the authenticated client, the access token's,
the logout's), else for any client of the tenant (a preflight, which has no body to name one;
discovery; JWKS; a request whose client is unknown). The seed's `cors_origins` replaces the lists."""

from ..personas import cors
from ..personas.vendor_api import vendor_cors_paths
from .endpoint_map import CORS_ENDPOINTS, endpoint_table
from .off_loop import off_loop

ALLOW_METHODS = b"GET, POST, OPTIONS"
MAX_AGE = b"600"
CLIENT = "cors_client"  # the key of the ASGI scope's state an endpoint names its client under


def name_client(request, client_id: str | None) -> None:
    """Tell CORS whose allow-list this answer follows (the request's client)."""
    if client_id:
        request.scope.setdefault("state", {})[CLIENT] = client_id


def allowed_origins(tenant, client=None) -> set[str]:
    """The origins allowed for `client` (a ClientConfig), None: for any client of the tenant. Read
    per request: the admin API may add clients."""
    return cors.allowed(tenant.flavor, tenant.config, client, tenant.clients.values())


def allows(tenant, origin: str, client_id: str | None = None) -> bool:
    client = tenant.find_client(client_id) if client_id else None
    return cors.allows(tenant.flavor, tenant.config, client, origin, tenant.clients.values())


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
        text = origin.decode("latin-1").lower()
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            # The tenant's clients are read: off the event loop on a database server (web/off_loop.py).
            allowed = await off_loop(allows, tenant, text, needed=False, store=tenant.store)
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

        # Shared with the endpoint, which may name the request's client in it (name_client).
        state = scope.setdefault("state", {})

        async def with_cors(message):
            if message["type"] == "http.response.start":
                allowed = await off_loop(allows, tenant, text, state.get(CLIENT), needed=False, store=tenant.store)
                kept = [(k, v) for k, v in message.get("headers", []) if not k.lower().startswith(b"access-control-")]
                if not any(k.lower() == b"vary" and b"origin" in v.lower() for k, v in kept):
                    kept.append((b"vary", b"Origin"))  # refused too: a cache must not give it to another origin
                if allowed:
                    kept.append((b"access-control-allow-origin", origin))
                message = {**message, "headers": kept}
            await send(message)
        await self.app(scope, receive, with_cors)
