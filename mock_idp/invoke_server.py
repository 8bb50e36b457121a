"""A Python function served over the Lambda Invoke API's HTTP contract, from the test's own
process, for `MockIdP.on_pre_token_generation(fn)`: the server calls the hook URL as it would
call `sam local start-lambda`, so a test's function goes through the same path as real code.

POST /2015-03-31/functions/<name>/invocations with the event -> 200 and fn(event, context);
a raising fn -> 200, `X-Amz-Function-Error: Unhandled`, {errorMessage, errorType} (as Lambda).
"""

import json
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Callable

MAX_EVENT_BYTES = 1024 * 1024


class InvokeServer:
    def __init__(self, function: Callable, name: str = "function"):
        self.function, self.name = function, name
        handler = type("Handler", (_Handler,), {"server_of": self})
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, name=f"invoke {name}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/2015-03-31/functions/{self.name}/invocations"

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def context(self) -> SimpleNamespace:
        return SimpleNamespace(function_name=self.name, function_version="$LATEST", memory_limit_in_mb=128,
                               aws_request_id=str(uuid.uuid4()), log_group_name=f"/aws/lambda/{self.name}",
                               log_stream_name="mock_idp", get_remaining_time_in_millis=lambda: 5000,
                               invoked_function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{self.name}")


class _Handler(BaseHTTPRequestHandler):
    server_of: InvokeServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("content-length") or 0)
        if not self.path.endswith("/invocations") or length > MAX_EVENT_BYTES:
            return self.answer(404, {"Message": "Function not found"}, {"x-amzn-ErrorType": "ResourceNotFoundException"})
        try:
            event = json.loads(self.rfile.read(length) or b"null")
            result = self.server_of.function(event, self.server_of.context())
        except Exception as error:  # noqa: BLE001 - the function's failure is its answer
            return self.answer(200, {"errorMessage": str(error), "errorType": type(error).__name__,
                                     "stackTrace": traceback.format_exception(error)},
                               {"X-Amz-Function-Error": "Unhandled"})
        self.answer(200, result)

    def answer(self, status: int, body, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        """Quiet: a test's output is not the place for access logs."""
