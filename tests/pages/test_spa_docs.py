"""docs/spa.md, "With the seed_server seed", in headless Chromium: a page at http://localhost:3000 (the
seed_server public clients' redirect URIs' origin; Chromium resolves it to a plain page server on a port
of its own, so the page is in the loopback address space as a dev server's would be) redeems
Okta's, Auth0's and Entra's single-page app's codes and refresh tokens and signs in through the
Cognito pool's API, reading every answer; a page at http://localhost:5173 reads none."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from conftest import Browser

from .chromium import attacker_site, launched

APP, OTHER = "http://localhost:3000", "http://localhost:5173"
ENTRA = "/entra/0c0ffee0-0000-4000-8000-00000000e17a"
VERIFIER = "spa-docs-verifier-" + "v" * 40
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
# documented client -> (authorize path, token path)
CLIENTS = {
    "0oa-spa": ("/okta/oauth2/default/v1/authorize", "/okta/oauth2/default/v1/token"),
    "auth0-spa": ("/auth0/authorize", "/auth0/oauth/token"),
    "44444444-4444-4444-8444-444444444444": (f"{ENTRA}/oauth2/v2.0/authorize", f"{ENTRA}/oauth2/v2.0/token"),
}
USERS = {"44444444-4444-4444-8444-444444444444": "alice@contoso.example"}
POST = """async ([url, body, headers]) => {
  try {
    const r = await fetch(url, {method: 'POST', headers, body});
    return {status: r.status, body: await r.json()};
  } catch (error) { return {refused: error.message}; }
}"""
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def site():
    yield from attacker_site()  # a plain page server, here the app's dev server


@pytest.fixture(scope="module")
def chromium(site):
    port = site.base_url.rsplit(":", 1)[1]
    rules = ",".join(f"MAP {urlsplit(origin).netloc} 127.0.0.1:{port}" for origin in (APP, OTHER))
    yield from launched(f"--host-resolver-rules={rules}")


def page_at(chromium, origin: str):
    """A page whose origin is `origin` (the plain page server, under the documented name)."""
    page = chromium.new_context().new_page()
    page.goto(f"{origin}/")
    assert page.evaluate("location.origin") == origin
    return page


def code_for(seed_server, client_id: str) -> str:
    authorize, _ = CLIENTS[client_id]
    landed = Browser().authorize(seed_server.base_url + authorize + "?" + urlencode({
        "client_id": client_id, "response_type": "code", "redirect_uri": f"{APP}/callback",
        "scope": "openid profile offline_access", "state": "s", "code_challenge": CHALLENGE,
        "code_challenge_method": "S256"}), username=USERS.get(client_id, "alice"))
    return parse_qs(urlsplit(landed.headers["location"]).query)["code"][0]


def test_the_documented_spa_clients_redeem_and_refresh_from_their_origin_only(seed_server, chromium):
    app, other = page_at(chromium, APP), page_at(chromium, OTHER)
    for client_id, (_, token) in CLIENTS.items():
        form = {"grant_type": "authorization_code", "client_id": client_id, "code": code_for(seed_server, client_id),
                "redirect_uri": f"{APP}/callback", "code_verifier": VERIFIER}
        url = seed_server.base_url + token
        assert "refused" in other.evaluate(POST, [url, urlencode(form), FORM]), client_id
        redeemed = app.evaluate(POST, [url, urlencode(form), FORM])  # the same code: nothing was spent
        assert redeemed["status"] == 200 and "refresh_token" in redeemed["body"], (client_id, redeemed)
        refresh = {"grant_type": "refresh_token", "client_id": client_id,
                   "refresh_token": redeemed["body"]["refresh_token"]}
        refreshed = app.evaluate(POST, [url, urlencode(refresh), FORM])
        assert refreshed["status"] == 200 and "access_token" in refreshed["body"], (client_id, refreshed)


def test_the_cognito_pool_api_answers_a_page_of_the_app_clients_origin(seed_server, chromium):
    call = [seed_server.base_url + "/cognito/", json.dumps({
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "cognito-public-client",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "alice-password"}}),
        {"content-type": "application/x-amz-json-1.1",
         "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth"}]
    signed_in = page_at(chromium, APP).evaluate(POST, call)
    assert signed_in["status"] == 200 and "IdToken" in signed_in["body"]["AuthenticationResult"], signed_in
    assert "refused" in page_at(chromium, OTHER).evaluate(POST, call)
