"""Regressions for the faults found by probing a real server as an attacker and a load generator
would (issue 11). Each test failed before its fix."""

import base64
import json
import logging
import shutil
import socket
import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from conftest import SEEDS, Browser, start_server

from .helpers import REDIRECT_URI, new_verifier, redirect_params, rp, s256, shows_login_form, sign_in

BAD_BASIC = {"Authorization": "Basic " + base64.b64encode(b"\xff:x").decode()}


@pytest.fixture
def own_server(tmp_path, _keyed_database):
    """A core server of this test's own (it may be broken on purpose), sharing the cached key."""
    servers = []

    def start(**settings):
        data_dir = tmp_path / f"data-{len(servers)}"
        data_dir.mkdir()
        shutil.copyfile(_keyed_database, data_dir / "mock_idp.db")
        servers.append(start_server(SEEDS / "core.yaml", data_dir, **settings))
        return servers[-1]
    yield start
    for server in servers:
        server.stop()


def authorization_code(browser, discovery, client_id="demo-web", **params):
    """(code, verifier) of a fresh PKCE code flow for alice."""
    verifier = new_verifier()
    query = {"client_id": client_id, "redirect_uri": REDIRECT_URI, "response_type": "code",
             "scope": "openid", "state": "s", "code_challenge": s256(verifier),
             "code_challenge_method": "S256", **params}
    response = browser.authorize(discovery["authorization_endpoint"] + "?" + urlencode(query))
    return redirect_params(response)["code"], verifier


def redeem(discovery, code, verifier, client_id="demo-web", secret="demo-web-secret", endpoint=None):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier}
    auth = (client_id, secret) if secret else None
    if auth is None:
        data["client_id"] = client_id
    return httpx.post(endpoint or discovery["token_endpoint"], data=data, auth=auth)


def raw_exchange(base_url: str, requests: list[bytes]) -> list[bytes]:
    """Send HTTP/1.1 requests one after another on ONE connection; each raw response."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    answers = []
    with socket.create_connection((host, port), timeout=5) as sock:
        reader = sock.makefile("rb")
        for request in requests:
            sock.sendall(request)
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                byte = reader.read(1)
                assert byte, f"connection closed by the server after {len(answers)} answers"
                head += byte
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            answers.append(head + reader.read(length))
    return answers


# -- client authentication --------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", ["token_endpoint", "introspection_endpoint", "revocation_endpoint",
                                      "device_authorization_endpoint"])
def test_basic_credentials_that_are_not_utf8_are_an_invalid_client(core_discovery, endpoint):
    data = {"grant_type": "client_credentials", "token": "x", "scope": "openid"}
    response = httpx.post(core_discovery[endpoint], data=data, headers=BAD_BASIC)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_body_client_id_that_differs_from_basic_is_an_invalid_request(core_discovery):
    response = httpx.post(core_discovery["token_endpoint"],
                          data={"grant_type": "client_credentials", "client_id": "demo-web"},
                          auth=("demo-service", "demo-service-secret"))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


# -- unexpected errors --------------------------------------------------------------------------

def test_an_unexpected_error_is_a_server_error_and_the_connection_stays_usable(own_server):
    server = own_server()

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")
    server.app.state.store.find_refresh_token = broken
    body = urlencode({"grant_type": "refresh_token", "refresh_token": "x"}).encode()
    host = urlsplit(server.base_url).netloc.encode()
    refresh = (b"POST /default/token HTTP/1.1\r\nHost: " + host + b"\r\nAuthorization: Basic "
               + base64.b64encode(b"demo-web:demo-web-secret") + b"\r\n"
               b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
               + str(len(body)).encode() + b"\r\n\r\n" + body)
    health = b"GET /healthz HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"

    answers = raw_exchange(server.base_url, [refresh] + [health] * 20)

    assert answers[0].startswith(b"HTTP/1.1 500")
    error = json.loads(answers[0].split(b"\r\n\r\n", 1)[1])
    assert error["error"] == "server_error" and "Traceback" not in error["error_description"]
    assert all(answer.startswith(b"HTTP/1.1 200") for answer in answers[1:])


# -- authorization request parameters ---------------------------------------------------------

def test_a_huge_max_age_is_an_invalid_request(core_discovery):
    query = {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code",
             "scope": "openid", "state": "st", "max_age": "9" * 5000}
    response = httpx.get(core_discovery["authorization_endpoint"], params=query)
    params = redirect_params(response)
    assert (params["error"], params["state"]) == ("invalid_request", "st")


@pytest.mark.parametrize("name", ["nonce", "prompt", "response_mode", "max_age", "login_hint"])
def test_a_repeated_authorization_parameter_is_an_invalid_request(core_discovery, name):
    value = {"response_mode": "query", "max_age": "60", "prompt": "login"}.get(name, "v")
    query = [("client_id", "demo-web"), ("redirect_uri", REDIRECT_URI), ("response_type", "code"),
             ("scope", "openid"), ("state", "st"), (name, value), (name, value)]
    response = httpx.get(core_discovery["authorization_endpoint"] + "?" + urlencode(query))
    params = redirect_params(response)
    assert (params["error"], params["state"]) == ("invalid_request", "st"), params


@pytest.mark.parametrize("endpoint, data", [
    ("introspection_endpoint", [("token", "a"), ("token", "b")]),
    ("revocation_endpoint", [("token", "a"), ("token", "b")]),
    ("device_authorization_endpoint", [("client_id", "demo-device"), ("scope", "openid"), ("scope", "x")]),
])
def test_a_repeated_back_channel_parameter_is_an_invalid_request(core_discovery, endpoint, data):
    auth = None if endpoint.startswith("device") else ("demo-service", "demo-service-secret")
    response = httpx.post(core_discovery[endpoint], content=urlencode(data), auth=auth,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


def test_duplicate_json_keys_at_auth0_token_endpoint_are_an_invalid_request(seed_server):
    body = ('{"grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "x",'
            ' "client_secret": "y", "audience": "https://customers.example.com"}')
    response = httpx.post(seed_server.base_url + "/auth0/oauth/token", content=body,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


# -- bounded requests --------------------------------------------------------------------------

def test_a_body_over_the_limit_is_refused_with_413_and_the_server_stays_responsive(core_server):
    login = core_server.base_url + "/default/login"
    started = time.monotonic()
    response = httpx.post(login, content=b"a=1&" * (2 * 1024 * 1024 // 4 + 1),
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert response.status_code == 413, response.text[:300]
    assert response.json()["error"] == "invalid_request"

    def chunks():
        for _ in range(40):
            yield b"a=1&" * 16384  # 64 KiB each, no Content-Length: chunked
    chunked = httpx.post(login, content=chunks(), timeout=30,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 413
    assert httpx.get(core_server.base_url + "/healthz").status_code == 200
    assert time.monotonic() - started < 10


def test_too_many_parameters_are_an_invalid_request(core_server):
    response = httpx.post(core_server.base_url + "/default/login", content=b"a=1&" * 5000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    query = "&".join(f"p{i}=1" for i in range(2000))
    assert httpx.get(core_server.base_url + "/default/authorize?" + query).status_code == 400


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_login_page_carries_only_authorization_parameters(core_discovery, method):
    query = {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code",
             "scope": "openid", "state": "st", "nonce": "n1", "junk": "x" * 1000, "utm_source": "mail"}
    url = core_discovery["authorization_endpoint"]
    page = httpx.get(url, params=query) if method == "GET" else httpx.post(url, data=query)
    assert shows_login_form(page)
    assert 'name="state" value="st"' in page.text and 'name="nonce" value="n1"' in page.text
    assert "junk" not in page.text and "utm_source" not in page.text


# -- refresh tokens and codes --------------------------------------------------------------------

def test_reusing_a_rotated_refresh_token_revokes_the_whole_grant(browser, core_discovery):
    client, token, _ = sign_in(browser, core_discovery)
    refreshed = client.refresh_token(core_discovery["token_endpoint"], refresh_token=token["refresh_token"])

    reuse = httpx.post(core_discovery["token_endpoint"], auth=("demo-web", "demo-web-secret"),
                       data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"

    # RFC 9700 §4.14.2: the replay ends the grant, the refresh token it rotated to included.
    second = httpx.post(core_discovery["token_endpoint"], auth=("demo-web", "demo-web-secret"),
                        data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]})
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    userinfo = httpx.get(core_discovery["userinfo_endpoint"],
                         headers={"Authorization": "Bearer " + refreshed["access_token"]})
    assert userinfo.status_code == 401


def test_a_failed_refresh_loses_nothing(own_server, browser):
    server = own_server()
    discovery = httpx.get(server.base_url + "/default/.well-known/openid-configuration").json()
    client, token, _ = sign_in(browser, discovery)
    store = server.app.state.store
    real_insert = store.insert

    def crash(row):
        raise RuntimeError("the process dies before the new refresh token is stored")
    for name in ("insert", "rotate_refresh_token"):
        if hasattr(store, name):
            setattr(store, name, crash)
    data = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
    failed = httpx.post(discovery["token_endpoint"], data=data, auth=("demo-web", "demo-web-secret"))
    assert failed.status_code == 500
    del store.insert
    if "rotate_refresh_token" in vars(store):
        del store.rotate_refresh_token
    assert store.insert.__func__ is real_insert.__func__

    retried = httpx.post(discovery["token_endpoint"], data=data, auth=("demo-web", "demo-web-secret"))
    assert retried.status_code == 200, retried.text


@pytest.mark.parametrize("mistake", ["wrong_verifier", "another_client", "wrong_redirect_uri"])
def test_a_code_survives_a_failed_redemption(browser, core_discovery, mistake):
    code, verifier = authorization_code(browser, core_discovery)
    if mistake == "wrong_verifier":
        failed = redeem(core_discovery, code, new_verifier())
    elif mistake == "another_client":
        failed = redeem(core_discovery, code, verifier, client_id="demo-spa", secret=None)
    else:
        failed = httpx.post(core_discovery["token_endpoint"], auth=("demo-web", "demo-web-secret"),
                            data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                  "redirect_uri": REDIRECT_URI + "/other"})
    assert failed.status_code == 400 and failed.json()["error"] == "invalid_grant"

    assert redeem(core_discovery, code, verifier).status_code == 200


def test_a_code_redeemed_at_another_tenant_is_not_burnt(seed_server):
    discovery = httpx.get(seed_server.base_url + "/default/.well-known/openid-configuration").json()
    code, verifier = authorization_code(Browser(), discovery)
    okta = httpx.get(seed_server.base_url + "/okta/.well-known/openid-configuration").json()
    failed = redeem(okta, code, verifier, client_id="0oa-service", secret="0oa-service-secret")
    assert failed.status_code in (400, 401)
    assert redeem(discovery, code, verifier).status_code == 200


def test_concurrent_redemptions_of_one_code_give_tokens_once(browser, core_discovery):
    code, verifier = authorization_code(browser, core_discovery)
    answers = []
    barrier = threading.Barrier(6)

    def attempt():
        barrier.wait()
        answers.append(redeem(core_discovery, code, verifier).status_code)
    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [400] * 5


# -- logs ----------------------------------------------------------------------------------------

def test_the_access_log_shows_no_secrets_from_query_strings(own_server):
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    access = logging.getLogger("uvicorn.access")
    server = own_server(log_level="info")
    access.addHandler(handler)
    try:
        secret = "eyJhbGciOiJSUzI1NiJ9.secret-part.sig"
        for name in ("id_token_hint", "code", "access_token", "refresh_token", "token"):
            httpx.get(server.base_url + f"/default/logout?{name}={secret}&state=visible")
        time.sleep(0.2)
    finally:
        access.removeHandler(handler)
    lines = [line for line in records if "/default/logout" in line]
    assert len(lines) == 5, records
    assert all(secret not in line and "state=visible" in line for line in lines), lines
    assert dict(parse_qsl(urlsplit(lines[0].split('"')[1].split()[1]).query))["id_token_hint"] == "redacted"


# -- the database does not grow without bound --------------------------------------------------

def test_expired_rows_are_purged_in_the_background(own_server):
    from mock_idp.storage.models import IssuedToken

    server = own_server(purge_interval=0.2)
    store = server.app.state.store
    now = int(time.time())
    expired = IssuedToken(token_hash="h", issuer="default", client_id="demo-web", issued_at=now - 20,
                          access_expires_at=now - 10)
    live = IssuedToken(token_hash="h2", issuer="default", client_id="demo-web", issued_at=now,
                       access_expires_at=now + 600)
    store.insert(expired)
    store.insert(live)
    deadline = time.monotonic() + 5
    while store.get(IssuedToken, expired.id) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.get(IssuedToken, expired.id) is None
    assert store.get(IssuedToken, live.id) is not None
