"""The ASGI layers in front of the framework: pre-rendered documents (Prerendered), bounded
request bodies, HTML security headers, and the last word on anything unexpected (Guard).

Starlette hands `Exception` handlers to its ServerErrorMiddleware, which answers and then
re-raises, and uvicorn drops the keep-alive connection of a request that raised. Here the error is
logged, answered `server_error` (RFC 6749 §5.2 shape) and not re-raised: the connection lives on.
"""

import base64
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("mock_idp")

SERVER_ERROR = json.dumps({"error": "server_error", "error_description": "Unexpected error."}).encode()
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
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await respond(send, 500, SERVER_ERROR)


def with_html_headers(message):
    headers = message.get("headers", [])
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if not content_type.startswith(b"text/html"):
        return message  # JSON, redirects: as they are (no copy, every request pays this)
    names = {name.lower() for name, _ in headers}
    headers = list(headers) + [(name, value) for name, value in HTML_HEADERS if name not in names]
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


async def respond(send, status: int, body: bytes, close: bool = False) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")]
    if close:
        headers.append((b"connection", b"close"))  # the unread rest of the body is not read
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class Prerender:
    """How an endpoint's answer is made without the framework: `body(internal_base)` gives the
    document for a request that arrived at that internal base (or None: the public one), and
    `headers` are the endpoint's own headers (content-length and content-type follow, as a
    Starlette Response orders them)."""

    body: Callable[[str | None], bytes]
    headers: tuple[tuple[bytes, bytes], ...] = ()

    def response_headers(self, body: bytes) -> list[tuple[bytes, bytes]]:
        return [*self.headers, (b"content-length", str(len(body)).encode()), JSON]


def prerenderable(handler, body: Callable[[str | None], bytes], headers: dict[str, str]):
    """Mark an endpoint whose answer is `body(internal_base)` with these headers: Prerendered may
    answer it in front of the framework (routes.prerendered_documents finds it by the mark)."""
    handler.prerendered = Prerender(body, tuple((k.lower().encode(), v.encode()) for k, v in headers.items()))
    return handler


JSON = (b"content-type", b"application/json")
# A request with one of these is not the plain GET the layer answers: CORS (cors.py), a body (Guard;
# "Content-Length: 0", which load generators and some clients send on a GET, is no body).
UNUSUAL = frozenset({b"origin", b"content-length", b"transfer-encoding"})
NO_BODY = (b"content-length", b"0")
# What RequestLog would have seen of a pre-rendered answer (request_log.RequestLog.write).
SEEN_OK = {"body": b"", "status": 200, "location": None, "error_body": b"", "json": True}


class Prerendered:
    """Discovery, JWKS and /healthz answered in front of the framework: a dict lookup and two ASGI
    messages instead of the middleware stack, routing, a Request and a Response (py-spy: those
    were most of a discovery request). The bodies are read per request from the versioned
    renderings (tenants.Issuer.documents, Tenant.keys), so a rotation or a directory change on any
    replica shows at once. Anything unusual falls through to `app`, which answers as it always
    did: another method (HEAD, a CORS preflight), an Origin header, a request body, a root_path,
    or a body that cannot be read (the framework then logs and answers the error).

    `documents` maps a request path to its Prerender (routes.prerendered_documents); `log_line`
    is request_log.RequestLog.write, or None without the access log."""

    def __init__(self, app, documents: dict[str, Prerender], base_urls, log_line=None):
        self.app, self.documents, self.log_line = app, documents, log_line
        self.internal_base = base_urls.internal_base_at if base_urls.internal else None

    async def __call__(self, scope, receive, send):
        document = self.documents.get(scope["path"]) if scope["type"] == "http" else None
        if document is None or scope["method"] != "GET" or scope.get("root_path"):
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        host = None
        for name, value in scope["headers"]:
            if name in UNUSUAL and (name, value) != NO_BODY:
                return await self.app(scope, receive, send)
            if name == b"host" and host is None:
                host = value.decode("latin-1")
        try:
            base = self.internal_base(scope["scheme"], host or "") if self.internal_base else None
            body = document.body(base)
        except Exception:  # e.g. the database is down: the framework's path logs it and answers
            return await self.app(scope, receive, send)
        await send({"type": "http.response.start", "status": 200, "headers": document.response_headers(body)})
        await send({"type": "http.response.body", "body": body})
        if self.log_line is not None:
            self.log_line(scope, SEEN_OK, (time.perf_counter() - started) * 1000)
