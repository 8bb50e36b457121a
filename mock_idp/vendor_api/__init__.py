"""Vendor-only APIs that SDKs call to sign in without a browser (Okta's Authentication API,
Auth0's database connections, Cognito's user-pool JSON API).

A persona names its modules in `Flavor.vendor_apis`; each module's `routes(tenant)` gives Starlette
routes relative to the tenant, which routes.py puts in the tenant's Mount. Protocol logic stays in
plain functions of the module; tokens come from oauth/tokens.py, so they are the ones the flows
issue.
"""

import importlib

from starlette.routing import BaseRoute, Route


def vendor_routes(tenant) -> list[BaseRoute]:
    return [route for name in tenant.flavor.vendor_apis
            for route in importlib.import_module(f"{__name__}.{name}").routes(tenant)]


def vendor_root_routes(tenant) -> list[BaseRoute]:
    """An API at "/" of the tenant is also served at the tenant's URL without the slash: SDKs
    given that URL as their endpoint (boto3's endpoint_url) post there, and a redirect would not do."""
    if not tenant.route_prefix:
        return []
    return [Route(tenant.route_prefix, route.endpoint, methods=list(route.methods or ()))
            for route in vendor_routes(tenant) if isinstance(route, Route) and route.path == "/"]
