"""A far end for the debugger to fetch: a loopback HTTP server whose paths answer as told
(slowly, too big, not JSON...), counting the requests it gets."""

import html
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class FarEnd:
    def __init__(self, routes: dict):
        """`routes`: path -> (status, body bytes, seconds between bytes or 0[, content type])."""
        far = self
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                far.hits.append(self.path)
                status, body, pause, *kind = routes.get(self.path, (404, b"{}", 0))
                self.send_response(status)
                self.send_header("Content-Type", kind[0] if kind else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if not pause:
                        self.wfile.write(body)
                    for byte in body if pause else b"":
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(pause)
                except OSError:
                    pass  # the debugger hung up: as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def csrf_pair(http: httpx.Client) -> str:
    """Open the debugger as a browser would: its cookie lands in `http`, its form's token is returned."""
    page = http.get("/_ui/debugger")
    return html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1))


def post_debugger(http: httpx.Client, **fields) -> httpx.Response:
    return http.post("/_ui/debugger", data={"csrf_token": csrf_pair(http), **fields})
