"""Every route, a handful of malformed requests: never a 5xx, never a stack trace."""

import pytest

MALFORMED_QUERIES = [
    "%00", "a=%00&client_id=%00", "%zz=%zz", "%", "client_id=%E0%A4%A", "&&&==&=", "=",
    "client_id=" + "x" * 20000, "redirect_uri=" + "%FF" * 100, "state[]=1&state[0]=2",
    "response_type=code&response_type=token", "scope=%22%5C%0A", "max_age=99999999999999999999999",
    "client_id=demo-web&redirect_uri=http://localhost:3000/callback&response_type=%22&state=%5C",
    "client_id=demo-web&response_mode=%C3%A4&response_type=id_token",
]
MALFORMED_BODIES = [
    ("application/x-www-form-urlencoded", b""),
    ("application/x-www-form-urlencoded", b"%00=%00&grant_type=%00"),
    ("application/x-www-form-urlencoded", b"grant_type=\xff\xfe"),
    ("application/x-www-form-urlencoded", b"token=" + b"x" * 100000),
    ("application/x-www-form-urlencoded", b"%zz&=%"),
    ("application/json", b"[1, 2, 3]"),
    ("application/json", b'{"grant_type": ["a"], "token": {"x": 1}}'),
    ("application/json", b"{not json"),
    ("text/plain", b"grant_type=client_credentials"),
    ("", b"\x00\x01\x02"),
    ("multipart/form-data; boundary=zz", b"--zz\r\nbroken"),
]
HEADERS = [
    {"Authorization": "Basic !!!"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic " + "QQ==" * 5000},
    {"Authorization": "Bearer a.b.c", "Cookie": "mock_idp_sso_default=%00"},
]


def routes(client) -> list[str]:
    """Every path the app serves, through the tenants' Mounts."""
    def walk(routes, prefix=""):
        for route in routes:
            if hasattr(route, "routes"):
                yield from walk(route.routes, prefix + route.path)
            else:
                yield prefix + route.path
    return sorted(set(walk(client.app.routes)))


def assert_handled(response) -> None:
    assert response.status_code < 500, (response.request.method, response.request.url, response.text[:300])
    assert "Traceback" not in response.text


def test_there_are_routes_to_fuzz(app_client):
    assert {"/default/authorize", "/default/token", "/default/userinfo", "/default/logout"} <= set(routes(app_client))


@pytest.mark.parametrize("query", MALFORMED_QUERIES)
def test_malformed_queries(app_client, query):
    for path in routes(app_client):
        assert_handled(app_client.get(f"{path}?{query}"))


@pytest.mark.parametrize("content_type, body", MALFORMED_BODIES)
def test_malformed_bodies(app_client, content_type, body):
    headers = {"Content-Type": content_type} if content_type else {}
    for path in routes(app_client):
        assert_handled(app_client.post(path, content=body, headers=headers))


@pytest.mark.parametrize("headers", HEADERS)
def test_malformed_headers(app_client, headers):
    for path in routes(app_client):
        assert_handled(app_client.get(path, headers=headers))
        assert_handled(app_client.post(path, data={"token": "x", "grant_type": "client_credentials"},
                                       headers=headers))


def test_other_methods(app_client):
    for path in routes(app_client):
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
            response = app_client.request(method, path)
            assert_handled(response)
            assert response.status_code in (400, 404, 405)
