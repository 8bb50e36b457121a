"""The server's whole URL layout on one screen: a few server-wide routes, then one Starlette
`Mount` per tenant holding the routes of its authorization servers (relative to the tenant).

A request is matched against the tenants' prefixes first, then against one tenant's ~15 routes,
instead of against every route of every tenant in one flat list.
"""

from starlette.routing import BaseRoute, Mount, Route

from .endpoints import authorize, device, discovery, health, logout, token, userinfo
from .pages import routes as pages
from .vendor_api import vendor_root_routes, vendor_routes

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
