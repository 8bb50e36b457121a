"""The post-message response modes of the SPA SDKs' silent renew (a hidden iframe with prompt=none):
Auth0's web_message and Okta's okta_post_message answer a page that posts the response to the
redirect URI's origin only, framable by that origin only; other personas refuse the modes.
In a real Chromium with the vendors' SDKs: tests/pages/test_spa_sdks.py."""

import json
import re
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml

from conftest import start_server

CALLBACK = "http://localhost:3000/callback"
CHALLENGE = "E9Melhoe2OwvFrEMTJguCHaoeK1t8URWtrd0bmkEHGk"


def silent(client_id: str, mode: str, **overrides) -> dict:
    params = {"client_id": client_id, "redirect_uri": CALLBACK, "response_type": "code", "scope": "openid",
              "state": "st-1", "nonce": "n-1", "prompt": "none", "response_mode": mode,
              "code_challenge": CHALLENGE, "code_challenge_method": "S256"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def posted(response) -> dict:
    """The page's target origin and message, from its JSON data block."""
    assert response.status_code == 200, response.text
    assert "location" not in response.headers
    block = re.search(r'<script id="authorization-response" type="application/json">(.*?)</script>', response.text, re.S)
    return json.loads(block.group(1))


def test_auth0_web_message_without_a_session_posts_login_required_to_the_redirect_origin(seed_server):
    response = httpx.get(f"{seed_server.base_url}/auth0/authorize", params=silent("auth0-spa", "web_message"))
    data = posted(response)
    assert data["origin"] == "http://localhost:3000"
    assert data["message"]["type"] == "authorization_response"
    response_ = data["message"]["response"]
    assert response_["error"] == "login_required" and response_["state"] == "st-1"
    assert response_["error_description"] == "Login required"
    assert "code" not in response_
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors http://localhost:3000;" in csp and "'sha256-" in csp and "'unsafe-inline'" not in \
        csp.split("script-src")[1].split(";")[0]
    assert "x-frame-options" not in response.headers  # DENY would blank the hidden iframe
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_okta_post_message_is_the_parameters_themselves_and_listed_in_discovery(seed_server):
    issuer = f"{seed_server.base_url}/okta/oauth2/default"
    response = httpx.get(f"{issuer}/v1/authorize", params=silent("0oa-spa", "okta_post_message"))
    data = posted(response)
    assert data["origin"] == "http://localhost:3000"
    assert data["message"]["error"] == "login_required" and data["message"]["state"] == "st-1"
    # okta-auth-js takes an error only with its description (handleOAuthResponse's validateResponse).
    assert data["message"]["error_description"] == "The client specified not to prompt, but the user is not logged in."
    discovery = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    assert discovery["response_modes_supported"] == ["query", "fragment", "form_post", "okta_post_message"]


def test_auth0_discovery_does_not_list_web_message(seed_server):
    discovery = httpx.get(f"{seed_server.base_url}/auth0/.well-known/openid-configuration").json()
    assert discovery["response_modes_supported"] == ["query", "fragment", "form_post"]


def test_the_message_is_escaped_for_the_page(seed_server):
    state = '</script><script>alert(1)</script>'
    response = httpx.get(f"{seed_server.base_url}/auth0/authorize", params=silent("auth0-spa", "web_message", state=state))
    assert "<script>alert" not in response.text
    assert posted(response)["message"]["response"]["state"] == state


@pytest.mark.parametrize("redirect_uri", ["https://evil.example/callback", "http://localhost:3000/other"])
def test_an_unregistered_redirect_uri_gets_the_error_page_and_no_message(seed_server, redirect_uri):
    response = httpx.get(f"{seed_server.base_url}/auth0/authorize",
                         params=silent("auth0-spa", "web_message", redirect_uri=redirect_uri))
    assert response.status_code == 400 and "location" not in response.headers
    assert "authorization-response" not in response.text and "postMessage" not in response.text


@pytest.mark.parametrize("path, client_id, mode", [
    ("/default/authorize", "demo-web", "web_message"),   # the generic persona serves neither mode
    ("/auth0/authorize", "auth0-spa", "okta_post_message"),
    ("/okta/oauth2/default/v1/authorize", "0oa-spa", "web_message"),
])
def test_another_vendors_mode_is_refused_in_the_query(seed_server, path, client_id, mode):
    response = httpx.get(seed_server.base_url + path, params=silent(client_id, mode))
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK + "?") and "error=invalid_request" in location and "state=st-1" in location


def test_web_message_for_an_origin_outside_auth0s_allowed_web_origins_is_a_400_page_never_a_message(tmp_path):
    # auth0/auth0-react#392 (Auth0's maintainer): "/authorize requests for web_message will fail
    # silently ... invalid_request: The specified redirect_uri '...' does not have a registered origin."
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump({"tenants": {"auth0": {"flavor": "auth0", "clients": [
        {"client_id": "spa", "redirect_uris": [CALLBACK, "http://localhost:4000/callback"],
         "web_origins": ["http://localhost:4000"]}]}}}))
    running = start_server(seed, tmp_path / "data")
    try:
        refused = httpx.get(f"{running.base_url}/auth0/authorize", params=silent("spa", "web_message"))
        assert refused.status_code == 400 and "location" not in refused.headers
        assert "authorization-response" not in refused.text
        assert f"The specified redirect_uri &#39;{CALLBACK}&#39; does not have a registered origin." in refused.text
        allowed = httpx.get(f"{running.base_url}/auth0/authorize",
                            params=silent("spa", "web_message", redirect_uri="http://localhost:4000/callback"))
        assert posted(allowed)["origin"] == "http://localhost:4000"
    finally:
        running.stop()


def test_silent_sign_in_without_a_session_says_so_in_each_vendors_words(seed_server):
    """msal-browser's ssoSilent reads the fragment; Entra's words are AADSTS50058's."""
    tenant = "0c0ffee0-0000-4000-8000-00000000e17a"
    response = httpx.get(f"{seed_server.base_url}/entra/{tenant}/oauth2/v2.0/authorize",
                         params=silent("11111111-1111-4111-8111-111111111111", "fragment"))
    assert response.status_code == 302
    fragment = dict(parse_qsl(urlsplit(response.headers["location"]).fragment))
    assert fragment["error"] == "login_required" and fragment["state"] == "st-1"
    assert fragment["error_description"].startswith("AADSTS50058: A silent sign-in request was sent but no user is "
                                                    "signed in.")


def test_an_injected_authorize_failure_travels_in_the_web_message(tmp_path):
    """A scenario (admin API) failing /authorize reaches a silent renew's hidden iframe as its
    message, so the SPA sees the error rather than waiting for its timeout."""
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump({"tenants": {"auth0": {"flavor": "auth0", "clients": [
        {"client_id": "spa", "redirect_uris": [CALLBACK]}]}}}))
    running = start_server(seed, tmp_path / "data", admin=True)
    try:
        armed = httpx.post(f"{running.base_url}/_admin/tenants/auth0/scenarios",
                           json={"endpoint": "authorize", "error": "access_denied"})
        assert armed.status_code == 201, armed.text
        data = posted(httpx.get(f"{running.base_url}/auth0/authorize", params=silent("spa", "web_message")))
        assert data["origin"] == "http://localhost:3000"
        assert data["message"]["response"] == {"error": "access_denied", "state": "st-1",
                                               "error_description": "Failure injected by a mock_idp scenario."}
    finally:
        running.stop()
