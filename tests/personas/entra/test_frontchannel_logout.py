"""Entra's front-channel logout in a real headless Chromium (Debian's chromium, Playwright): two
apps sign in through one session; the sign-out page loads each app's front-channel logout URL in a
hidden iframe with `?sid=` (the ID tokens' sid), then goes on to the post-logout redirect URI
(docs/vendors.md, "Back-channel and front-channel logout"). A seed mistake names file, line and key."""

import secrets
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml
from conftest import serve_asgi, start_server
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.pages.chromium import launched
from tests.test_config import assert_reported, load_error

TENANT = "72f988bf-0000-4000-8000-00000000f00d"
APPS = {"web-a": "11111111-1111-4111-8111-11111111000a", "web-b": "11111111-1111-4111-8111-11111111000b",
        "web-plain": "11111111-1111-4111-8111-11111111000c"}


class App:
    """An app's server: records every request (path, query) and answers a small page."""

    def __init__(self):
        self.asked: list[tuple[str, dict]] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        self.asked.append((scope["path"], dict(parse_qsl(scope["query_string"].decode()))))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<!doctype html><title>app</title>"})


@pytest.fixture(scope="module")
def apps():
    running = {}
    for name in APPS:
        app = App()
        running[name] = serve_asgi(app)
        running[name].asked = app.asked
    yield running
    for app in running.values():
        app.stop()


@pytest.fixture(scope="module")
def server(apps, tmp_path_factory):
    clients = [{"client_id": client_id, "client_secret": f"{name}-secret",
                "redirect_uris": [apps[name].base_url + "/callback"],
                "post_logout_redirect_uris": [apps[name].base_url + "/signed-out"],
                **({"frontchannel_logout_uri": apps[name].base_url + "/frontchannel?app=" + name}
                   if name != "web-plain" else {})}
               for name, client_id in APPS.items()]
    folder = tmp_path_factory.mktemp("entra-frontchannel")
    (folder / "seed.yaml").write_text(yaml.safe_dump({"tenants": {"contoso": {
        "flavor": "entra", "tenant_id": TENANT, "clients": clients,
        "users": [{"username": "alice@contoso.example", "password": "alice-password"}]}}}))
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


def authority(server) -> str:
    return f"{server.base_url}/contoso/{TENANT}"


def sign_in(page, server, apps, name: str) -> dict:
    """The code flow for app `name` in the browser (the login form if no session yet): its ID token's claims."""
    redirect = apps[name].base_url + "/callback"
    page.goto(f"{authority(server)}/oauth2/v2.0/authorize?" + str(httpx.QueryParams(
        client_id=APPS[name], response_type="code", redirect_uri=redirect, scope="openid profile",
        nonce=secrets.token_urlsafe(8))))
    if page.get_by_test_id("login-username").count():
        page.get_by_test_id("login-username").fill("alice@contoso.example")
        page.get_by_test_id("login-password").fill("alice-password")
        page.get_by_test_id("login-submit").click()
    page.wait_for_url(redirect + "?*")
    code = dict(parse_qsl(urlsplit(page.url).query))["code"]
    answer = httpx.post(f"{authority(server)}/oauth2/v2.0/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "client_id": APPS[name],
        "client_secret": f"{name}-secret"})
    assert answer.status_code == 200, answer.text
    keys = KeySet.import_key_set(httpx.get(f"{authority(server)}/discovery/v2.0/keys").json())
    return jwt.decode(answer.json()["id_token"], keys).claims


def test_the_sign_out_page_loads_each_apps_front_channel_url_with_the_sid(server, apps, chromium):
    context = chromium.new_context()
    page = context.new_page()
    claims = {name: sign_in(page, server, apps, name) for name in ("web-a", "web-b", "web-plain")}
    sid = claims["web-a"]["sid"]
    assert claims["web-b"]["sid"] == sid and len(sid) == 36  # one session; Entra's sid is a GUID

    done = apps["web-a"].base_url + "/signed-out"
    page.goto(f"{authority(server)}/oauth2/v2.0/logout?" + str(httpx.QueryParams(
        client_id=APPS["web-a"], post_logout_redirect_uri=done, state="st")))
    page.wait_for_url(done + "?state=st")
    for name in ("web-a", "web-b"):
        assert ("/frontchannel", {"app": name, "sid": sid}) in apps[name].asked, apps[name].asked
    assert not any(path == "/frontchannel" for path, _ in apps["web-plain"].asked)
    context.close()


def test_without_front_channel_apps_the_logout_redirects_at_once(server, apps, chromium):
    context = chromium.new_context()
    page = context.new_page()
    sign_in(page, server, apps, "web-plain")
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    answer = httpx.get(f"{authority(server)}/oauth2/v2.0/logout", cookies=cookies, params={
        "client_id": APPS["web-plain"], "post_logout_redirect_uri": apps["web-plain"].base_url + "/signed-out"})
    assert answer.status_code == 302
    context.close()


def test_a_front_channel_logout_uri_on_a_persona_without_it_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          t:
            flavor: auth0
            clients:
              - client_id: app
                client_secret: s
                redirect_uris: [https://app.example.com/cb]
                frontchannel_logout_uri: https://app.example.com/fc
        """)
    assert_reported(error, 8, "tenants.t.clients[0].frontchannel_logout_uri",
                    "the auth0 persona serves no front-channel logout (personas that do: entra)")
