"""A relying party in a container, standard library only: the browser signs in at mock_idp's
public URL, this app redeems the code at mock_idp's internal URL (by service name).

It waits for mock_idp's CA file itself (made on mock_idp's first start, in the volume both
mount), so it also starts where compose does not wait for `service_healthy` (podman-compose before
podman 4.6), and it stops at once on SIGTERM (`docker compose down`)."""

import base64
import json
import os
import secrets
import signal
import ssl
import sys
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DISCOVERY_URL = os.environ["OIDC_DISCOVERY_URL"]
CLIENT_ID, CLIENT_SECRET = os.environ["OIDC_CLIENT_ID"], os.environ["OIDC_CLIENT_SECRET"]
REDIRECT_URI = os.environ["OIDC_REDIRECT_URI"]
CA_FILE = os.environ.get("OIDC_CA_FILE")
CA_WAIT_SECONDS = float(os.environ.get("OIDC_CA_WAIT_SECONDS", "120"))
TLS: ssl.SSLContext | None = None
STATES: set[str] = set()


def fetch(url: str, data: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data else None)
    if data is not None:
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        request.add_header("Authorization", f"Basic {basic}")
    with urllib.request.urlopen(request, context=TLS, timeout=10) as response:
        return json.load(response)


class App(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        discovery = fetch(DISCOVERY_URL)
        if url.path == "/":
            state = secrets.token_urlsafe(16)
            STATES.add(state)
            query = urllib.parse.urlencode({"client_id": CLIENT_ID, "response_type": "code", "state": state,
                                            "scope": "openid profile email", "redirect_uri": REDIRECT_URI})
            return self.reply(302, "", {"Location": f"{discovery['authorization_endpoint']}?{query}"})
        if url.path == "/callback":
            params = dict(urllib.parse.parse_qsl(url.query))
            if params.get("state") not in STATES:
                return self.reply(400, "unknown state")
            STATES.discard(params["state"])
            tokens = fetch(discovery["token_endpoint"], {"grant_type": "authorization_code",
                                                         "code": params.get("code", ""),
                                                         "redirect_uri": REDIRECT_URI})
            claims = fetch_userinfo(discovery["userinfo_endpoint"], tokens["access_token"])
            return self.reply(200, json.dumps({"issuer": discovery["issuer"], "userinfo": claims}, indent=2))
        return self.reply(404, "not found")

    def reply(self, status: int, body: str, headers: dict | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json" if body.startswith("{") else "text/plain")
        self.end_headers()
        self.wfile.write(body.encode())


def fetch_userinfo(url: str, access_token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {access_token}"})
    with urllib.request.urlopen(request, context=TLS, timeout=10) as response:
        return json.load(response)


def wait_for_ca() -> ssl.SSLContext:
    deadline = time.monotonic() + CA_WAIT_SECONDS
    while CA_FILE and not os.path.isfile(CA_FILE):
        if time.monotonic() > deadline:
            sys.exit(f"app: no CA file {CA_FILE} after {CA_WAIT_SECONDS:.0f} s: is mock_idp running with --tls?")
        print(f"app: waiting for {CA_FILE}", flush=True)
        time.sleep(1)
    return ssl.create_default_context(cafile=CA_FILE)


if __name__ == "__main__":
    # PID 1 in a container gets no default SIGTERM action: without this, a stop waits 10 s for SIGKILL.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    TLS = wait_for_ca()
    server = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "3000"))), App)
    print(f"app: listening on port {server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
