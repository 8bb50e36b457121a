"""The workshop path in a real headless Chromium (Debian's chromium, driven by Playwright): open
/, click the AppSync link, click a seeded user, copy the ID token from the token page and verify
it, paste it into the debugger and see AppSync's rules pass, then switch user.

Screenshots go to test-artifacts/screenshots/ (git-ignored)."""

from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from .chromium import checked_page, launched

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


@pytest.fixture
def page(chromium, seed_server):
    context = chromium.new_context(base_url=seed_server.base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=seed_server.base_url)
    yield from checked_page(context)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_workshop_gets_an_appsync_id_token_checks_it_and_switches_user(page, seed_server):
    page.goto("/")
    shot(page, "01-home")
    page.get_by_test_id("signin-0oa-appsync-web-id_token-okta-oauth2-default").click()

    page.get_by_test_id("login-client").wait_for()
    assert page.get_by_test_id("login-client").inner_text() == "AppSync web app"
    shot(page, "02-login")
    page.get_by_test_id("login-user-alice").click()

    page.get_by_test_id("token-id_token").wait_for()
    assert "#" not in page.url  # the fragment was read and taken out of the address bar
    assert page.get_by_test_id("signature-id_token").inner_text().startswith("valid")
    assert "(in " in page.locator("time[data-epoch]").first.inner_text()  # local time, from the script
    shot(page, "03-tokens")
    page.get_by_test_id("copy-id_token").click()
    page.get_by_text("Copied").wait_for()
    id_token = page.evaluate("navigator.clipboard.readText()")
    keys = KeySet.import_key_set(httpx.get(f"{seed_server.base_url}/okta/oauth2/default/v1/keys").json())
    claims = jwt.decode(id_token, keys).claims
    assert claims["iss"] == f"{seed_server.base_url}/okta/oauth2/default"
    assert claims["aud"] == "0oa-appsync-web" and claims["email"] == "alice@example.com"

    page.get_by_test_id("nav-debugger").click()
    page.get_by_test_id("debugger-token").fill(id_token)
    page.get_by_test_id("debugger-client").fill("0oa-appsync-web")
    page.get_by_test_id("debugger-submit").click()
    appsync = page.get_by_test_id("verdict-1")
    appsync.wait_for()
    assert page.get_by_test_id("verdict-1-outcome").inner_text() == "passes"
    rules = appsync.get_by_test_id("rule")
    assert rules.count() >= 6
    assert all(rules.nth(i).get_attribute("data-ok") == "true" for i in range(rules.count()))
    shot(page, "04-debugger")

    # Signed in already: the same link answers at once, and the token page offers another account.
    page.goto("/")
    page.get_by_test_id("signin-0oa-appsync-web-id_token-okta-oauth2-default").click()
    page.get_by_test_id("token-id_token").wait_for()
    page.get_by_test_id("use-another-account").click()
    page.get_by_test_id("login-user-frank").wait_for()
    assert "signed in as alice" in page.get_by_test_id("use-another-account").inner_text()
    page.get_by_test_id("login-user-frank").focus()
    page.keyboard.press("Enter")  # keyboard only
    page.get_by_test_id("token-id_token").wait_for()
    assert '"email": "frank@example.com"' in page.get_by_test_id("claims-id_token").inner_text()
    shot(page, "05-switched-user")



def test_get_a_token_form_picks_user_client_and_audience(page, seed_server):
    page.goto("/")
    page.get_by_test_id("get-token-auth0").click()
    page.get_by_test_id("token-app").select_option(label="Regular web app — code")
    page.get_by_test_id("token-user").select_option("hannah")
    page.get_by_test_id("token-audience").select_option("https://customers.example.com")
    shot(page, "06-get-a-token")
    page.get_by_test_id("token-submit").click()
    page.get_by_test_id("login-user-hannah").wait_for()
    assert "suggested" in page.get_by_test_id("login-user-hannah").inner_text()
    page.get_by_test_id("login-user-hannah").click()
    page.get_by_test_id("token-access_token").wait_for()
    claims = page.get_by_test_id("claims-access_token").inner_text()
    assert '"https://customers.example.com"' in claims and '"read:customers"' in claims
    assert page.get_by_test_id("token-refresh_token").is_visible()
    shot(page, "07-auth0-tokens")

SPA_PAGE = """<!doctype html><title>spa</title><pre id="out">waiting</pre>
<script>
const code = new URLSearchParams(location.search).get("code");
fetch("%(token)s", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
  body: new URLSearchParams({grant_type: "authorization_code", code, client_id: "spa",
                             redirect_uri: location.origin + "/callback", code_verifier: "%(verifier)s"})})
  .then(r => r.json()).then(body => { document.getElementById("out").textContent = JSON.stringify(body); })
  .catch(error => { document.getElementById("out").textContent = "blocked: " + error; });
</script>"""


def test_a_single_page_app_on_another_origin_redeems_its_code_from_the_browser(chromium, tmp_path):
    """CORS: the token endpoint answers a browser app on a redirect URI's origin."""
    import base64
    import hashlib
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlencode

    from conftest import start_server

    page_html = ""

    class Spa(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page_html.encode())

        def log_message(self, *args):
            pass

    # Bound before the IdP starts, on a port the kernel picks: a port merely found free could be
    # handed to the IdP's own listener (or anyone's) before this one binds it.
    spa = ThreadingHTTPServer(("127.0.0.1", 0), Spa)
    spa_port = spa.server_address[1]
    seed = tmp_path / "seed.yaml"
    seed.write_text("tenants:\n  default:\n    clients:\n"
                    f"      - {{client_id: spa, redirect_uris: ['http://localhost:{spa_port}/callback']}}\n"
                    "    users: [{username: alice, password: alice-password}]\n")
    idp = start_server(seed, tmp_path / "data")
    verifier = "v" * 50
    page_html = SPA_PAGE % {"token": f"{idp.base_url}/default/token", "verifier": verifier}
    threading.Thread(target=spa.serve_forever, daemon=True).start()
    context = chromium.new_context()
    try:
        page = context.new_page()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        page.goto(f"{idp.base_url}/default/authorize?" + urlencode({
            "client_id": "spa", "response_type": "code", "scope": "openid", "state": "s",
            "redirect_uri": f"http://localhost:{spa_port}/callback", "code_challenge": challenge,
            "code_challenge_method": "S256"}))
        page.get_by_test_id("login-user-alice").click()
        page.wait_for_function("document.getElementById('out').textContent !== 'waiting'")
        body = page.locator("#out").inner_text()
        assert '"access_token"' in body and '"id_token"' in body, body
    finally:
        context.close()
        spa.shutdown()
        idp.stop()
