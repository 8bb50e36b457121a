"""The admin API's app, mounted at /_admin: its routers, error handlers, OpenAPI document and guard."""

from fastapi import FastAPI
from starlette.routing import Mount

from .audit import audit_router
from .clock import clock_router
from .device import device_router
from .directory import directory_router
from .errors import add_error_handlers
from .guard import AdminGuard
from . import openapi
from .hooks import hooks_router
from .keys import keys_router
from .mint import mint_router
from .scenarios import scenarios_router
from .tenants import tenants_router

PREFIX = "/_admin"


def admin_mount(settings, tenants, store, audit, base_urls) -> Mount:
    app = FastAPI(title="mock_idp admin API", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Drive mock_idp from tests: users, clients, reset, revocation.")
    app.state.tenants = tenants
    app.state.tenants_by_name = {tenant.name: tenant for tenant in tenants}
    app.state.store = store
    app.state.audit = audit
    for router in (tenants_router(), directory_router(), clock_router(), mint_router(), scenarios_router(),
                   audit_router(), keys_router(), device_router(), hooks_router()):
        app.include_router(router)
    add_error_handlers(app)
    openapi.install(app, token_required=settings.admin_token is not None)
    # In front of every path, the OpenAPI document and unknown paths included (guard.py).
    return Mount(PREFIX, app=AdminGuard(app, settings.admin_token, base_urls))
