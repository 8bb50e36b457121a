"""Routes of a fixed path are served by direct.Direct (our middleware and error handlers, no
framework routing): every such route answers exactly as the framework's own path answers it."""

import re
import socket
from functools import partial

import pytest
from conftest import REPO, free_port, serve_asgi, start_server
from fastapi import FastAPI

from mock_idp.app import create_app
from mock_idp.config.settings import Settings

# CSRF tokens, keys, certificates (base64), error ids, and times to the second (Entra's error
# timestamps): differ between two servers asked one after the other
VOLATILE = re.compile(rb"[A-Za-z0-9_+/=-]{20,}|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\dZ?")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The repo's seed twice on one public base: as served, and through the framework alone."""
    port = free_port()
    served = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("direct"), port=port)
    settings = Settings(config=REPO / "seed_users.yaml", port=port, data_dir=tmp_path_factory.mktemp("framework"))
    app = create_app(settings)
    framework = serve_asgi(partial(FastAPI.__call__, app), base_url=served.base_url, interface="asgi3")
    framework.port = int(framework.server.config.port)
    served.port = port
    yield served, framework
    framework.stop()
    served.stop()


def answer(port: int, method: str, path: str, body: bytes = b"", host: str = "") -> tuple:
    """Status line, headers in wire order (no date, no cookie values) and body, as received."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host or f'127.0.0.1:{port}'}", "Connection: close"]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    fields = [field.split("=")[0] if field.lower().startswith("set-cookie:") else field
              for field in fields if not field.lower().startswith("date:")]
    return status, fields, VOLATILE.sub(b"~", body)


def test_every_fixed_path_route_is_served_directly(servers):
    served, _ = servers
    table = served.app.front.app.routes
    for tenant in served.app.state.tenants:
        for issuer in tenant.issuers:
            assert ("POST", issuer.endpoint_url("token_endpoint").removeprefix(tenant.url.removesuffix(tenant.route_prefix))) in table
    assert ("GET", "/default/authorize") in table and ("POST", "/default/login") in table
    assert ("GET", "/_ui/debugger") in table
    assert not any(path.startswith("/_ui/static") for _, path in table)  # a Mount of another app


@pytest.mark.parametrize("method,body", [
    ("GET", b""), ("HEAD", b""), ("POST", b""), ("POST", b"grant_type=authorization_code&code=x&client_id=demo-web"),
    ("POST", b"a=1&a=2"), ("POST", b"\xff")])
def test_a_direct_answer_is_the_frameworks(servers, method, body):
    served, framework = servers
    compared = 0
    for route_method, path in served.app.front.app.routes:
        if route_method == method:
            assert answer(served.port, method, path, body) == answer(framework.port, method, path, body), path
            compared += 1
    assert compared > 20


def test_other_methods_and_paths_still_take_the_frameworks_path(servers):
    served, framework = servers
    for method, path in [("GET", "/default/token"), ("PUT", "/default/authorize"), ("GET", "/default/token/"),
                         ("GET", "/nowhere"), ("GET", "/_ui/static/app.css"), ("DELETE", "/default/login")]:
        host = f"127.0.0.1:{served.port}"  # (a redirect names the host asked)
        assert answer(served.port, method, path) == answer(framework.port, method, path, host=host), (method, path)
