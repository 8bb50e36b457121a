"""Vendor-only APIs that SDKs call to sign in without a browser (Okta's Authentication API,
Auth0's database connections, Cognito's user-pool JSON API).

A persona names its modules in `Flavor.vendor_apis`; each module's `routes(tenant)` gives Starlette
routes relative to the tenant, which routes.py puts in the tenant's Mount. Protocol logic stays in
plain functions of the module; tokens come from oauth/tokens.py, so they are the ones the flows
issue.
"""

import importlib

from starlette.routing import BaseRoute


def vendor_routes(tenant) -> list[BaseRoute]:
    return [route for name in tenant.flavor.vendor_apis
            for route in importlib.import_module(f"{__name__}.{name}").routes(tenant)]
