"""Auth0's OIDC Back-Channel Logout over HTTP: an application's `oidc_logout` URL gets a signed
logout token (OpenID Connect Back-Channel Logout 1.0 §2.4) when a session it signed in through
ends, at the logout endpoints or by the admin API; a dead or slow URL never holds up the user's
logout. The application's own library: tests/interop/test_backchannel_logout.py."""

import asyncio
import logging
import secrets
import socket
import textwrap
import time
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet
from conftest import Browser, serve_asgi, start_server

from tests.test_config import assert_reported, load_error

EVENT = "http://schemas.openid.net/event/backchannel-logout"
APP = "http://localhost:3000/callback"
BACK = "http://localhost:3000/"


class Receiver:
    """The applications' servers: POSTs to /a, /b, /custom are kept and answered 200 (or
    `answer`), /slow answers after 30 s, /big with 1 MiB."""

    def __init__(self):
        self.posts: list[tuple[str, dict, dict]] = []
        self.answer = 200

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] == "/slow":
            await asyncio.sleep(30)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.posts.append((scope["path"], headers, {k: v[0] for k, v in parse_qs(body.decode()).items()}))
        await send({"type": "http.response.start", "status": self.answer, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * (1 << 20) if scope["path"] == "/big" else b""})

    def wait_for(self, count: int, timeout: float = 5) -> list:
        deadline = time.monotonic() + timeout
        while len(self.posts) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.posts)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(client_id: str, url: str | None, initiators: str = "") -> str:
    logout = f"""
        oidc_logout:
          backchannel_logout_urls: [{url}]{initiators}""" if url else ""
    return f"""
      - client_id: {client_id}
        client_secret: {client_id}-secret
        redirect_uris: [{APP}]
        post_logout_redirect_uris: [{BACK}]{logout}"""


@pytest.fixture(scope="module")
def receiver():
    app = Receiver()
    running = serve_asgi(app)
    running.app_receiver = app
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(receiver, tmp_path_factory):
    base, dead = receiver.base_url, f"http://127.0.0.1:{closed_port()}/gone"
    custom = """
          backchannel_logout_initiators: {mode: custom, selected_initiators: [session-revoked]}"""
    clients = "".join([client("app-a", base + "/a"), client("app-b", base + "/b"), client("app-plain", None),
                       client("app-slow", base + "/slow"), client("app-dead", dead), client("app-big", base + "/big"),
                       client("app-custom", base + "/custom", custom)])
    folder = tmp_path_factory.mktemp("backchannel")
    (folder / "seed.yaml").write_text(textwrap.dedent(f"""\
        tenants:
          auth0:
            flavor: auth0
            users:
              - {{username: alice, password: alice-password}}
            clients:""") + textwrap.indent(textwrap.dedent(clients), "      "))
    # The purge interval is also how often expired sessions' clients are told.
    running = start_server(folder / "seed.yaml", folder / "data", admin=True, purge_interval=0.2)
    yield running
    running.stop()


@pytest.fixture
def posts(receiver):
    receiver.app_receiver.posts.clear()
    receiver.app_receiver.answer = 200
    return receiver.app_receiver


def issuer(server) -> str:
    return server.base_url + "/auth0/"


def sign_in(browser: Browser, server, client_id: str) -> dict:
    """The code flow for `client_id` in `browser` (one SSO session): its token response."""
    oauth = OAuth2Client(client_id, f"{client_id}-secret", scope="openid profile", redirect_uri=APP)
    url, state = oauth.create_authorization_url(issuer(server) + "authorize", nonce=secrets.token_urlsafe(8))
    response = browser.authorize(url)
    assert response.status_code == 302, response.text[:300]
    code = dict(parse_qsl(urlsplit(response.headers["location"]).query))["code"]
    tokens = httpx.post(issuer(server) + "oauth/token", auth=(client_id, f"{client_id}-secret"), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": APP})
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def verified(server, token: str, audience: str, now: int | None = None) -> tuple[dict, dict]:
    """joserfc's JWT validation of a token (at the tenant's time `now`): (header, claims)."""
    keys = KeySet.import_key_set(httpx.get(issuer(server) + ".well-known/jwks.json").json())
    token = jwt.decode(token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(now=now, leeway=5, iss={"essential": True, "value": issuer(server)},
                          aud={"essential": True, "value": audience}, iat={"essential": True},
                          exp={"essential": True}).validate(token.claims)
    return token.header, token.claims


def log_out(browser: Browser, server, client_id: str) -> httpx.Response:
    return browser.get(issuer(server) + "oidc/logout?" + httpx.QueryParams(
        client_id=client_id, post_logout_redirect_uri=BACK).__str__())


def test_discovery_says_back_channel_logout_with_sessions_is_supported(server):
    discovery = httpx.get(issuer(server) + ".well-known/openid-configuration").json()
    assert discovery["backchannel_logout_supported"] is True
    assert discovery["backchannel_logout_session_supported"] is True


def test_logout_sends_each_signed_in_app_a_logout_token_for_its_session(server, posts):
    browser = Browser()
    id_a = verified(server, sign_in(browser, server, "app-a")["id_token"], "app-a")[1]
    id_b = verified(server, sign_in(browser, server, "app-b")["id_token"], "app-b")[1]
    sign_in(browser, server, "app-plain")
    assert id_a["sid"] == id_b["sid"], "one SSO session, one sid"
    session_cookie = next(value for name, value in browser.http.cookies.items() if "sso" in name)
    assert id_a["sid"] != session_cookie, "the sid never gives away the session cookie"

    response = log_out(browser, server, "app-b")
    assert response.status_code == 302 and response.headers["location"] == BACK
    received = {path: (headers, form) for path, headers, form in posts.wait_for(2)}
    assert set(received) == {"/a", "/b"}  # not app-plain (no URL), not the apps of no session
    for path, (client_id, id_claims) in {"/a": ("app-a", id_a), "/b": ("app-b", id_b)}.items():
        headers, form = received[path]
        assert headers["content-type"] == "application/x-www-form-urlencoded"
        header, claims = verified(server, form["logout_token"], client_id)
        assert header["typ"] == "logout+jwt" and header["alg"] == "RS256"
        assert claims["events"] == {EVENT: {}} and "nonce" not in claims and claims["jti"]
        assert claims["sid"] == id_claims["sid"] and claims["sub"] == id_claims["sub"]
        assert claims["exp"] > claims["iat"] >= id_claims["iat"]
    assert received["/a"][1]["logout_token"] != received["/b"][1]["logout_token"]

    # The session is over: a second logout tells nobody again.
    posts.posts.clear()
    log_out(browser, server, "app-a")
    time.sleep(0.3)
    assert posts.posts == []


def test_v2_logout_sends_them_too(server, posts):
    browser = Browser()
    sign_in(browser, server, "app-a")
    response = browser.get(issuer(server) + "v2/logout?" + str(httpx.QueryParams(client_id="app-a", returnTo=BACK)))
    assert response.status_code == 302
    assert [path for path, _, _ in posts.wait_for(1)] == ["/a"]


def test_a_dead_or_slow_url_never_holds_up_the_logout_and_is_logged_once(server, posts, caplog):
    browser = Browser()
    for client_id in ("app-slow", "app-dead", "app-a"):
        sign_in(browser, server, client_id)
    caplog.set_level(logging.WARNING, logger="mock_idp")
    started = time.monotonic()
    response = log_out(browser, server, "app-a")
    assert response.status_code == 302 and time.monotonic() - started < 1.0
    assert [path for path, _, _ in posts.wait_for(1)] == ["/a"]
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not any("app-dead" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    dead = [r.getMessage() for r in caplog.records if "app-dead" in r.getMessage()]
    assert len(dead) == 1 and "ConnectError" in dead[0], dead


def test_an_answer_past_the_size_bound_is_not_read_and_is_logged(server, receiver, posts, caplog):
    browser = Browser()
    sign_in(browser, server, "app-big")
    caplog.set_level(logging.WARNING, logger="mock_idp")
    log_out(browser, server, "app-big")
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not any("app-big" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    assert [r.getMessage() for r in caplog.records if "app-big" in r.getMessage()] == [
        f"Back-channel logout to {receiver.base_url}/big (client app-big) failed: an answer larger than 16384 bytes."]


def test_an_app_that_answers_an_error_is_logged(server, posts, caplog):
    posts.answer = 400
    browser = Browser()
    sign_in(browser, server, "app-b")
    caplog.set_level(logging.WARNING, logger="mock_idp")
    log_out(browser, server, "app-b")
    posts.wait_for(1)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not any("HTTP 400" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    assert any("app-b" in r.getMessage() and "HTTP 400" in r.getMessage() for r in caplog.records)


def test_custom_initiators_choose_which_session_ends_are_told(server, posts):
    browser = Browser()
    sign_in(browser, server, "app-custom")
    log_out(browser, server, "app-custom")  # rp-logout: not selected
    time.sleep(0.3)
    assert posts.posts == []

    other = Browser()
    sign_in(other, server, "app-custom")
    sign_in(other, server, "app-a")
    answer = httpx.post(server.base_url + "/_admin/tenants/auth0/users/alice/revoke", json={})
    assert answer.status_code == 200, answer.text
    # The admin API answers once the apps were told: session-revoked is selected by app-custom,
    # and app-a (no initiators set) is told of every session end.
    assert answer.json()["backchannel_logouts"] == 2
    assert sorted(path for path, _, _ in posts.posts) == ["/a", "/custom"]
    claims = verified(server, dict((p, f) for p, _, f in posts.posts)["/custom"]["logout_token"], "app-custom")[1]
    assert claims["sub"].startswith("auth0|") and claims["sid"]


def test_an_expired_session_is_told_to_its_apps(server, posts):
    browser = Browser()
    id_claims = verified(server, sign_in(browser, server, "app-a")["id_token"], "app-a")[1]
    sign_in(browser, server, "app-custom")  # told of session-revoked only
    time.sleep(0.5)
    assert posts.posts == []  # the session lives
    clock = server.base_url + "/_admin/tenants/auth0/clock"
    assert httpx.post(clock, json={"advance_seconds": 25 * 3600}).status_code == 200
    try:
        received = posts.wait_for(1)
        time.sleep(0.5)  # and no other
        assert [path for path, _, _ in posts.posts] == ["/a"]
        claims = verified(server, received[0][2]["logout_token"], "app-a", now=int(time.time()) + 25 * 3600)[1]
        assert claims["sid"] == id_claims["sid"] and claims["sub"] == id_claims["sub"]
    finally:
        httpx.post(clock, json={"offset_seconds": 0})


SEED = """\
    tenants:
      t:
        flavor: {flavor}
        clients:
          - client_id: app
            client_secret: s
            redirect_uris: [https://app.example.com/cb]
            oidc_logout:
              {logout}
    """


def test_oidc_logout_on_a_persona_without_back_channel_logout_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, SEED.format(flavor="okta", logout="backchannel_logout_urls: [https://a.example/bc]"))
    assert_reported(error, 8, "tenants.t.clients[0].oidc_logout",
                    "the okta persona serves no OIDC back-channel logout (personas that do: auth0)")


def test_more_than_one_back_channel_url_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, SEED.format(
        flavor="auth0", logout="backchannel_logout_urls: [https://a.example/bc, https://b.example/bc]"))
    assert_reported(error, 9, "tenants.t.clients[0].oidc_logout.backchannel_logout_urls", "at most 1")


def test_an_unknown_initiator_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, SEED.format(
        flavor="auth0", logout="backchannel_logout_initiators: {mode: custom, selected_initiators: [rp-logut]}"))
    assert_reported(error, 9, "tenants.t.clients[0].oidc_logout.backchannel_logout_initiators.selected_initiators[0]",
                    "rp-logout")
