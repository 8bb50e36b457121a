"""The vendors' CORS allow-lists in a real headless Chromium (docs/vendors.md, "CORS allow-lists";
HTTP-level rules: tests/test_cors_allow_lists.py). For each persona, the user signs in through the
login page and lands on the app's callback on an allowed origin (a redirect URI's, which Okta also
lists among its trusted origins); before the app redeems its code, a page on another loopback port
(another origin, the same site) that knows the code and the PKCE verifier posts it as a simple
request (no preflight) and with `no-cors`: it reads nothing, and the app then redeems the same code,
so nothing was consumed. The attacker's refresh of the app's refresh token is refused alike, and a
JSON post (which needs a preflight) never leaves the browser."""

import base64
import hashlib
import textwrap
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from conftest import start_server

from .chromium import attacker_site, launched, new_page

ENTRA = "/entra/72f988bf-0000-4000-8000-00000000c0de"
VERIFIER = "pkce-verifier-" + "v" * 40
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
# persona -> (authorize path, token path, client_id, username, extra token parameters)
PERSONAS = {
    "auth0": ("/auth0/authorize", "/auth0/oauth/token", "spa", "alice", {}),
    "okta": ("/okta/oauth2/default/v1/authorize", "/okta/oauth2/default/v1/token", "spa", "alice", {}),
    "entra": (f"{ENTRA}/oauth2/v2.0/authorize", f"{ENTRA}/oauth2/v2.0/token",
              "11111111-1111-4111-8111-111111111111", "alice@contoso.example", {"scope": "openid offline_access"}),
    "cognito": ("/cognito/oauth2/authorize", "/cognito/oauth2/token", "spa", "alice", {}),
}
SEED = """\
    tenants:
      auth0:
        flavor: auth0
        clients:
          - {{client_id: spa, redirect_uris: ["{app}/callback"], token_endpoint_auth_method: none,
              grant_types: [authorization_code, refresh_token]}}
        users: [{{username: alice, password: alice-password}}]
      okta:
        flavor: okta
        authorization_server: default
        trusted_origins: [{{name: App, origin: "{app}", scopes: [CORS, REDIRECT]}}]
        clients:
          - {{client_id: spa, redirect_uris: ["{app}/callback"], token_endpoint_auth_method: none}}
        users: [{{username: alice, password: alice-password}}]
      entra:
        flavor: entra
        tenant_id: 72f988bf-0000-4000-8000-00000000c0de
        clients:
          - {{client_id: 11111111-1111-4111-8111-111111111111, single_page_app: true, redirect_uris: ["{app}/callback"]}}
        users: [{{username: alice@contoso.example, password: alice-password}}]
      cognito:
        flavor: cognito
        clients:
          - {{client_id: spa, redirect_uris: ["{app}/callback"]}}
        users: [{{username: alice, password: alice-password}}]
    """
# Runs in a page: a token request as a single-page app sends it (form-encoded: a "simple" request,
# sent without a preflight), then the same with no-cors (opaque) and as JSON (preflighted).
TRY_TOKEN = """async ([url, form]) => {
  const body = new URLSearchParams(form);
  const out = {};
  try {
    const r = await fetch(url, {method: 'POST', body});
    out.cors = {status: r.status, text: await r.text()};
  } catch (error) { out.cors = 'refused: ' + error.message; }
  try { out.noCors = (await fetch(url, {method: 'POST', mode: 'no-cors', body})).type; }
  catch (error) { out.noCors = 'refused: ' + error.message; }
  try {
    const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(form)});
    out.json = {status: r.status, text: await r.text()};
  } catch (error) { out.json = 'refused: ' + error.message; }
  return out;
}"""
REDEEM = """async ([url, form]) => {
  const r = await fetch(url, {method: 'POST', body: new URLSearchParams(form)});
  return {status: r.status, body: await r.json()};
}"""


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


@pytest.fixture(scope="module")
def app_site():
    yield from attacker_site()  # a plain page server: here the app's own origin


@pytest.fixture(scope="module")
def server(tmp_path_factory, app_site):
    seed = tmp_path_factory.mktemp("cors-browser") / "seed.yaml"
    seed.write_text(textwrap.dedent(SEED).format(app=app_site.base_url))
    running = start_server(seed, tmp_path_factory.mktemp("cors-browser-data"))
    yield running
    running.stop()


@pytest.fixture
def app_page(chromium):
    yield from new_page(chromium)


@pytest.fixture
def attacker_page(chromium):
    yield from new_page(chromium)


def signed_in_code(page, server, app_site, persona: str) -> str:
    """Sign in with the one-click button; the code the app's callback received."""
    authorize, _token, client_id, username, _extra = PERSONAS[persona]
    page.goto(server.base_url + authorize + "?" + urlencode({
        "client_id": client_id, "response_type": "code", "scope": "openid offline_access", "state": "s",
        "redirect_uri": app_site.base_url + "/callback", "code_challenge": CHALLENGE,
        "code_challenge_method": "S256"}))
    page.get_by_test_id(f"login-user-{username}").click()
    page.wait_for_url(app_site.base_url + "/callback?**")
    return parse_qs(urlsplit(page.url).query)["code"][0]


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_only_the_apps_origin_reads_or_redeems_its_tokens(persona, server, app_site, attacker, app_page, attacker_page):
    _authorize, token_path, client_id, _username, extra = PERSONAS[persona]
    url = server.base_url + token_path
    code = signed_in_code(app_page, server, app_site, persona)
    redemption = {"grant_type": "authorization_code", "code": code, "client_id": client_id,
                  "redirect_uri": app_site.base_url + "/callback", "code_verifier": VERIFIER, **extra}

    attacker_page.goto(attacker.base_url + "/")
    stolen = attacker_page.evaluate(TRY_TOKEN, [url, redemption])
    assert stolen["cors"].startswith("refused"), stolen  # nothing readable
    assert stolen["noCors"] == "opaque" and stolen["json"].startswith("refused"), stolen

    # The app on its own origin reads its answer: the code was not consumed by the attempts above.
    redeemed = app_page.evaluate(REDEEM, [url, redemption])
    assert redeemed["status"] == 200 and "access_token" in redeemed["body"], redeemed
    refresh = {"grant_type": "refresh_token", "refresh_token": redeemed["body"]["refresh_token"],
               "client_id": client_id, **extra}

    stolen = attacker_page.evaluate(TRY_TOKEN, [url, refresh])
    assert stolen["cors"].startswith("refused") and stolen["json"].startswith("refused"), stolen
    renewed = app_page.evaluate(REDEEM, [url, refresh])
    assert renewed["status"] == 200 and "access_token" in renewed["body"], renewed
