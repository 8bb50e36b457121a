"""The outermost ASGI layer (Guard): bounded request bodies, HTML security headers, and the last
word on anything unexpected, or on a database that cannot be written (disk full, server gone).

Starlette hands `Exception` handlers to its ServerErrorMiddleware, which answers and then
re-raises, and uvicorn drops the keep-alive connection of a request that raised. Here the error is
logged, answered `server_error` (RFC 6749 §5.2 shape) and not re-raised: the connection lives on.
"""

import base64
import hashlib
import json
import logging

from sqlalchemy.exc import InterfaceError, OperationalError

log = logging.getLogger("mock_idp")

SERVER_ERROR = json.dumps({"error": "server_error", "error_description": "Unexpected error."}).encode()
# RFC 6749 §5.2 has no such code for the token endpoint; §4.1.2.1's temporarily_unavailable says it,
# with RFC 9110 §10.2.3's Retry-After. Nothing of the request was committed (its transaction rolled back).
UNAVAILABLE = json.dumps({"error": "temporarily_unavailable",
                          "error_description": "The database cannot be written now; try again."}).encode()
RETRY_AFTER = b"1"  # seconds: the next write is tried afresh, nothing waits for the database
# The same two answers to a browser loading a page (the login form's POST, a signed-in authorize):
# a page it shows, not JSON.
PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{0}</title></head>'
        '<body><h1>{0}</h1><p>{1}</p></body></html>')
SERVER_ERROR_PAGE = PAGE.format("Something went wrong", "The server met an unexpected error; nothing was "
                                "changed. Go back and try again.").encode()
UNAVAILABLE_PAGE = PAGE.format("Temporarily unavailable", "The database cannot be written now, so nothing was "
                               "changed. Go back and try again in a moment.").encode()
# HTML pages: never framed (clickjacking of the login form), scripts only from our own origin.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HTML_HEADERS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"no-referrer")]


def csp_allowing_inline_script(script: str) -> str:
    """The CSP of a page whose one inline <script> is exactly `script` (CSP 3 hash source)."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return CSP.replace("script-src 'self'", f"script-src 'self' 'sha256-{digest}'")


class BodyTooLarge(Exception):
    pass


class Guard:
    def __init__(self, app, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.max_body_bytes
        started = False
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await too_large(send, limit)

        received = 0

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a chunked body, or one longer than it said
                    raise BodyTooLarge()
            return message

        async def guarded_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = with_html_headers(message)
            await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                await too_large(send, limit)
        except (OperationalError, InterfaceError) as error:  # disk full, database gone: one line, no trace
            await unavailable(scope, send, error, started)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                page = navigation(scope)
                await respond(send, 500, SERVER_ERROR_PAGE if page else SERVER_ERROR, html=page)


async def unavailable(scope, send, error, started: bool = False) -> None:
    """The database could not do the request's work (web/off_loop.py's DatabaseTimeout too): one
    log line, and 503 with Retry-After, as JSON or as a page for a browser loading one."""
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    log.error("database unavailable on %s %s: %s", scope.get("method"), scope.get("path"), reason)
    if not started:
        page = navigation(scope)
        await respond(send, 503, UNAVAILABLE_PAGE if page else UNAVAILABLE, extra=[(b"retry-after", RETRY_AFTER)],
                      html=page)


def navigation(scope) -> bool:
    """A browser loading a page: its Sec-Fetch-Mode says so (Fetch §3.2), else an Accept that asks
    for HTML first (a browser without Fetch Metadata)."""
    headers = dict(scope.get("headers", ()))
    mode = headers.get(b"sec-fetch-mode")
    return mode == b"navigate" if mode is not None else headers.get(b"accept", b"").startswith(b"text/html")


def with_html_headers(message):
    headers = message.get("headers", [])
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if not content_type.startswith(b"text/html"):
        return message  # JSON, redirects: as they are (no copy, every request pays this)
    names = {name.lower() for name, _ in headers}
    # A page whose own CSP lets a named origin frame it (the web message page, in the client's
    # hidden iframe) goes without X-Frame-Options: DENY, which would blank it.
    own_csp = next((value for name, value in headers if name.lower() == b"content-security-policy"), None)
    framed = own_csp is not None and b"frame-ancestors 'none'" not in own_csp
    headers = list(headers) + [(name, value) for name, value in HTML_HEADERS
                               if name not in names and not (framed and name == b"x-frame-options")]
    if b"content-security-policy" not in names:
        headers.append((b"content-security-policy", CSP.encode()))
    return {**message, "headers": headers}


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def too_large(send, limit: int) -> None:
    body = json.dumps({"error": "invalid_request",
                       "error_description": f"The request body is larger than {limit} bytes."}).encode()
    await respond(send, 413, body, close=True)


async def respond(send, status: int, body: bytes, close: bool = False, extra: list = (), html: bool = False) -> None:
    content_type = b"text/html; charset=utf-8" if html else b"application/json"
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *extra]
    if close:
        headers.append((b"connection", b"close"))  # the unread rest of the body is not read
    await send(with_html_headers({"type": "http.response.start", "status": status, "headers": headers}))
    await send({"type": "http.response.body", "body": body})
