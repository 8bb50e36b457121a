"""The server's whole URL layout on one screen: a few server-wide routes, then one Starlette
`Mount` per tenant holding the routes of its authorization servers (relative to the tenant).

A request is matched against the tenants' prefixes first, then against one tenant's ~15 routes,
instead of against every route of every tenant in one flat list.
"""

from starlette.routing import BaseRoute, Match, Mount, Route, Router

from .endpoints import authorize, device, discovery, health, logout, token, userinfo
from .pages import routes as pages
from .personas.vendor_api import vendor_root_routes, vendor_routes, vendor_server_routes

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]

# (endpoint path name in flavors.base.EndpointPaths, handler factory, methods), per issuer.
ISSUER_ROUTES = (
    ("authorization_endpoint", authorize.authorization_endpoint, GET_POST),
    ("login", authorize.login, POST),
    ("token_endpoint", token.token_endpoint, POST),
    ("device_authorization_endpoint", token.device_authorization_endpoint, POST),
    ("introspection_endpoint", token.introspection_endpoint, POST),
    ("revocation_endpoint", token.revocation_endpoint, POST),
    ("userinfo_endpoint", userinfo.userinfo_endpoint, GET_POST),
    ("jwks_uri", discovery.jwks, GET),
    ("end_session_endpoint", logout.end_session_endpoint, GET_POST),
)


def server_routes(tenants, static_dir) -> list[BaseRoute]:
    routes: list[BaseRoute] = [Route("/healthz", health.healthz, methods=GET), *pages.server_routes(static_dir)]
    for tenant in tenants:
        for issuer in tenant.issuers:
            inserted = discovery.rfc8414_inserted_path(issuer)
            if inserted:
                routes.append(Route(inserted, discovery.document(issuer, discovery.RFC8414_PATH), methods=GET))
        routes += vendor_root_routes(tenant)  # the tenant URL itself, without a slash (Cognito's API)
    routes += vendor_server_routes(tenants)  # one URL for every tenant of a vendor (AWS's regional endpoint)
    # Longest prefix first: a tenant at /a/b is not hidden by one at /a, nor any by one at /.
    for tenant in sorted(tenants, key=lambda t: len(t.route_prefix), reverse=True):
        routes.append(Mount(tenant.route_prefix, routes=tenant_routes(tenant)))
    return routes


def tenant_routes(tenant) -> list[BaseRoute]:
    routes = [route for issuer in tenant.issuers for route in issuer_routes(issuer)]
    routes += pages.tenant_routes(tenant)  # <tenant>/_ui: its page, the token page and callback
    if tenant.flavor.device_flow is not None:
        routes.append(Route(tenant.flavor.device_flow.verification_path, device.verification_page(tenant),
                            methods=GET_POST))
    return routes + vendor_routes(tenant)  # the persona's own APIs (Okta /api/v1/authn, ...)


def issuer_routes(issuer) -> list[Route]:
    prefix, paths = issuer.layout.prefix, issuer.layout.paths
    routes = [Route(prefix + path, discovery.document(issuer, path), methods=GET) for path in paths.discovery]
    for name, handler, methods in ISSUER_ROUTES:
        path = issuer.route(name)
        if path is not None:
            routes.append(Route(path, handler(issuer), methods=methods))
    if paths.extra_logout:
        end_session = logout.end_session_endpoint(issuer)
        routes += [Route(prefix + path, end_session, methods=GET_POST) for path in paths.extra_logout]
    return routes


def prerendered_documents(routes: list[BaseRoute], skip: set[str] = frozenset()) -> dict:
    """Request path -> asgi.Prerender of every route marked pre-renderable (asgi.prerenderable),
    kept only where the router itself would pick that very route for a GET of the path (a route
    earlier in the table, e.g. of a tenant mounted at /, may hide it). `skip`: paths that must
    pass through the middleware stack (the admin API's Watch sees them)."""
    marked: dict[str, object] = {}

    def walk(routes, prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(route.routes, prefix + route.path)
            elif isinstance(route, Route) and hasattr(route.endpoint, "prerendered") and not route.param_convertors:
                marked.setdefault(prefix + route.path, route.endpoint)
    walk(routes, "")
    return {path: endpoint.prerendered for path, endpoint in marked.items()
            if path not in skip and routed_endpoint(routes, path) is endpoint}


def direct_routes(top: list[BaseRoute]) -> dict:
    """(method, request path) -> (Route, the scope updates the router makes on the way) for every
    route of a fixed path (no path parameters) at the top or in a tenant's Mount, kept only where
    the router itself would pick that very route for that method (direct.Direct serves them)."""
    table = {}

    def walk(routes, prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount) and type(route.app) is Router:  # not a sub-app (admin API)
                walk(route.routes, prefix + route.path)
            elif type(route) is Route and not route.param_convertors:
                for method in route.methods or ():
                    found = routed(top, prefix + route.path, method)
                    if found is not None and found[0] is route:
                        table.setdefault((method, prefix + route.path), found)
    walk(top, "")
    return table


def routed_endpoint(routes, path: str):
    """The endpoint Starlette's router picks for GET `path` (the first full match, into Mounts)."""
    found = routed(routes, path, "GET")
    return found[0].endpoint if found is not None else None


def routed(routes, path: str, method: str, scope: dict | None = None):
    """(the Route the router picks for `method` `path`, the scope updates made on the way), or
    None: none, or one inside a sub-application."""
    scope = scope or {"type": "http", "method": method, "path": path, "root_path": "", "path_params": {}}
    for route in routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            if isinstance(route, Mount):
                if type(route.app) is not Router:
                    return None
                found = routed(route.routes, path, method, {**scope, **child})
                return (found[0], {**child, **found[1]}) if found is not None else None
            return (route, child) if isinstance(route, Route) else None
    return None
