"""Discovery, JWKS and /healthz answered in front of the framework (Prerendered), from documents
the endpoints mark as prerenderable."""

import time
from functools import partial

from .guard import unavailable
from .off_loop import DatabaseTimeout
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Prerender:
    """How an endpoint's answer is made without the framework: `body(internal_base)` gives the
    document for a request that arrived at that internal base (or None: the public one), and
    `headers` are the endpoint's own headers (content-length and content-type follow, as a
    Starlette Response orders them)."""

    body: Callable[[str | None], bytes]
    headers: tuple[tuple[bytes, bytes], ...] = ()
    reads_store: bool = True  # its version is read from the store (/healthz's is not)

    def response_headers(self, body: bytes) -> list[tuple[bytes, bytes]]:
        return [*self.headers, (b"content-length", str(len(body)).encode()), JSON]


def prerenderable(handler, body: Callable[[str | None], bytes], headers: dict[str, str], reads_store: bool = True):
    """Mark an endpoint whose answer is `body(internal_base)` with these headers: Prerendered may
    answer it in front of the framework (routes.prerendered_documents finds it by the mark)."""
    handler.prerendered = Prerender(body, tuple((k.lower().encode(), v.encode()) for k, v in headers.items()),
                                    reads_store)
    return handler


async def rendered(request, body: Callable[[str | None], bytes], internal_base: str | None) -> bytes:
    """`body(internal_base)` as the framework's path serves a document: here, or on a database
    server through Prerendered's LastKnown (off the event loop)."""
    last_known = getattr(getattr(request.app, "front", None), "last_known", None)
    if last_known is None:
        return body(internal_base)
    return await last_known.body((request.url.path, internal_base), partial(body, internal_base))


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
    is request_log.RequestLog.write, or None without the access log. `last_known`: on a database
    server, where documents are read off the event loop (web/off_loop.py), else None."""

    def __init__(self, app, documents: dict[str, Prerender], base_urls, log_line=None, last_known=None):
        self.app, self.documents, self.log_line = app, documents, log_line
        self.internal_base = base_urls.internal_base_at if base_urls.internal else None
        self.last_known = last_known

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
            if self.last_known is None or not document.reads_store:
                body = document.body(base)
            else:
                body = await self.last_known.body((scope["path"], base), partial(document.body, base))
        except DatabaseTimeout as error:  # never read yet, and the database does not answer
            return await unavailable(scope, send, error)
        except Exception:  # e.g. the database is down: the framework's path logs it and answers
            return await self.app(scope, receive, send)
        await send({"type": "http.response.start", "status": 200, "headers": document.response_headers(body)})
        await send({"type": "http.response.body", "body": body})
        if self.log_line is not None:
            self.log_line(scope, SEEN_OK, (time.perf_counter() - started) * 1000)
