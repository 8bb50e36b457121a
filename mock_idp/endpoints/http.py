"""Reading parameters and rendering the protocol layer's (status, body, headers) tuples."""

import json
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..web.guard import csp_allowing_inline_script
from ..oauth.errors import InvalidRequestError, OAuthError
from ..oauth.responses import FormPost, WebMessage
from ..web.request_log import PARSED
from ..web.same_origin import foreign_host
from ..web import json_body

FORM = "application/x-www-form-urlencoded"
FORM_POST_SCRIPT = "document.forms[0].submit();"
FORM_POST_CSP = csp_allowing_inline_script(FORM_POST_SCRIPT)
# The web message page's one script: the response goes to the window that framed (a silent renew)
# or opened (a popup) the page, addressed to the redirect URI's origin, read from a JSON data block
# (jinja's tojson escapes it for HTML), so the script, and its CSP hash, never change.
WEB_MESSAGE_SCRIPT = ('var r = JSON.parse(document.getElementById("authorization-response").textContent);'
                      "(window.opener || window.parent).postMessage(r.message, r.origin);")
WEB_MESSAGE_CSP = csp_allowing_inline_script(WEB_MESSAGE_SCRIPT)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def read_params(request: Request, accept_json: bool = False) -> list[tuple[str, str]]:
    """Query parameters for GET; the form body for POST (RFC 6749 §3.2, §4.1.3). Repeated
    parameters are kept, for the protocol layer to refuse (RFC 6749 §3.1)."""
    limit = request.app.state.settings.max_parameters
    if request.method == "GET":
        params = request.scope[PARSED] = ("query", form_params(request.scope["query_string"], limit))
        return params[1]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == FORM or (not content_type and not body):
        params = request.scope[PARSED] = ("form", form_params(body, limit))
        return params[1]
    if accept_json and content_type == "application/json":
        return json_params(body, limit)
    raise InvalidRequestError(f"Content-Type must be {FORM}.")


def form_params(data: bytes, limit: int) -> list[tuple[str, str]]:
    try:
        return parse_qsl(data.decode("utf-8"), keep_blank_values=True, max_num_fields=limit)
    except UnicodeDecodeError:
        raise InvalidRequestError("The request is not valid UTF-8.") from None
    except ValueError:  # max_num_fields
        raise InvalidRequestError(f"The request has more than {limit} parameters.") from None


def json_params(body: bytes, limit: int) -> list[tuple[str, str]]:
    try:
        # Pairs, not a dict: a repeated key stays visible (and is refused like a repeated form field).
        pairs = json_body.loads(body, object_pairs_hook=lambda items: items)
    except (ValueError, RecursionError):
        raise InvalidRequestError("The request body is not valid JSON.") from None
    if not isinstance(pairs, list) or (pairs and not isinstance(pairs[0], tuple)):
        raise InvalidRequestError("The request body must be a JSON object.")
    if len(pairs) > limit:
        raise InvalidRequestError(f"The request has more than {limit} parameters.")
    return [(k, v if isinstance(v, str) else json.dumps(_plain(v))) for k, v in pairs if v is not None]


def _plain(value):
    """A nested JSON value parsed as pairs, back to plain objects."""
    if isinstance(value, list) and value and all(isinstance(i, tuple) for i in value):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def render(request: Request, status: int, body, headers) -> Response:
    headers = dict(headers or [])
    if isinstance(body, FormPost):
        templates = request.app.state.templates
        # The page's one script is allowed by its hash (asgi.CSP forbids inline scripts otherwise).
        headers["Content-Security-Policy"] = FORM_POST_CSP
        return templates.TemplateResponse(
            request, "form_post.html", {"action": body.action, "params": body.params, "script": FORM_POST_SCRIPT},
            status_code=status, headers=headers,
        )
    if isinstance(body, WebMessage):
        # Framed by the client's own origin only (CSP 3 frame-ancestors; web/guard.py then leaves
        # out X-Frame-Options: DENY, which would keep the hidden iframe blank).
        headers["Content-Security-Policy"] = WEB_MESSAGE_CSP.replace("frame-ancestors 'none'",
                                                                     f"frame-ancestors {body.origin}")
        return request.app.state.templates.TemplateResponse(
            request, "web_message.html", {"data": {"origin": body.origin, "message": body.message},
                                          "script": WEB_MESSAGE_SCRIPT},
            status_code=status, headers=headers)
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


class Templates:
    """Jinja2Templates made when the first page is rendered: jinja2 is ~50 ms of start-up that
    discovery, JWKS and tokens never need."""

    def __init__(self, directory: str):
        self.directory, self._templates = directory, None

    def TemplateResponse(self, *args, **kwargs) -> HTMLResponse:  # noqa: N802 (Jinja2Templates' name)
        if self._templates is None:
            from fastapi.templating import Jinja2Templates

            self._templates = Jinja2Templates(directory=self.directory)
            # The templates ship with the package: no stat of every template file per page.
            self._templates.env.auto_reload = False
        return self._templates.TemplateResponse(*args, **kwargs)


def html_page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    # Passwords (the user lists, the login page's one-click list) are shown at our own names only:
    # a page at a name re-pointed at us (DNS rebinding) could read them (web/same_origin.py).
    context.setdefault("foreign_host", foreign_host(request))
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status, headers={"Cache-Control": "no-store"},
    )


def browser_url(request: Request, url: str) -> str:
    """A link we put in a page: under the forwarded base when a trusted proxy sent the request."""
    return request.app.state.base_urls.browser_url(request, url)
