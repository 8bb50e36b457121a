"""Discovery, JWKS and /healthz are answered in front of the framework (asgi.Prerendered): the
same bytes and headers as the framework's answer, on every path they are served at, at the public
and the internal base, and fresh at once after a rotation on another replica."""

import logging
import re
import socket

import httpx
import pytest
from conftest import REPO, SEEDS, free_port, start_server

from mock_idp.web.cors import allowed_origins
from mock_idp.web.endpoint_map import endpoint_table

pytest_plugins = ["pg_support"]  # postgres_url: the database the replicas share

ELSEWHERE = "https://elsewhere.example"  # no tenant allows it: CORS adds nothing, the framework answers


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Every persona (the repo's seed), public at 127.0.0.1 and internal at localhost."""
    port = free_port()
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("prerendered"), port=port,
                           internal_base_urls=[f"http://localhost:{port}"], log_level="info")
    running.port = port
    yield running
    running.stop()


def raw(port: int, path: str, method: str = "GET", host: str = "127.0.0.1", **headers) -> tuple[str, list, bytes]:
    """Status line, headers in wire order (without `date`) and body, as the socket received them."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    return status, [field for field in fields if not field.lower().startswith("date:")], body


def documents(server) -> dict:
    return server.app.front.documents


def test_every_issuers_discovery_documents_and_jwks_are_prerendered(server):
    paths = documents(server)
    assert "/healthz" in paths
    for tenant in server.app.state.tenants:
        for issuer in tenant.issuers:
            base = tenant.route_prefix + issuer.layout.prefix
            for path in issuer.layout.paths.discovery:
                assert base + path in paths
                jwks_uri = httpx.get(server.base_url + base + path).json()["jwks_uri"]
                assert jwks_uri.removeprefix(server.base_url) in paths


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])  # the public base, the internal one
def test_the_prerendered_answer_is_the_frameworks_byte_for_byte(server, host):
    for path in documents(server):
        fast = raw(server.port, path, host=host)
        framework = raw(server.port, path, host=host, Origin=ELSEWHERE)  # an Origin: passed on to the framework
        assert fast == framework, path
        assert fast[0] == "HTTP/1.1 200 OK"
        assert raw(server.port, path, host=host, Content_Length="0") == fast  # no body: still pre-rendered


def test_back_channel_endpoints_follow_the_base_the_request_arrived_at(server):
    path = "/okta/oauth2/default/.well-known/openid-configuration"
    internal = httpx.get(f"http://localhost:{server.port}{path}").json()
    public = httpx.get(server.base_url + path).json()
    assert internal["token_endpoint"] == f"http://localhost:{server.port}/okta/oauth2/default/v1/token"
    assert public["token_endpoint"] == server.base_url + "/okta/oauth2/default/v1/token"
    assert internal["authorization_endpoint"] == public["authorization_endpoint"]  # the browser's stays public


def test_head_a_query_string_and_a_trailing_slash_are_answered_as_before(server):
    path = "/default/jwks"
    status, headers, body = raw(server.port, path)
    assert raw(server.port, path, method="HEAD") == (status, headers, b"")
    assert raw(server.port, path + "?cache-buster=1") == (status, headers, body)
    redirect = httpx.get(server.base_url + path + "/")
    assert redirect.status_code == 307 and redirect.headers["location"] == server.base_url + path


def test_a_browser_gets_cors_on_documents_preflight_included(server):
    table = endpoint_table(server.app.state.tenants)
    checked = 0
    for path in documents(server):
        endpoint = table.get(path)
        if endpoint is None or endpoint.name not in ("discovery", "jwks_uri"):
            continue
        listed = sorted(allowed_origins(endpoint.tenant))
        if not listed:  # e.g. Entra without a single-page app: no origin may read them (tests/test_cors_allow_lists.py)
            continue
        origin = listed[0]
        preflight = httpx.options(server.base_url + path, headers={
            "Origin": origin, "Access-Control-Request-Method": "GET"})
        assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == origin
        answer = httpx.get(server.base_url + path, headers={"Origin": origin})
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == origin
        assert answer.headers["vary"] == "Origin" and answer.content == httpx.get(server.base_url + path).content
        assert "access-control-allow-origin" not in httpx.get(server.base_url + path, headers={"Origin": ELSEWHERE}).headers
        checked += 1
    assert checked >= 8


def test_a_prerendered_request_is_logged_like_any_other(server, caplog):
    with caplog.at_level(logging.INFO, logger="mock_idp.access"):
        httpx.get(server.base_url + "/default/.well-known/openid-configuration?x=1")
        httpx.get(server.base_url + "/default/.well-known/openid-configuration?x=1", headers={"Origin": ELSEWHERE})
    lines = [re.sub(r"[\d.]+ms$", "", record.getMessage()) for record in caplog.records
             if record.name == "mock_idp.access"]
    assert lines[-2:] == ["GET /default/.well-known/openid-configuration?x=1 200 tenant=default "
                          "endpoint=discovery outcome=ok "] * 2


@pytest.fixture(params=["sqlite", "postgresql"])
def replicas(request, tmp_path_factory):
    """Two servers on one database: the first with the admin API, the second without it (so its
    JWKS is pre-rendered)."""
    data = tmp_path_factory.mktemp("replicas")
    database = {"database_url": request.getfixturevalue("postgres_url")} if request.param == "postgresql" else {}
    first = start_server(SEEDS / "two_tenants.yaml", data, admin=True, **database)
    second = start_server(SEEDS / "two_tenants.yaml", data, base_url=first.base_url, **database)
    yield first, second
    httpx.post(first.base_url + "/_admin/reset", headers={"Content-Type": "application/json"})  # the first key signs again (a shared database's other tests)
    first.stop()
    second.stop()


def test_a_rotation_on_one_replica_is_in_the_others_prerendered_jwks_at_once(replicas):
    first, second = replicas
    assert "/red/jwks" in second.app.front.documents
    before = {key["kid"] for key in httpx.get(second.base_url + "/red/jwks").json()["keys"]}
    rotated = httpx.post(first.base_url + "/_admin/tenants/red/keys/rotate", json={"grace_seconds": 0})
    assert rotated.status_code == 200, rotated.text
    after = {key["kid"] for key in httpx.get(second.base_url + "/red/jwks").json()["keys"]}
    assert after and after.isdisjoint(before)  # the very next request, no cache to wait out
    assert after == {key["kid"] for key in httpx.get(first.base_url + "/red/jwks").json()["keys"]}
    assert httpx.get(second.base_url + "/blue/jwks").json() == httpx.get(first.base_url + "/blue/jwks").json()
