"""One log line per request: tenant, endpoint, client, grant, outcome, error, duration.

Pure ASGI middleware: it reads what passes by (the form body of a token request, the JSON error
of a response, the Location of a redirect) without changing it. Secrets in query strings (codes,
tokens, passwords) are redacted (logs.redact) before anything is written; in the text format every
value is escaped (logs.field), so no request can write a line of its own.
"""

import base64
import functools
import json
import logging
import time
from urllib.parse import parse_qsl, unquote, urlsplit

from .endpoint_map import endpoint_table, tenant_of
from .logs import field, redact
from . import json_body

log = logging.getLogger("mock_idp.access")
BODY_LIMIT = 16_384  # read at most this much of a request or error body for the log
# Where the endpoint's read_params (endpoints/http.py) leaves the parameters it parsed, as
# ("query" | "form", pairs): the line names client and grant from them instead of parsing again.
PARSED = "mock_idp.parsed"


def basic_client(headers) -> str | None:
    return basic_client_id(next((v for k, v in headers if k == b"authorization"), b"").decode("latin-1"))


@functools.lru_cache(maxsize=256)
def basic_client_id(authorization: str) -> str | None:
    """The client id of Basic credentials, or None (a client sends the same header on every
    request, so the decoding is kept). Also the admin API's audit trail's (watch.py)."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return unquote(decoded.partition(":")[0])  # RFC 6749 §2.3.1: form-encoded


class RequestLog:
    def __init__(self, app, tenants, json_format: bool = False):
        self.app, self.tenants, self.json_format = app, tenants, json_format
        self.table = endpoint_table(tenants)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        seen = {"body": b"", "status": 0, "location": None, "error_body": b"", "json": False}

        async def reading():
            message = await receive()
            if message["type"] == "http.request" and len(seen["body"]) < BODY_LIMIT:
                seen["body"] += message.get("body", b"")[:BODY_LIMIT]
            return message

        async def sending(message):
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                for name, value in message.get("headers", ()):  # (no dict of every header)
                    if name == b"location":
                        seen["location"] = value.decode("latin-1") or None
                    elif name == b"content-type":
                        seen["json"] = value.startswith(b"application/json")
            elif message["type"] == "http.response.body" and seen["status"] >= 400 and seen["json"] \
                    and len(seen["error_body"]) < BODY_LIMIT:
                seen["error_body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, reading, sending)
        finally:
            self.write(scope, seen, (time.perf_counter() - started) * 1000)

    def write(self, scope, seen: dict, duration_ms: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        path, query = scope["path"], scope.get("query_string", b"").decode("latin-1")
        endpoint = self.table.get(path)
        tenant = endpoint.tenant if endpoint else tenant_of(self.tenants, path)
        # A GET with no query (discovery, JWKS: most lines under load) names no client or grant.
        params = seen_params(scope, query, seen["body"]) if query or seen["body"] or PARSED in scope else {}
        error = error_of(seen) if seen["error_body"] or seen["location"] else None
        status = seen["status"]
        method = scope["method"]
        line_path = redact(path + f"?{query}") if query else redact(path) if "=" in path else path
        client = basic_client(scope.get("headers", ())) or params.get("client_id")
        grant = params.get("grant_type") or params.get("response_type")
        outcome = "error" if error or status >= 400 else "redirect" if 300 <= status < 400 else "ok"
        if self.json_format:
            line = json.dumps({"tenant": tenant.name if tenant else None, "endpoint": endpoint.name if endpoint else None,
                               "method": method, "path": line_path, "status": status, "client": client,
                               "grant": grant, "outcome": outcome, "error": error,
                               "duration_ms": round(duration_ms, 1)})
        else:
            # Every value from the request escaped and, with a space, quoted: one request, one line.
            fields = " ".join(f"{key}={field(value)}" for key, value in (
                ("tenant", tenant.name if tenant else None), ("endpoint", endpoint.name if endpoint else None),
                ("client", client), ("grant", grant), ("outcome", outcome), ("error", error)) if value is not None)
            line = f"{field(method)} {field(line_path)} {status} {fields} {duration_ms:.1f}ms"
        handler = line_handler()
        if handler is None or not handler.write_line(line):
            # log.info(line) without its search of the stack for the caller's line.
            log.handle(log.makeRecord(log.name, logging.INFO, __file__, 0, line, (), None, "write"))


class LineHandler(logging.StreamHandler):
    """The request lines' handler of `mock-idp serve` (serving.log_config): a line is its message,
    whatever the formatter. When it is the logger's only way out, RequestLog hands it the text
    itself (write_line), without a LogRecord: making and formatting the record was most of a line's
    cost (py-spy: 5% of a code flow's CPU, its three lines)."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()

    def write_line(self, line: str) -> bool:
        """Write one line, as emit() would; False if that failed (the caller then logs it the
        usual way, whose emit reports the failure)."""
        try:
            with self.lock:
                self.stream.write(line + self.terminator)
                self.stream.flush()
            return True
        except Exception:
            return False


def line_handler() -> LineHandler | None:
    """The access logger's LineHandler when the line goes nowhere else (no filter, no other
    handler, no propagation to the root logger's, e.g. pytest's caplog), else None."""
    handlers = log.handlers
    if len(handlers) != 1 or log.propagate or log.filters:
        return None
    handler = handlers[0]
    if type(handler) is not LineHandler or handler.filters or handler.level > logging.INFO:
        return None
    return handler


def seen_params(scope, query: str, body: bytes) -> dict[str, str]:
    """The request's non-blank parameters, query then body, the last of a repeated one winning:
    as the endpoint parsed them when it did (and the log saw the whole body), else parsed here."""
    kind, pairs = scope.get(PARSED, (None, None))
    if kind == "query":
        return {k: v for k, v in pairs if v} | body_params(body)
    params = dict(parse_qsl(query)) if query else {}
    if kind == "form" and len(body) < BODY_LIMIT:
        return params | {k: v for k, v in pairs if v}
    return params | body_params(body)


def body_params(body: bytes) -> dict[str, str]:
    """The string members of a form or JSON body (Auth0's token endpoint takes both)."""
    if body[:1] not in (b"{", b"["):
        return dict(parse_qsl(body.decode("utf-8", "replace")))
    try:
        data = json_body.loads(body)
    except ValueError:  # cut at BODY_LIMIT, or not JSON at all: nothing to name
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def error_of(seen: dict) -> str | None:
    if seen["error_body"]:
        try:
            body = json.loads(seen["error_body"])
            if isinstance(body, dict) and isinstance(body.get("error"), str):
                return body["error"]
        except ValueError:
            pass
    location = seen["location"]
    # (A parameter named error needs "error" in the URL, or a %-escape spelling it.)
    if location and ("error" in location or "%" in location):
        # RFC 6749 §4.1.2.1: an authorization error travels in the redirect's query or fragment.
        parts = urlsplit(location)
        params = dict(parse_qsl(parts.query)) | dict(parse_qsl(parts.fragment))
        return params.get("error")
    return None
