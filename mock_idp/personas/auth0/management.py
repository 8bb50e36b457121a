"""What Auth0's Management API v2 endpoints share: the bearer token (a client_credentials access
token of this tenant for the audience `<tenant>/api/v2/`, whose scopes the client's seed grant
gave: flavor.py), Auth0's error body (statusCode, error, message, errorCode), JSON bodies,
`page`/`per_page`/`include_totals` (and `from`/`take` where Auth0 pages by checkpoint), and the
writes to the tenant's directory.

Facts and sources: docs/vendors.md, "Auth0 Management API v2".
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ...directory import Conflict, DirectoryError, given
from ...storage.request_state import forget_state
from ...web.same_origin import foreign_host, misdirected
from ..vendor_api import json_object
from .apis import management_audience

PER_PAGE, MAX_PER_PAGE = 50, 100


class ManagementError(Exception):
    def __init__(self, status: int, message: str, error_code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.error_code = status, message, error_code

    @property
    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"statusCode": self.status, "error": HTTPStatus(self.status).phrase,
                                "message": self.message}
        if self.error_code:
            body["errorCode"] = self.error_code
        return body


def invalid_body(message: str) -> ManagementError:
    return ManagementError(400, f"Payload validation error: '{message}'.", "invalid_body")


def error_response(error: ManagementError) -> JSONResponse:
    return JSONResponse(error.body, status_code=error.status)


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed scenario's answer, in the Management API's error shape."""
    status = status or 500
    return error_response(ManagementError(status, description or "Failure injected by a mock_idp scenario.", error))


def check_token(tenant, authorization: str, scopes: tuple[str, ...]) -> None:
    """A live access token of this tenant for the Management API, with one of `scopes`."""
    scheme, _, token = authorization.partition(" ")
    if not authorization:
        raise ManagementError(401, "Missing authentication")
    issuer = tenant.issuers[0]
    claims = issuer.keys.verify(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if not claims or claims.get("iss") != issuer.issuer:
        raise ManagementError(401, "Invalid token")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= tenant.now():
        raise ManagementError(401, "Expired token received for JSON Web Token validation")
    audience = claims.get("aud")
    if management_audience(issuer) not in (audience if isinstance(audience, list) else [audience]):
        raise ManagementError(401, f"Bad audience: {audience}")
    granted = str(claims.get("scope", "")).split()
    if not any(scope in granted for scope in scopes):
        raise ManagementError(403, f"Insufficient scope, expected any of: {','.join(scopes)}", "insufficient_scope")


Handler = Callable[..., Awaitable[tuple[int, Any]]]


def api(tenant, scopes: tuple[str, ...], handler: Handler):
    """An endpoint: the token and scope checked, then `handler(request, **path params)`'s
    (status, body) sent (None: no body); a ManagementError in Auth0's words."""
    async def endpoint(request: Request) -> Response:
        host = foreign_host(request)
        if host is not None:  # a page at a name re-pointed at us (DNS rebinding), as /_admin answers it
            return misdirected(host)
        try:
            check_token(tenant, request.headers.get("authorization", ""), scopes)
            status, body = await handler(request, **request.path_params)
        except ManagementError as error:
            return error_response(error)
        return Response(status_code=status) if body is None else JSONResponse(body, status_code=status)
    return endpoint


async def json_body(request: Request) -> dict[str, Any]:
    body = await json_object(request)
    if body is None:
        raise ManagementError(400, "Invalid request payload JSON format", "invalid_body")
    return body


def allowed(body: dict[str, Any], names: frozenset[str]) -> None:
    extra = sorted(set(body) - names)
    if extra:
        raise invalid_body(f"Additional properties not allowed: {','.join(extra)}")


def paged(request: Request, items: list, key: str) -> Any:
    """`page` (from 0) of `per_page`; with include_totals, Auth0's envelope."""
    try:
        page = int(request.query_params.get("page", 0))
        per_page = int(request.query_params.get("per_page", PER_PAGE))
    except ValueError:
        raise query_error("page and per_page must be integers") from None
    if page < 0 or not 0 <= per_page <= MAX_PER_PAGE:
        raise query_error(f"per_page must be at most {MAX_PER_PAGE}")
    shown = items[page * per_page:(page + 1) * per_page]
    if request.query_params.get("include_totals", "false").lower() != "true":
        return shown
    return {"start": page * per_page, "limit": per_page, "length": len(shown), "total": len(items), key: shown}


def checkpoint(request: Request, items: list, key: str) -> Any | None:
    """Checkpoint pagination, when `from` or `take` is sent: `take` items (50 unless said, at most
    100) from the cursor `from`, as `{key: [...], "next": cursor}` (no `next` on the last page);
    None when neither is sent (then the endpoint's offset pages apply)."""
    if "from" not in request.query_params and "take" not in request.query_params:
        return None
    start, take = request.query_params.get("from") or "0", request.query_params.get("take") or str(PER_PAGE)
    if not start.isdigit() or not take.isdigit() or not 1 <= int(take) <= MAX_PER_PAGE:
        raise query_error(f"from must be a cursor this API gave, take a number from 1 to {MAX_PER_PAGE}")
    start_at, end = int(start), int(start) + int(take)
    return {key: items[start_at:end], **({"next": str(end)} if end < len(items) else {})}


def query_error(message: str) -> ManagementError:
    return ManagementError(400, f"Query validation error: '{message}'.", "invalid_query_string")


def selected(request: Request, item: dict[str, Any]) -> dict[str, Any]:
    """`fields` (comma-separated) kept, or left out with `include_fields=false`: only the fields
    named come back, user_id too only when named (Auth0's GET /users, /users/{id}, users-by-email)."""
    names = {name.strip() for name in request.query_params.get("fields", "").split(",") if name.strip()}
    if not names:
        return item
    keep = request.query_params.get("include_fields", "true").lower() != "false"
    return {name: value for name, value in item.items() if (name in names) == keep}


def sorted_by(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`sort=field:1` (ascending) or `field:-1` (descending); items without the field come last."""
    sort = request.query_params.get("sort")
    if not sort:
        return items
    field, _, order = sort.partition(":")
    if not field or order not in ("1", "-1"):
        raise query_error("sort must be field:1 or field:-1, e.g. created_at:1")
    present = [item for item in items if item.get(field) is not None]
    absent = [item for item in items if item.get(field) is None]
    return sorted(present, key=lambda item: str(item[field]).lower(), reverse=order == "-1") + absent


def auth0_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def create(tenant, kind: str, data: dict[str, Any], conflict: ManagementError):
    now = tenant.now()
    try:
        item = tenant.directory.create(kind, {**data, "created_at": now, "updated_at": now})
    except Conflict:
        raise conflict from None
    except DirectoryError as error:
        raise invalid_body(str(error)) from None
    forget_state(tenant.name)
    return item


def write(tenant, kind: str, name: str, patch: dict[str, Any]):
    try:
        item = tenant.directory.update(kind, name, {**patch, "updated_at": tenant.now()})
    except (Conflict, DirectoryError) as error:
        raise invalid_body(str(error)) from None
    forget_state(tenant.name)
    return item


def replace_user(tenant, user, changes: dict[str, Any], claims: dict[str, Any]):
    """The user with `changes` and `claims` set (a claim None removes it): a whole new item, so
    metadata objects are replaced, not merged deeper (Auth0 merges them at the top level only)."""
    data = {**given(user), **changes, "updated_at": tenant.now()}
    data["claims"] = {k: v for k, v in {**user.claims, **claims}.items() if v is not None}
    try:
        item = tenant.directory.put("user", user.username, data)
    except DirectoryError as error:
        raise invalid_body(str(error)) from None
    forget_state(tenant.name)
    return item


def put(tenant, kind: str, name: str, data: dict[str, Any]):
    """The item `name` replaced by `data` (a whole new item: nothing merged)."""
    try:
        item = tenant.directory.put(kind, name, {**data, "updated_at": tenant.now()})
    except DirectoryError as error:
        raise invalid_body(str(error)) from None
    forget_state(tenant.name)
    return item


def remove(tenant, kind: str, name: str) -> None:
    tenant.directory.delete(kind, name)
    forget_state(tenant.name)
