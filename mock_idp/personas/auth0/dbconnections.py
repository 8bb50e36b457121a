"""Auth0's database connection endpoints, as auth0-python's `Database` calls them:
`POST /dbconnections/signup` creates a user in a connection (persisted in the tenant's directory,
so every replica signs them in), `POST /dbconnections/change_password` answers as Auth0 does.

Both are public endpoints: a `client_id`, no secret. A browser's request is taken only from the
tenant's allowed origins (its clients' redirect URIs, or `cors_origins`) and our own pages: Auth0
refuses other origins server-side ("Failed by CORS", log type `fco`), so another site's page cannot
sign users up with a form post; and sign-up answers at our own names only (not to a page at a name
re-pointed at us: DNS rebinding). Facts: docs/vendors.md, "Auth0 database connections".
"""

from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from ...config import UserConfig
from ...directory import Conflict, DirectoryError
from ...storage.request_state import forget_state
from .password_realm import user_in_connection
from ..vendor_api import VendorCall
from ...web.cors import allowed_origins
from ...web.same_origin import foreign_host, misdirected
from ...web import json_body

DEFAULT_CONNECTION = UserConfig.model_fields["connection"].default
PROFILE_FIELDS = ("given_name", "family_name", "name", "nickname", "picture")
CHANGE_PASSWORD_SENT = "We've just sent you an email to reset your password."


class SignupError(Exception):
    """Auth0's error body for these endpoints: {name, code, description, statusCode}."""

    def __init__(self, code: str, description: str, status: int = 400):
        super().__init__(description)
        name = "ForbiddenError" if status == 403 else "BadRequestError"
        self.body = {"name": name, "code": code, "description": description, "statusCode": status}
        self.status = status


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed scenario's answer, in Auth0's shape for these endpoints."""
    status = status or 400
    body = SignupError(error or "invalid_signup", description or "Failure injected by a mock_idp scenario.", status).body
    if status >= 500:
        body["name"] = "InternalServerError"
    return JSONResponse(body, status_code=status)


ENDPOINTS = ("signup", "change_password")
SIGNUP = VendorCall("signup", injected_failure, error_key="code", username_param="email")
CHANGE_PASSWORD = VendorCall("change_password", injected_failure, error_key="code", username_param="email")
WATCHED = {"/dbconnections/signup": lambda headers: SIGNUP,
           "/dbconnections/change_password": lambda headers: CHANGE_PASSWORD}


def routes(tenant) -> list[Route]:
    async def signup_endpoint(request: Request):
        host = foreign_host(request)
        if host is not None:  # a page at a name re-pointed at us (DNS rebinding) is "own origin" to itself
            return misdirected(host)
        try:
            check_origin(request, tenant)
            user = signup(tenant, await read_body(request))
        except SignupError as error:
            return JSONResponse(error.body, status_code=error.status)
        forget_state(tenant.name)  # this request's later reads see the new user
        return JSONResponse(signup_response(tenant, user))

    async def change_password_endpoint(request: Request):
        try:
            check_origin(request, tenant)
            change_password(tenant, await read_body(request))
        except SignupError as error:
            return JSONResponse(error.body, status_code=error.status)
        return PlainTextResponse(CHANGE_PASSWORD_SENT)

    return [Route("/dbconnections/signup", signup_endpoint, methods=["POST"]),
            Route("/dbconnections/change_password", change_password_endpoint, methods=["POST"])]


def check_origin(request: Request, tenant) -> None:
    """A browser names the page's origin in `Origin` on every POST (RFC 6454 §7); servers and SDKs
    send none. Refused: an origin the tenant does not allow, and `null` (a sandboxed frame)."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    allowed = allowed_origins(tenant)
    ours = request.app.state.base_urls.own_origin(origin, request.url.scheme, request.headers.get("host", ""))
    if ours or "*" in allowed or origin.strip().rstrip("/").lower() in allowed:
        return
    raise SignupError("access_denied", f"Origin {origin[:100]} is not allowed.", 403)


async def read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode("utf-8", "replace")))
    try:
        body = json_body.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SignupError("invalid_body", "The request body must be a JSON object.")
    return body


def signup(tenant, body: dict[str, Any]) -> UserConfig:
    client_id = text(body, "client_id")
    if tenant.find_client(client_id) is None:
        raise SignupError("unauthorized", f"Unknown client: {client_id[:100]}")
    email, password, connection = text(body, "email"), text(body, "password"), text(body, "connection")
    check_connection(tenant, connection)
    username = body.get("username") if isinstance(body.get("username"), str) and body["username"] else email
    metadata = body.get("user_metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise SignupError("invalid_body", "user_metadata must be an object.")
    if user_in_connection(tenant, email, connection) or user_in_connection(tenant, username, connection):
        # Auth0 does not tell who is signed up (unless the tenant enables user_exists errors).
        raise SignupError("invalid_signup", "Invalid sign up")
    claims = {"email": email, "email_verified": False}
    claims |= {name: body[name] for name in PROFILE_FIELDS if isinstance(body.get(name), str)}
    if metadata:
        claims["user_metadata"] = metadata
    try:
        return tenant.directory.create("user", {"username": username, "password": password,
                                                "connection": connection, "claims": claims})
    except Conflict:
        raise SignupError("invalid_signup", "Invalid sign up") from None
    except DirectoryError as error:
        raise SignupError("invalid_body", str(error)) from None


def signup_response(tenant, user: UserConfig) -> dict[str, Any]:
    """Auth0's answer: the new user's id without the `auth0|` prefix, email, and what was given."""
    answer: dict[str, Any] = {"_id": tenant.subject(user).removeprefix("auth0|"),
                              "email_verified": False, "email": user.claims["email"]}
    if user.username != user.claims["email"]:
        answer["username"] = user.username
    answer |= {name: user.claims[name] for name in (*PROFILE_FIELDS, "user_metadata") if name in user.claims}
    return answer


def change_password(tenant, body: dict[str, Any]) -> None:
    """Auth0 e-mails a reset link when the user exists and says the same either way."""
    client_id = text(body, "client_id")
    if tenant.find_client(client_id) is None:
        raise SignupError("unauthorized", f"Unknown client: {client_id[:100]}")
    text(body, "email")
    check_connection(tenant, text(body, "connection"))


def check_connection(tenant, connection: str) -> None:
    known = {DEFAULT_CONNECTION} | {user.connection for user in tenant.all_users()}
    if connection not in known:
        raise SignupError("bad.connection", "connection not found")


def text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise SignupError("invalid_body", f"Missing required property: {name}")
    return value
