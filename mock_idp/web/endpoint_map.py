"""Which tenant and endpoint a request path is, for the request log and CORS (one lookup table,
built once from the issuers' layouts; pure ASGI, so no route matching is repeated)."""

from dataclasses import dataclass

# Endpoints a browser application may call from another origin (OIDC Discovery, RFC 6749 §3.2,
# OIDC Core §5.3, RFC 7009, RFC 7662, RP-Initiated Logout): the ones CORS answers for, by the
# persona's allow-lists (web/cors.py).
CORS_ENDPOINTS = frozenset({"discovery", "jwks_uri", "token_endpoint", "userinfo_endpoint", "revocation_endpoint",
                            "introspection_endpoint", "end_session_endpoint"})
NAMED = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "introspection_endpoint",
         "revocation_endpoint", "end_session_endpoint", "device_authorization_endpoint", "login")


@dataclass(frozen=True)
class Endpoint:
    tenant: object  # tenants.Tenant
    name: str


def endpoint_table(tenants) -> dict[str, Endpoint]:
    table: dict[str, Endpoint] = {}
    for tenant in tenants:
        for issuer in tenant.issuers:
            base = tenant.route_prefix + issuer.layout.prefix
            for name in NAMED:
                path = getattr(issuer.layout.paths, name)
                if path is not None:
                    table.setdefault(base + path, Endpoint(tenant, name))
            for path in issuer.layout.paths.discovery:
                table.setdefault(base + path, Endpoint(tenant, "discovery"))
    return table


def tenant_of(tenants, path: str):
    """The tenant whose prefix `path` is under (the longest), or None."""
    best = None
    for tenant in tenants:
        prefix = tenant.route_prefix
        if (path == prefix or path.startswith(prefix + "/")) and (best is None or len(prefix) > len(best.route_prefix)):
            best = tenant
    return best
