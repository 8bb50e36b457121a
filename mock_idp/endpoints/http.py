"""Reading parameters and rendering the protocol layer's (status, body, headers) tuples."""

import json
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..oauth.errors import InvalidRequestError, OAuthError
from ..oauth.responses import FormPost

FORM = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def read_params(request: Request, accept_json: bool = False) -> list[tuple[str, str]]:
    """Query parameters for GET; the form body for POST (RFC 6749 §3.2, §4.1.3)."""
    if request.method == "GET":
        return list(request.query_params.multi_items())
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == FORM or (not content_type and not body):
        try:
            return parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise InvalidRequestError("The request body is not valid UTF-8.") from None
    if accept_json and content_type == "application/json":
        return json_params(body)
    raise InvalidRequestError(f"Content-Type must be {FORM}.")


def json_params(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidRequestError("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidRequestError("The request body must be a JSON object.")
    return [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in data.items() if v is not None]


def render(request: Request, status: int, body, headers) -> Response:
    headers = dict(headers or [])
    if isinstance(body, FormPost):
        templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "form_post.html", {"action": body.action, "params": body.params},
            status_code=status, headers=headers,
        )
    if isinstance(body, dict):
        headers.pop("Content-Type", None)
        return JSONResponse(body, status_code=status, headers=headers)
    return Response(body or b"", status_code=status, headers=headers)


def oauth_error_response(error: OAuthError) -> Response:
    """RFC 6749 §5.2 JSON body, or a redirect when the error carries a verified redirect URI."""
    status, body, headers = error()
    headers = dict(headers)
    if isinstance(body, dict):
        headers.pop("Content-Type", None)
        return JSONResponse(body, status_code=status, headers={**NO_STORE, **headers})
    return Response(status_code=status, headers=headers)


def html_page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status, headers={"Cache-Control": "no-store"},
    )


def browser_url(request: Request, url: str) -> str:
    """A link we put in a page: under the forwarded base when a trusted proxy sent the request."""
    return request.app.state.base_urls.browser_url(request, url)
