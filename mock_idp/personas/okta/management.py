"""What Okta's management APIs (/api/v1/users, /api/v1/groups) share: the `SSWS` API token check,
Okta's error bodies, JSON bodies, `limit`/`after` pages with `Link` headers, and the write to the
tenant's directory (the layer /_admin writes: every replica sees it on its next request).

Facts and sources: docs/vendors.md, "Okta Users and Groups API".
"""

import hmac
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ...directory import Conflict, DirectoryError
from ...endpoints.http import NO_STORE
from ...oauth.tokens import read_access_token
from ...storage.request_state import forget_state
from ...web.same_origin import foreign_host, misdirected
from ..vendor_api import json_object
from .errors import api_error


class OktaApiError(Exception):
    def __init__(self, status: int, code: str, summary: str, causes: tuple[str, ...] = ()):
        super().__init__(summary)
        self.status, self.code, self.summary, self.causes = status, code, summary, causes


def not_found(what: str, kind: str) -> OktaApiError:
    return OktaApiError(404, "E0000007", f"Not found: Resource not found: {what} ({kind})")


def invalid(field: str, *causes: str) -> OktaApiError:
    return OktaApiError(400, "E0000001", f"Api validation failed: {field}", causes)


def error_response(error: OktaApiError) -> JSONResponse:
    return JSONResponse(api_error(error.code, error.summary, error.causes), status_code=error.status,
                        headers=NO_STORE)


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed scenario's answer, in Okta's API error shape (E0000009: its internal error)."""
    status = status or 500
    code = error or ("E0000009" if status >= 500 else "E0000001")
    return error_response(OktaApiError(status, code, description or "Failure injected by a mock_idp scenario."))


def check_credentials(tenant, authorization: str, scopes: tuple[str, ...]) -> None:
    """An API token (`SSWS`) of the tenant's `api_tokens`, or an org authorization server access
    token with one of `scopes` (okta.users.read...). No credentials -> 403 E0000005; wrong ones ->
    401 E0000011; a token without the scope -> 403 E0000006."""
    if not authorization:
        raise OktaApiError(403, "E0000005", "Invalid session")
    if authorization.startswith("SSWS"):
        # okta-sdk-python 3.x sends "SSWS<token>" without the space (docs/vendors.md): both are taken.
        token = authorization.removeprefix("SSWS").strip()
        if not any(hmac.compare_digest(token.encode(), known.encode()) for known in tenant.config.api_tokens):
            raise OktaApiError(401, "E0000011", "Invalid token provided")
        return
    if authorization[:6].lower() != "bearer":
        raise OktaApiError(401, "E0000011", "Invalid token provided")
    org = next(issuer for issuer in tenant.issuers if issuer.layout.name is None)
    found = read_access_token(org, authorization[6:].strip())
    # Only the org authorization server's tokens are good for Okta's own APIs.
    if found is None or found[1].get("aud") != org.issuer:
        raise OktaApiError(401, "E0000011", "Invalid token provided")
    granted = found[1].get("scp") or []
    if not any(scope in granted for scope in scopes):
        raise OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")


Handler = Callable[..., Awaitable[Response | tuple[int, Any] | tuple[int, Any, dict]]]


def api(tenant, scopes: tuple[str, ...], handler: Handler):
    """An endpoint: the credentials checked (an OAuth token needs one of `scopes`), then `handler(request, **path params)`, whose
    (status, body[, headers]) or Response is sent; an OktaApiError in Okta's words."""
    async def endpoint(request: Request) -> Response:
        host = foreign_host(request)
        if host is not None:  # a page at a name re-pointed at us (DNS rebinding), as /_admin answers it
            return misdirected(host)
        try:
            check_credentials(tenant, request.headers.get("authorization", ""), scopes)
            answer = await handler(request, **request.path_params)
        except OktaApiError as error:
            return error_response(error)
        if isinstance(answer, Response):
            return answer
        status, body, *headers = answer
        if body is None:
            return Response(status_code=status, headers=NO_STORE)
        return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers[0] if headers else {})})
    return endpoint


async def json_body(request: Request) -> dict[str, Any]:
    body = await json_object(request)
    if body is None:
        raise OktaApiError(400, "E0000003", "The request body was not well-formed.")
    return body


def flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    return default if value is None else value.lower() == "true"


def page(tenant, request: Request, path: str, items: list, key: Callable[[Any], str],
         default_limit: int, max_limit: int, ordered: bool = False) -> tuple[list, dict[str, str]]:
    """Items sorted by id (unless `ordered` already), from after the one whose id is `after`, at
    most `limit`; the Link header as Okta sends it (`self`, and `next` while more remain), which
    the SDKs follow."""
    try:
        limit = int(request.query_params.get("limit", default_limit))
    except ValueError:
        raise invalid("limit", "limit: must be a number") from None
    limit = max(1, min(limit, max_limit))
    after = request.query_params.get("after")
    if not ordered:
        items = sorted(items, key=key)
    if after:
        position = next((index for index, item in enumerate(items) if key(item) == after), None)
        # The cursor's own item gone (deleted meanwhile): by id, the ones after it.
        items = items[position + 1:] if position is not None else [item for item in items if key(item) > after]
    shown = items[:limit]
    kept = {k: v for k, v in request.query_params.items() if k not in ("after", "limit")}
    base = f"{tenant.url}{path}"
    links = [f'<{base}?{urlencode({**kept, "limit": limit})}>; rel="self"']
    if len(items) > limit:
        links.append(f'<{base}?{urlencode({**kept, "after": key(shown[-1]), "limit": limit})}>; rel="next"')
    return shown, {"Link": ", ".join(links)}


def write(tenant, kind: str, name: str, patch: dict[str, Any]):
    """A merge patch of a user or group, stamped with the time."""
    try:
        item = tenant.directory.update(kind, name, {**patch, "updated_at": tenant.now()})
    except Conflict:
        raise not_found(name, "User" if kind == "user" else "UserGroup") from None
    except DirectoryError as error:
        raise invalid(kind, str(error)) from None
    forget_state(tenant.name)
    return item


def create(tenant, kind: str, data: dict[str, Any], field: str):
    now = tenant.now()
    try:
        item = tenant.directory.create(kind, {**data, "created_at": now, "updated_at": now})
    except Conflict:
        raise invalid(field, f"{field}: An object with this field already exists in the current organization") from None
    except DirectoryError as error:
        raise invalid(field, str(error)) from None
    forget_state(tenant.name)
    return item


def remove(tenant, kind: str, name: str) -> None:
    tenant.directory.delete(kind, name)
    forget_state(tenant.name)
