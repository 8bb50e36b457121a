"""The pages over plain HTTP against the shipped seed: home, tenant page, token flow, login page,
debugger; and that only the built-in callback joins each client's registered redirect URIs."""

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from debugger_support import post_debugger
from joserfc import jwt
from joserfc.jwk import KeySet


def hrefs(page: httpx.Response, testid: str) -> str:
    match = re.search(rf'href="([^"]+)" data-testid="{re.escape(testid)}"', page.text)
    assert match, f"no link {testid!r}"
    return html.unescape(match.group(1))


def click_user(http: httpx.Client, login_page: httpx.Response, username: str) -> httpx.Response:
    """Press the one-click button of `username` on the login page (its own little form)."""
    forms = re.findall(r'<div role="listitem"><form method="post" action="([^"]+)">(.*?)</form>', login_page.text, re.S)
    for action, body in forms:
        fields = [(html.unescape(n), html.unescape(v))
                  for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', body)]
        if ("username", username) in fields:
            return http.post(html.unescape(action), content=urlencode(fields),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    raise AssertionError(f"no one-click button for {username}")


def shown_claims(page: httpx.Response, kind: str) -> dict:
    """The claims the token page shows for the `kind` token."""
    shown = re.search(rf'data-testid="claims-{kind}">(.*?)</pre>', page.text, re.S)
    assert shown, f"no decoded {kind} on the page"
    return json.loads(html.unescape(shown.group(1)))


@pytest.fixture
def http(seed_server):
    with httpx.Client(base_url=seed_server.base_url, follow_redirects=False, timeout=10) as client:
        yield client


def test_home_lists_every_tenant_issuer_client_link_and_user(http, seed_server):
    page = http.get("/")
    assert page.status_code == 200
    for tenant in ("okta", "auth0", "cognito", "default"):
        assert f'data-testid="tenant-{tenant}"' in page.text
    assert f"{seed_server.base_url}/okta/oauth2/default</code>" in page.text
    assert f"{seed_server.base_url}/okta/oauth2/default/.well-known/openid-configuration" in page.text
    link = hrefs(page, "signin-0oa-appsync-web-id_token-okta-oauth2-default")
    assert link.startswith(f"{seed_server.base_url}/okta/_ui/start?")
    assert "Finance" in page.text and 'data-testid="user-frank"' in page.text
    assert "back channel only" in page.text  # the client_credentials service has no browser flow


def test_code_flow_from_home_lands_on_the_token_page_with_verified_tokens(http, seed_server):
    start = http.get(hrefs(http.get("/"), "signin-auth0-web-code"))
    assert start.status_code == 303
    authorize = urlsplit(start.headers["location"])
    query = parse_qs(authorize.query)
    assert query["redirect_uri"] == [f"{seed_server.base_url}/auth0/_ui/callback"]
    assert query["code_challenge_method"] == ["S256"]
    login = http.get(start.headers["location"])
    assert 'data-testid="login-client">Regular web app<' in login.text
    assert 'data-testid="login-tenant">auth0<' in login.text
    assert 'data-testid="login-scope">offline_access<' in login.text
    assert "Finance" in login.text and "data-testid=\"login-user-frank\"" in login.text
    redirect = click_user(http, login, "frank")
    assert redirect.headers["location"].startswith(f"{seed_server.base_url}/auth0/_ui/callback?code=")
    tokens = http.get(redirect.headers["location"])
    assert tokens.status_code == 200, tokens.text
    raw = html.unescape(re.search(r'data-testid="raw-id_token">([^<]+)<', tokens.text).group(1))
    keys = KeySet.import_key_set(http.get("/auth0/.well-known/jwks.json").json())
    claims = jwt.decode(raw, keys).claims
    assert claims["iss"] == f"{seed_server.base_url}/auth0/" and claims["aud"] == "auth0-web"
    assert "nonce matches the request" in tokens.text
    assert 'data-testid="token-refresh_token"' in tokens.text
    assert 'data-testid="signature-id_token">valid' in tokens.text


def test_implicit_fragment_is_relayed_and_shown(http, seed_server):
    start = http.get(hrefs(http.get("/"), "signin-0oa-appsync-web-id_token-okta-oauth2-default"))
    login = http.get(start.headers["location"])
    redirect = click_user(http, login, "alice")
    location = redirect.headers["location"]
    assert location.startswith(f"{seed_server.base_url}/okta/_ui/callback#id_token=")
    relay = http.get(location.split("#")[0])
    assert "data-fragment-relay" in relay.text and "/_ui/static/mock_idp.js" in relay.text
    fragment = dict(parse_qs(urlsplit(location).fragment, keep_blank_values=True))
    shown = http.post("/okta/_ui/callback", data={k: v[0] for k, v in fragment.items()})
    assert shown.status_code == 200
    assert 'data-testid="signature-id_token">valid' in shown.text
    assert "nonce matches the request" in shown.text


def test_only_the_builtin_callback_joins_the_registered_redirect_uris(http, seed_server):
    base = "/okta/oauth2/default/v1/authorize?client_id=0oa-appsync-web&response_type=code&scope=openid&state=s"
    other_tenant = http.get(base + f"&redirect_uri={seed_server.base_url}/auth0/_ui/callback")
    assert other_tenant.status_code == 400 and "not registered" in other_tenant.text
    lookalike = http.get(base + f"&redirect_uri={seed_server.base_url}/okta/_ui/callback/x")
    assert lookalike.status_code == 400
    own = http.get(base + f"&redirect_uri={seed_server.base_url}/okta/_ui/callback&nonce=n")
    assert own.status_code == 200 and 'id="login-form"' in own.text


def test_login_page_offers_another_account_when_a_session_exists_and_honours_prompt_login(http):
    page = http.get(hrefs(http.get("/"), "signin-demo-web-code"))
    first = click_user(http, http.get(page.headers["location"]), "alice")
    assert "/default/_ui/callback?code=" in first.headers["location"]
    again = http.get(hrefs(http.get("/"), "signin-demo-web-code"))
    silent = http.get(again.headers["location"])
    assert silent.status_code == 302  # the SSO session answers at once...
    tokens = http.get(silent.headers["location"])
    switch = hrefs(tokens, "use-another-account")  # ...and the token page offers a way out
    assert "prompt=login" in switch
    login = http.get(http.get(switch).headers["location"])
    assert login.status_code == 200 and 'data-testid="use-another-account"' in login.text
    assert "signed in as <strong>alice</strong>" in login.text
    second = click_user(http, login, "hannah")
    shown = http.get(second.headers["location"])
    assert shown_claims(shown, "id_token")["name"] == "Hannah HR"


def test_token_form_runs_the_picked_user_through_the_login_page(http, seed_server):
    form = http.get("/auth0/_ui/token")
    assert 'data-testid="token-audience"' in form.text  # Auth0 tenants have APIs
    start = http.get("/auth0/_ui/start", params={"app": "auth0|auth0-web|code", "login_hint": "frank",
                                                  "scope": "openid profile", "audience": "https://customers.example.com",
                                                  "prompt": "login"})
    login = http.get(start.headers["location"])
    assert "suggested" in login.text
    tokens = http.get(click_user(http, login, "frank").headers["location"])
    raw = html.unescape(re.search(r'data-testid="raw-access_token">([^<]+)<', tokens.text).group(1))
    assert jwt.decode(raw, KeySet.import_key_set(http.get("/auth0/.well-known/jwks.json").json())).claims["aud"] \
        == ["https://customers.example.com", f"{seed_server.base_url}/auth0/userinfo"]


def test_debugger_checks_a_token_against_this_servers_jwks(http):
    token = http.post("/okta/oauth2/default/v1/token", auth=("0oa-appsync-web", "appsync-web-secret"),
                      data={"grant_type": "password", "username": "alice", "password": "alice-password",
                            "scope": "openid profile"}).json()["id_token"]
    page = post_debugger(http, token=token, client_id="0oa-appsync-web")
    assert page.status_code == 200
    assert 'data-testid="verdict-1-outcome">passes<' in page.text  # AppSync
    assert 'data-testid="signature-jwt">RS256 signature verifies' in page.text
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    bad = post_debugger(http, token=tampered)
    assert 'data-testid="verdict-1-outcome">fails<' in bad.text
    junk = post_debugger(http, token="not a token")
    assert junk.status_code == 200 and 'data-testid="debugger-error"' in junk.text


def test_tenant_page_gives_the_personas_sdk_settings(http, seed_server):
    assert http.get("/okta/").headers["location"] == f"{seed_server.base_url}/okta/_ui"
    page = http.get("/okta/_ui")
    assert page.status_code == 200
    assert (f"AWS AppSync (OIDC mode): issuer {seed_server.base_url}/okta/oauth2/default, "
            "client id 0oa-appsync-web") in page.text
    cognito = http.get("/cognito/_ui")
    assert f"JWKS {seed_server.base_url}/cognito/.well-known/jwks.json" in cognito.text


def test_debugger_fetches_another_issuers_keys(http, core_server):
    token = httpx.post(core_server.tenant_url("/default/token"), auth=("demo-web", "demo-web-secret"),
                       data={"grant_type": "password", "username": "alice", "password": "alice-password",
                             "scope": "openid"}).json()["id_token"]
    page = post_debugger(http, token=token)  # not this server's issuer: fetched
    assert f"fetched {core_server.tenant_url('/default')}/.well-known/openid-configuration" in page.text
    assert 'data-testid="verdict-1-outcome">passes<' in page.text


def test_hybrid_flow_relays_the_fragment_and_redeems_its_code(http):
    start = http.get(hrefs(http.get("/"), "signin-demo-web-code-id_token"))
    login = http.get(start.headers["location"])
    location = click_user(http, login, "frank").headers["location"]
    fragment = {k: v[0] for k, v in parse_qs(urlsplit(location).fragment).items()}
    assert "code" in fragment and "id_token" in fragment
    shown = http.post("/default/_ui/callback", data=fragment)
    assert shown.status_code == 200, shown.text
    assert 'data-testid="token-access_token"' in shown.text  # from the redeemed code
    assert shown_claims(shown, "id_token")["email"] == "frank@example.com"


def test_callback_with_a_forged_flow_cookie_shows_the_response_unchecked(http):
    http.cookies.set("mock_idp_flow_abc", "{not json", path="/default/_ui")
    page = http.get("/default/_ui/callback", params={"code": "x", "state": "abc"})
    assert page.status_code == 200 and "not checked" in page.text
    error = http.get("/default/_ui/callback", params={"error": "access_denied", "state": "abc",
                                                       "error_description": "The user said no."})
    assert error.status_code == 400 and "The user said no." in error.text


def test_the_readme_appsync_url_lands_on_the_token_page(http, seed_server):
    readme = (Path(__file__).resolve().parents[2] / "docs" / "aws.md").read_text()
    url = re.search(r"^   (http://127\.0\.0\.1:8000/okta/oauth2/default/v1/authorize\?\S+)$", readme, re.M).group(1)
    url = url.replace("http://127.0.0.1:8000", seed_server.base_url).replace(
        "http%3A%2F%2F127.0.0.1%3A8000", seed_server.base_url.replace(":", "%3A").replace("/", "%2F"))
    login = http.get(url)
    location = click_user(http, login, "alice").headers["location"]
    assert location.startswith(f"{seed_server.base_url}/okta/_ui/callback#id_token=")
    fragment = {k: v[0] for k, v in parse_qs(urlsplit(location).fragment).items()}
    shown = http.post("/okta/_ui/callback", data=fragment)  # what the page's script does
    assert shown.status_code == 200 and shown_claims(shown, "id_token")["nonce"] == "nonce-1"
    assert 'data-testid="copy-id_token"' in shown.text and "not checked" in shown.text


def test_favicon_is_served_not_a_404(http):
    icon = http.get("/favicon.ico")
    assert icon.status_code == 301
    served = http.get(str(icon.url.join(icon.headers["location"])))
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/svg+xml")
    assert 'rel="icon" href="/_ui/static/favicon.svg"' in http.get("/").text
