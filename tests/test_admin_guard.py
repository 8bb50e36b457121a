"""The admin API cannot be turned against its user by a web page (issue 18, finding 2): a name that
is not the server's (DNS rebinding) is 421, a page of another origin is 403, a state change needs
JSON (no "simple" cross-origin request changes anything), no CORS grant, and with a token every
/_admin path needs it. The same in a real Chromium: tests/pages/test_cross_origin.py."""

import httpx
import pytest

from admin_support import JSON
from conftest import SEEDS, free_port, start_server

PUBLIC, INTERNAL = "idp.test", "mock-idp"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("guard"), port=port, admin=True,
                           base_url=f"http://{PUBLIC}:{port}", internal_base_urls=[f"http://{INTERNAL}:8000"])
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    with httpx.Client(base_url=server.base_url + "/_admin", timeout=10, headers=JSON) as client:
        yield client
        assert client.post("/reset").status_code == 200


def users(admin) -> list[str]:
    return [user["username"] for user in admin.get("/tenants/default/users").json()]


@pytest.mark.parametrize("method, path", [("GET", "/tenants/default/users"), ("GET", "/openapi.json"),
                                          ("POST", "/reset"), ("GET", "/no-such-path"),
                                          ("POST", "/tenants/default/keys/rotate")])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "", "a b"])
def test_a_host_that_is_not_ours_is_misdirected_on_every_admin_path(server, admin, method, path, host):
    port = server.base_url.rsplit(":", 1)[1]
    response = admin.request(method, path, json={}, headers={"Host": host.format(port=port)})
    assert response.status_code == 421
    assert response.json()["error"] == "misdirected_request"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "127.3.4.5",
                                  f"{PUBLIC}:{{port}}", f"{PUBLIC}:443", f"{INTERNAL}:8000"])
def test_our_own_names_are_answered(server, admin, host):
    port = server.base_url.rsplit(":", 1)[1]
    assert admin.get("/tenants", headers={"Host": host.format(port=port)}).status_code == 200


@pytest.mark.parametrize("origin", ["http://127.0.0.1:1", "http://localhost:3000", "null", "http://evil.example"])
def test_a_page_of_another_origin_is_refused_and_never_granted_cors(server, admin, origin):
    # http://localhost:3000 is the seed's clients' redirect origin: CORS grants it on the token endpoint.
    for method, path in [("GET", "/tenants/default/users"), ("POST", "/tenants/default/users")]:
        response = admin.request(method, path, headers={"Origin": origin},
                                 json={"username": "mallory", "password": "pw"})
        assert response.status_code == 403 and response.json()["error"] == "access_denied"
        assert not [name for name in response.headers if name.startswith("access-control-")]
    preflight = admin.options("/tenants/default/users", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "mallory" not in users(admin)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])  # same-site: another port of this host
def test_a_fetch_from_another_site_is_refused(admin, site):
    assert admin.get("/tenants", headers={"Sec-Fetch-Site": site}).status_code == 403


def test_our_own_origin_and_our_own_pages_are_answered(server, admin):
    port = server.base_url.rsplit(":", 1)[1]
    assert admin.get("/tenants", headers={"Origin": server.base_url, "Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert admin.get("/tenants", headers={"Origin": f"http://{PUBLIC}:{port}", "Host": f"127.0.0.1:{port}"}
                     ).status_code == 200  # the public origin, behind a proxy that keeps our address
    assert admin.get("/tenants", headers={"Sec-Fetch-Site": "none"}).status_code == 200  # typed in the address bar


@pytest.mark.parametrize("content_type, body", [
    ("text/plain", b'{"username": "mallory", "password": "pw"}'),
    ("application/x-www-form-urlencoded", b"username=mallory&password=pw"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nmallory\r\n--x--'),
    (None, b'{"username": "mallory", "password": "pw"}'),
])
def test_a_state_change_takes_json_only(server, admin, content_type, body):
    headers = {"Content-Type": content_type} if content_type else {}
    with httpx.Client(base_url=server.base_url + "/_admin") as bare:  # no JSON default header
        for method, path in [("POST", "/tenants/default/users"), ("PUT", "/tenants/default/users/mallory"),
                             ("PATCH", "/tenants/default/users/alice"), ("DELETE", "/tenants/default/users/bob")]:
            response = bare.request(method, path, content=body, headers=headers)
            assert response.status_code == 415, (method, response.text)
            assert response.json()["error"] == "invalid_request"
    assert "mallory" not in users(admin) and "bob" in users(admin)


def test_a_body_less_post_without_a_json_type_changes_nothing(server, admin):
    admin.post("/tenants/default/users", json={"username": "erin", "password": "pw"})
    with httpx.Client(base_url=server.base_url + "/_admin") as bare:
        for path in ["/reset", "/tenants/default/users/alice/revoke"]:
            assert bare.post(path).status_code == 415
            assert bare.post(path, headers={"Content-Type": "text/plain"}).status_code == 415
        assert "erin" in users(admin)  # not reset
        assert bare.post("/reset", headers=JSON).status_code == 200  # an empty JSON request is fine
        assert bare.delete("/scenarios").status_code == 204  # a DELETE without a body needs no type
    assert "erin" not in users(admin)


def test_with_a_token_every_admin_path_needs_it(tmp_path):
    running = start_server(SEEDS / "core.yaml", tmp_path, admin_token="s3cret-admin")
    try:
        for path in ["/openapi.json", "/docs", "/redoc", "/tenants", "/no-such-path"]:
            response = httpx.get(running.base_url + "/_admin" + path)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"] == 'Bearer realm="mock_idp admin"'
        with_token = httpx.get(running.base_url + "/_admin/openapi.json",
                               headers={"Authorization": "Bearer s3cret-admin"})
        assert with_token.status_code == 200 and with_token.json()["info"]["title"] == "mock_idp admin API"
    finally:
        running.stop()
