"""Issue 18 in a real headless Chromium: a page on another loopback port, or at a name re-pointed at
127.0.0.1 (DNS rebinding), cannot drive the admin API nor sign the browser in as someone else.

The attacker's pages are served by a server of their own on another port (Chromium sees another
origin, the same site); evil.example is mapped to 127.0.0.1 by --host-resolver-rules."""

import html
import json
import re
from urllib.parse import urlencode

import httpx
import pytest

from conftest import SEEDS, start_server

from .chromium import launched

REDIRECT_URI = "http://localhost:3000/callback"


@pytest.fixture(scope="module")
def chromium():
    yield from launched("--host-resolver-rules=MAP evil.example 127.0.0.1")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The victim's mock_idp: the admin API on, loopback callers only (the default)."""
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("victim"), admin=True)
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    with httpx.Client(base_url=server.base_url + "/_admin", headers={"Content-Type": "application/json"}) as client:
        yield client
        client.post("/reset")


def names(admin, kind: str) -> set[str]:
    key = "username" if kind == "users" else "client_id"
    return {item[key] for item in admin.get(f"/tenants/default/{kind}").json()}


def test_a_page_on_another_port_cannot_change_anything_through_the_admin_api(page, server, attacker, admin):
    api = server.base_url + "/_admin"
    admin.post("/tenants/default/users", json={"username": "erin", "password": "erin-pw"})  # a reset would drop her
    mallory = json.dumps({"username": "mallory", "password": "pw", "claims": {"groups": ["admins"]}})
    evil_client = {"client_id": "evil", "redirect_uris": [attacker.base_url + "/steal"], "grant_types": ["authorization_code"]}
    # <form enctype=text/plain> sends name=value: a name ending in a JSON string makes a JSON body.
    text_name, text_value = '{"username": "mallory-form", "password": "pw", "claims": {"pad": "', '"}}'
    attacker.pages["/"] = f"""<!doctype html><title>cute cats</title>
<iframe name="sink"></iframe><iframe name="sink2"></iframe>
<form id="plain" method="post" enctype="text/plain" target="sink" action="{api}/tenants/default/users">
  <input name='{html.escape(text_name)}' value='{html.escape(text_value)}'></form>
<form id="urlencoded" method="post" target="sink2" action="{api}/tenants/default/clients">
  {''.join(f'<input name="{k}" value="{html.escape(str(v))}">' for k, v in evil_client.items())}</form>"""
    page.goto(attacker.base_url + "/")
    outcomes = page.evaluate("""async ([api, mallory, evilClient]) => {
        const tries = {
          textPlain: () => fetch(api + '/tenants/default/users', {method: 'POST', mode: 'no-cors',
                                 headers: {'Content-Type': 'text/plain'}, body: mallory}),
          bodyLessReset: () => fetch(api + '/reset', {method: 'POST', mode: 'no-cors'}),
          revoke: () => fetch(api + '/tenants/default/users/alice/revoke', {method: 'POST', mode: 'no-cors'}),
          formEncoded: () => fetch(api + '/tenants/default/clients', {method: 'POST', mode: 'no-cors',
                                   headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: evilClient}),
          jsonWithPreflight: () => fetch(api + '/tenants/default/users', {method: 'POST',
                                         headers: {'Content-Type': 'application/json'}, body: mallory}),
          readUsers: () => fetch(api + '/tenants/default/users'),
        };
        const outcomes = {};
        for (const [name, attempt] of Object.entries(tries)) {
          try { const r = await attempt(); outcomes[name] = r.type === 'opaque' ? 'opaque' : await r.text(); }
          catch (error) { outcomes[name] = 'refused: ' + error.message; }
        }
        return outcomes;
    }""", [api, mallory, json.dumps(evil_client)])
    with page.expect_response(lambda r: r.url.endswith("/tenants/default/users")) as plain:
        page.evaluate("document.getElementById('plain').submit()")
    with page.expect_response(lambda r: r.url.endswith("/tenants/default/clients")) as urlencoded:
        page.evaluate("document.getElementById('urlencoded').submit()")

    users = names(admin, "users")
    assert not users & {"mallory", "mallory-form"} and "erin" in users  # and nothing was reset
    assert "evil" not in names(admin, "clients")
    # No CORS grant: the preflighted JSON call and the read never reach the page's script.
    assert outcomes["jsonWithPreflight"].startswith("refused") and outcomes["readUsers"].startswith("refused")
    assert (plain.value.status, urlencoded.value.status) == (403, 403)  # Chromium: Sec-Fetch-Site same-site


def test_a_page_at_a_name_rebound_to_loopback_cannot_read_or_call_the_admin_api(page, server, admin):
    port = server.base_url.rsplit(":", 1)[1]
    page.goto(f"http://evil.example:{port}/healthz")  # DNS rebinding: evil.example now points at us
    answers = page.evaluate("""async () => {
        const users = await fetch('/_admin/tenants/default/users');
        const mint = await fetch('/_admin/tenants/default/tokens', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({username: 'alice'})});
        const rotate = await fetch('/_admin/tenants/default/keys/rotate', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: '{}'});
        return [[users.status, await users.text()], [mint.status, await mint.text()], [rotate.status, await rotate.text()]];
    }""")
    for status, body in answers:  # same-origin for the browser: only the Host header gives it away
        assert status == 421 and json.loads(body)["error"] == "misdirected_request"
        assert "alice-password" not in body and "access_token" not in body
    assert len(admin.get("/tenants/default/keys").json()) == 1  # not rotated


def test_a_tossed_csrf_cookie_and_token_do_not_sign_the_browser_in_as_the_attacker(page, server, attacker):
    # The attacker fetches a login form of their own: its CSRF cookie and its token.
    query = {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "openid",
             "state": "attackers"}
    with httpx.Client() as own:
        form = own.get(server.base_url + "/default/authorize?" + urlencode(query))
        cookie = next(c for c in own.cookies.jar if c.name.startswith("mock_idp_csrf_"))
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)" id="login-form">', form.text).group(1))
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.text.split('id="login-form"')[1])
    inputs = "".join(f'<input type="hidden" name="{n}" value="{v}">' for n, v in fields)
    # Cookies ignore ports: a page on another port of 127.0.0.1 sets the victim's CSRF cookie...
    attacker.pages["/toss"] = f"""<!doctype html><title>win a prize</title>
<form id="login" method="post" action="{html.escape(action)}">{inputs}
<input name="username" value="bob"><input name="password" value="bob-password"></form>
<script>document.cookie = "{cookie.name}={cookie.value}; path={cookie.path}";
document.getElementById('login').submit();</script>"""
    # ... and posts its own form with the attacker's credentials, from the victim's browser.
    with page.expect_response(lambda r: r.url == action) as posted:
        page.goto(attacker.base_url + "/toss")
    assert posted.value.status == 403
    page.wait_for_load_state()
    assert "another site" in page.content()
    # Nobody is signed in: prompt=none in the same browser comes back login_required.
    silent = page.context.request.get(server.base_url + "/default/authorize?" + urlencode(
        {**query, "state": "victims", "prompt": "none"}), max_redirects=0)
    assert "error=login_required" in silent.headers["location"]
