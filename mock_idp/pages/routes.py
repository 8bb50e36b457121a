"""The pages' routes: the server-wide ones and each tenant's (added to its Mount in routes.py)."""

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..web.off_loop import route_off_loop
from . import flow, home


def server_routes(static_dir) -> list[BaseRoute]:
    return [
        Route("/", home.home_page, methods=["GET"]),
        Route("/_ui/debugger", debugger_page, methods=["GET", "POST"]),
        Mount("/_ui/static", StaticFiles(directory=static_dir)),
        # Browsers ask for /favicon.ico on every page; relative, so a path prefix in front keeps it.
        Route("/favicon.ico", favicon, methods=["GET"]),
    ]


async def favicon(request):
    return RedirectResponse("_ui/static/favicon.svg", status_code=301)


async def debugger_page(request):
    # Imported on first use: its AWS checks bring httpx (~160 ms of `mock-idp serve`'s start-up).
    from .debugger import debugger_page as page

    return await page(request)


def tenant_routes(tenant) -> list[BaseRoute]:
    # They read the tenant's clients: off the event loop on a database server (web/off_loop.py).
    routes = [route_off_loop(route, tenant.store) for route in (
        Route("/_ui", home.tenant_page(tenant), methods=["GET"]),
        Route("/_ui/token", home.token_form(tenant), methods=["GET"]),
        Route("/_ui/start", flow.start(tenant), methods=["GET"]),
    )]
    routes.append(Route("/_ui/callback", flow.callback(tenant), methods=["GET", "POST"]))  # its own (flow.py)
    if tenant.route_prefix:  # the tenant's bare URL leads to its page (the root tenant's is home)
        routes.append(Route("/", lambda request: RedirectResponse(tenant.url + "/_ui", 307), methods=["GET"]))
    return routes
