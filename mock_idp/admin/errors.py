"""The admin API's errors: RFC 6749 §5.2-shaped JSON (`error`, `error_description`), and for a
refused body the list of fields at fault, in the seed file's words."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match
from sqlalchemy.exc import InterfaceError, OperationalError

from ..config.issues import dotted
from ..directory import DirectoryError
from ..endpoints.http import NO_STORE, oauth_error_response
from ..oauth.errors import OAuthError
from ..web.json_body import loads as bounded_loads

log = logging.getLogger("mock_idp")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class AdminError(Exception):
    def __init__(self, status: int, error: str, description: str, fields: list[tuple[str, str]] = (),
                 headers: dict[str, str] | None = None):
        self.status, self.error, self.description = status, error, description
        self.fields, self.headers = list(fields), headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {"error": self.error, "error_description": self.description}
        if self.fields:
            body["errors"] = [{"field": field, "message": message} for field, message in self.fields]
        return JSONResponse(body, status_code=self.status, headers={**NO_STORE, **self.headers})


def invalid_body(fields: list[tuple[str, str]]) -> AdminError:
    description = "; ".join(f"{field}: {message}" if field else message for field, message in fields)
    return AdminError(400, "invalid_request", description, fields)


def not_found(what: str) -> AdminError:
    return AdminError(404, "not_found", f"There is no {what}.")


async def json_body(request: Request, required: bool = True) -> Any:
    body = await request.body()
    if not body and not required:
        return None
    try:
        return bounded_loads(body)
    except ValueError:
        raise invalid_body([("", "the body is not valid JSON")]) from None


def allowed_methods(request: Request) -> list[str]:
    """The methods some route answers at the request's path (asked of each route, whatever the
    router's nesting of included routers)."""
    routes = request.app.router.routes
    return [method for method in METHODS
            if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)]


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AdminError)
    async def admin_error(request: Request, error: AdminError) -> Response:
        return error.response()

    @app.exception_handler(DirectoryError)
    async def directory_error(request: Request, error: DirectoryError) -> Response:
        return invalid_body(error.errors).response()

    @app.exception_handler(OAuthError)
    async def oauth_error(request: Request, error: OAuthError) -> Response:
        return oauth_error_response(error)  # the persona refused (e.g. Okta: no scope for a client)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        fields = []
        for detail in error.errors():
            loc = tuple(detail["loc"])
            loc = loc[1:] if loc[:1] in (("body",), ("query",), ("path",)) else loc
            message = "unknown key" if detail["type"] == "extra_forbidden" else detail["msg"]
            fields.append((dotted(loc), message))
        return invalid_body(fields).response()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        code = {404: "not_found", 405: "invalid_request"}.get(error.status_code, "invalid_request")
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            # RFC 9110 §15.5.6: every method of the path; the router names only its first route's.
            headers["Allow"] = ", ".join(allowed_methods(request))
        return AdminError(error.status_code, code, str(error.detail), headers=headers).response()

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def unavailable(request: Request, error: Exception) -> Response:
        # As the guard answers it elsewhere (web/guard.py): one line, 503, nothing committed.
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, reason)
        return AdminError(503, "temporarily_unavailable", "The database cannot be written now; try again.",
                          headers={"Retry-After": "1"}).response()

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return AdminError(500, "server_error", "Unexpected error.").response()
