"""create_app(settings): mounts every tenant's issuers and renders every error in one place."""

import contextlib
import logging
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from .web import logs
from .web.base_urls import BaseUrls
from .web.guard import Guard
from .web.off_loop import LastKnown
from .web.prerendered import Prerendered
from .web.cors import Cors
from .storage.checkpoint import checkpointing
from .storage.background import running
from .storage.purge import purging
from .oauth import logout_token
from .config import SeedConfig, load_config, parse_config
from .endpoints.http import NO_STORE, Templates, html_page, oauth_error_response
from .oauth.errors import ErrorPage, OAuthError, safe_description
from .oauth.server import allow_plain_http
from .web.direct import Direct
from .routes import direct_routes, prerendered_documents, server_routes
from .personas import all_flavors, flavor_named
from .keys import seed_signing_key
from .storage.request_state import PerRequestState
from .web.request_log import RequestLog
from .admin.trail import AuditTrail
from .admin.watch import Watch, endpoint_map
from .config.settings import Settings
from .storage.store import Store
from .tenants import Tenant

log = logging.getLogger("mock_idp")


def create_app(settings: Settings | None = None, seed: SeedConfig | None = None) -> FastAPI:
    settings = settings or Settings()
    seed = seed or load_seed(settings)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.public_base_url.startswith("https://"):
        allow_plain_http()
    url = settings.resolved_database_url
    # Alone on its database: one process (no --workers) on SQLite; PostgreSQL means replicas.
    alone = settings.workers <= 1 and url.startswith("sqlite")
    store = Store(url, wait=settings.database_wait)
    base_urls = BaseUrls(settings.public_base_url, settings.internal_base_urls, settings.forwarded_allow_ips,
                         names=own_names(settings))
    tenants = [Tenant(name, cfg, settings.public_base_url, store, tuple(base_urls.internal.values()),
                      seed_key=seeded_key(name, cfg, settings.seed_file), runtime_directory=settings.admin_enabled)
               for name, cfg in seed.tenants.items()]

    # Replicas (PostgreSQL, or --workers) share the trail: a read waits for their buffers.
    audit = AuditTrail(store, replicated=not alone)
    app = App(title="mock_idp", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = store
    app.state.base_urls = base_urls
    app.state.tenants = tenants
    app.state.audit = audit
    app.state.templates = Templates(str(templates_dir()))
    if settings.admin_enabled:  # first: a tenant mounted at / must not hide it
        from .admin.mount import admin_mount  # here: a server without the admin API never imports it

        app.router.routes.append(admin_mount(settings, tenants, store, audit, base_urls))
    app.router.routes.extend(server_routes(tenants, templates_dir() / "static"))  # the URL layout: routes.py
    add_error_handlers(app)
    last_known = LastKnown(store.wait) if store.wait is not None else None  # a database server (web/off_loop.py)
    if settings.admin_enabled:  # scenarios and the audit trail; a plain server pays nothing
        app.add_middleware(Watch, tenants=tenants, trail=audit, last_known=last_known)
    app.add_middleware(PerRequestState)  # outermost: Watch reads the tenant state too
    app.add_middleware(Cors, tenants=tenants)
    if settings.access_log:  # its duration covers everything but the body guard
        app.add_middleware(RequestLog, tenants=tenants, json_format=settings.log_format == "json")
    logs.install()
    app.add_middleware(Guard, max_body_bytes=settings.max_body_bytes)  # outermost middleware
    # In front of all of it: discovery, JWKS and /healthz for a plain GET (asgi.Prerendered). The
    # admin API's Watch must see the tenants' documents, so with it on only /healthz is.
    watched = set(endpoint_map(tenants)) if settings.admin_enabled else set()
    log_line = RequestLog(None, tenants, settings.log_format == "json").write if settings.access_log else None
    # Behind it, a route of a fixed path (token, authorize, login, ...) is reached through our
    # middleware and error handlers without the framework's routing (direct.Direct).
    framework = Direct(partial(FastAPI.__call__, app), app, direct_routes(app.router.routes))
    app.front = Prerendered(framework, prerendered_documents(app.router.routes, watched), base_urls, log_line,
                            last_known)
    return app


class App(FastAPI):
    """The FastAPI application, entered through `front` (asgi.Prerendered), which answers the
    pre-rendered documents itself and hands everything else to direct.Direct, then FastAPI."""

    front = None

    async def __call__(self, scope, receive, send) -> None:
        if self.front is None:
            return await super().__call__(scope, receive, send)
        await self.front(scope, receive, send)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    async with purging(app), checkpointing(app), running(
            logout_token.watch_expiry(app.state.tenants, app.state.settings.purge_interval)):
        yield
    await app.state.audit.flush()  # what the audit trail still buffers


def own_names(settings: Settings) -> list[str]:
    """Names of this server besides its base URLs' hosts: the address it listens on, unless a
    wildcard, and the local certificate's extra names."""
    listening = [] if settings.host in ("0.0.0.0", "::", "") else [settings.host]
    return listening + list(settings.tls_san)


def seeded_key(name: str, config, seed_file: Path):
    if config.signing_key is None:
        return None
    algorithms = flavor_named(config.flavor).signing_algorithms
    return seed_signing_key(name, config.signing_key, algorithms, seed_file)


def load_seed(settings: Settings) -> SeedConfig:
    if settings.config_inline is not None:
        return parse_config(settings.config_inline, "MOCK_IDP_CONFIG_INLINE", personas=all_flavors())
    return load_config(settings.seed_file, personas=all_flavors())


def app_from_environment() -> FastAPI:
    """One worker's app under `serve --workers N` (uvicorn's factory): settings from MOCK_IDP_*."""
    from .serving import connection_options

    settings = Settings()
    connection_options(settings)  # this worker's connection limits
    return create_app(settings)


def templates_dir() -> Path:
    """`templates/` beside the package (source checkout, editable install) or inside it (wheel)."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "templates", package / "templates"):
        if (candidate / "login.html").is_file():
            return candidate
    raise FileNotFoundError("mock_idp templates/ folder not found")


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OAuthError)
    async def oauth_error(request: Request, error: OAuthError) -> Response:
        return oauth_error_response(error)

    @app.exception_handler(ErrorPage)
    async def error_page(request: Request, error: ErrorPage) -> Response:
        return html_page(request, "error.html", status=error.status_code,
                         error=error.error, description=error.description, note=getattr(error, "note", None))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404:
            for tenant in request.app.state.tenants:
                if request.url.path.startswith(tenant.route_prefix + "/"):
                    answer = tenant.flavor.unknown_route(request.url.path)
                    if answer is not None:
                        return JSONResponse(answer[1], status_code=answer[0])
        body = {"error": "not_found" if error.status_code == 404 else "invalid_request",
                "error_description": safe_description(str(error.detail))}
        return JSONResponse(body, status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        return JSONResponse({"error": "invalid_request", "error_description": "Malformed request."},
                            status_code=400, headers=NO_STORE)
    # Anything unexpected (a bug of ours) is answered server_error by asgi.Guard, which keeps
    # the trace in the log and the connection open.
