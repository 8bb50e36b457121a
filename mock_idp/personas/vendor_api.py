"""The router of vendor-only APIs: what each persona folder declares it serves besides OIDC
(Okta's Authentication API, Auth0's database connections, Cognito's user-pool JSON API, and
the grant types only one vendor has).

A persona names its modules in `Flavor.vendor_apis` ("okta.authn", relative to this package);
each module's `routes(tenant)` gives Starlette
routes relative to the tenant, which routes.py puts in the tenant's Mount. Protocol logic stays in
plain functions of the module; tokens come from oauth/tokens.py, so they are the ones the flows
issue.

A module may also give the tenant page a section (`page_section(tenant)` -> PageSection or None):
a table of what to paste where, rendered by the pages without knowing the vendor.

A module whose answers a scenario may spoil declares `DEFECTS` (scenario endpoint name -> the
defects it can be armed with, e.g. Okta's SAML "saml_sso": "unsigned", "wrong_recipient"...), and
fires them itself (`tenant.armed_scenarios()`, `tenant.store.fire_scenario`).

Each module also says what the admin API may watch of it (`WATCHED`: path -> the calls served
there, or a function of the tenant giving that, for paths the seed makes), so scenarios fail those
calls in the vendor's own error shape and the audit trail shows them, secrets masked (watch.py).
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..web import json_body
from ..web.off_loop import route_off_loop


@dataclass(frozen=True)
class VendorCall:
    """One vendor API call as scenarios and the audit trail see it."""

    endpoint: str  # the scenario's `endpoint` (the vendor's name for the call)
    # (error, description, status) of an armed scenario, any of them None -> the vendor's answer
    failure: Callable[[str | None, str | None, int | None], Response]
    error_key: str  # where the vendor's error body names the error, for the trail
    client_param: str = "client_id"  # flattened request parameters (watch.Seen): "AuthParameters.USERNAME"
    client_id: str | None = None  # the client the path itself names (a SAML app's URLs), if any
    username_param: str | None = None
    token_param: str | None = None  # a token of the user's, when the call names none
    secrets: frozenset[str] = frozenset()  # parameter names the trail masks besides the OAuth ones
    # What the trail shows besides the parameters: decoded from them (a SAML request's XML), and
    # from the response body (a SAML Response in an HTML form); each gives a dict of extra members.
    decoded: Callable[[list[tuple[str, str]]], dict] | None = None
    response_decoded: Callable[[bytes], dict] | None = None


@dataclass(frozen=True)
class PageLine:
    """One labelled value in a cell of a page section; a link when it has an href."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class PageSection:
    """A table on the tenant page: one row per thing the API serves (e.g. a SAML app)."""

    key: str  # names it in the page (data-testid)
    title: str
    intro: str
    columns: tuple[str, ...]
    rows: list[list[list[PageLine]]]  # row -> cell -> lines


PERSONAS = __name__.rpartition(".")[0]  # mock_idp.personas


def module(name: str):
    """A module of a persona's folder, by its name under the personas package ("okta.authn")."""
    return importlib.import_module(f"{PERSONAS}.{name}")


def modules(tenant) -> list:
    return [module(name) for name in tenant.flavor.vendor_apis]


def page_sections(tenant) -> list[PageSection]:
    sections = (module.page_section(tenant) for module in modules(tenant) if hasattr(module, "page_section"))
    return [section for section in sections if section is not None]


def vendor_grants(flavor) -> list[type]:
    """The authlib grant classes of a persona's own grant types (`Flavor.vendor_grants`)."""
    return [module(name).GRANT for name in flavor.vendor_grants]


def vendor_routes(tenant) -> list[BaseRoute]:
    routes = [route for module in modules(tenant) for route in module.routes(tenant)]
    # On a database server each runs off the event loop (web/off_loop.py): it reads its body,
    # then calls the store.
    return [route_off_loop(route, tenant.store) for route in routes]


def vendor_root_routes(tenant) -> list[BaseRoute]:
    """An API at "/" of the tenant is also served at the tenant's URL without the slash: SDKs
    given that URL as their endpoint (boto3's endpoint_url) post there, and a redirect would not do."""
    if not tenant.route_prefix:
        return []
    return [Route(tenant.route_prefix, route.endpoint, methods=list(route.methods or ()))
            for route in vendor_routes(tenant) if isinstance(route, Route) and route.path == "/"]


def vendor_server_routes(tenants) -> list[BaseRoute]:
    """APIs a vendor serves for all its tenants at one URL (AWS: one regional endpoint for every
    user pool): a persona module's `server_routes(tenants)`, given the tenants that serve it. None
    when a tenant is mounted at the server root: its own routes answer there."""
    if any(not tenant.route_prefix for tenant in tenants):
        return []
    serving: dict[str, list] = {}
    for tenant in tenants:
        for name in tenant.flavor.vendor_apis:
            if hasattr(module(name), "server_routes"):
                serving.setdefault(name, []).append(tenant)
    return [route for name, served in serving.items() for route in module(name).server_routes(served)]


def vendor_cors_paths(tenants) -> dict[str, tuple[object, frozenset[str]]]:
    """Full path -> (tenant, request headers never granted) of the vendor APIs a browser
    application calls from its own origin: a module's `CORS` (path -> those headers)."""
    paths: dict[str, tuple[object, frozenset[str]]] = {}
    for tenant in tenants:
        for module in modules(tenant):
            for path, refused in getattr(module, "CORS", {}).items():
                paths[tenant.route_prefix + path] = (tenant, frozenset(refused))
                if path == "/" and tenant.route_prefix:
                    paths[tenant.route_prefix] = (tenant, frozenset(refused))  # as vendor_root_routes serves it
    return paths


def watched_calls(tenant) -> dict[str, Callable[[dict[str, str]], VendorCall | None]]:
    """Full request path -> which call a request there is (from its headers; None: none watched)."""
    paths = {}
    for module in modules(tenant):
        watched = module.WATCHED(tenant) if callable(module.WATCHED) else module.WATCHED
        for path, call_of in watched.items():
            paths[tenant.route_prefix + path] = call_of
            if path == "/" and tenant.route_prefix:
                paths[tenant.route_prefix] = call_of  # as vendor_root_routes serves it
    return paths


def defect_endpoints(flavor) -> dict[str, tuple[str, ...]]:
    """Scenario endpoint -> the defects a persona's vendor APIs can be armed with there."""
    return {name: defects for module_name in flavor.vendor_apis
            for name, defects in getattr(module(module_name), "DEFECTS", {}).items()}


def endpoint_names(flavor) -> tuple[str, ...]:
    """The scenario endpoint names of a persona's vendor APIs."""
    return tuple(name for module_name in flavor.vendor_apis for name in module(module_name).ENDPOINTS)


async def json_object(request) -> dict[str, Any] | None:
    """A request's JSON object body, or None when it is not one (each vendor words that error)."""
    try:
        body = json_body.loads(await request.body() or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
