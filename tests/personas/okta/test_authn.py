"""Okta's Authentication API and the sessionToken it gives, against the real server: sign in
with a password, then /v1/authorize completes without a page, once."""

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from flavor_support import REDIRECT_URI, assert_shape, claims_of

USER = {"username": "alice@example.com", "password": "alice-password"}


@pytest.fixture(scope="module")
def okta(signin_server):
    return signin_server.tenant_url("/okta")


@pytest.fixture(scope="module")
def servers(okta):
    """Discovery of the org authorization server and of the custom one, by name."""
    return {name: httpx.get(issuer + "/.well-known/openid-configuration").json()
            for name, issuer in (("org", okta), ("custom", okta + "/oauth2/default"))}


def authn(okta: str, **body) -> httpx.Response:
    return httpx.post(okta + "/api/v1/authn", json=body, headers={"Accept": "application/json"})


def session_token(okta: str, **credentials) -> str:
    response = authn(okta, **(credentials or USER))
    assert response.status_code == 200, response.text
    return response.json()["sessionToken"]


def authorize(discovery: dict, token: str | None, client=None, **params) -> httpx.Response:
    query = {"client_id": "okta-web", "response_type": "code", "scope": "openid profile email",
             "redirect_uri": REDIRECT_URI, "state": secrets.token_urlsafe(8), "nonce": "n-1", **params}
    if token is not None:
        query["sessionToken"] = token
    return (client or httpx).get(discovery["authorization_endpoint"] + "?" + urlencode(query))


def redirected(response: httpx.Response) -> dict:
    assert response.status_code == 302, (response.status_code, response.text[:300])
    parts = urlsplit(response.headers["location"])
    assert parts.geturl().startswith(REDIRECT_URI)
    return dict(parse_qsl(parts.fragment or parts.query))


def redeem(discovery: dict, code: str) -> dict:
    response = httpx.post(discovery["token_endpoint"], auth=("okta-web", "okta-web-secret"),
                          data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    assert response.status_code == 200, response.text
    return response.json()


# -- POST /api/v1/authn ------------------------------------------------------------------------------

def test_a_password_sign_in_answers_success_with_a_session_token_and_the_user(okta, servers):
    response = authn(okta, **USER, relayState="/after")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert_shape(body, "okta", "authn_response")
    assert_shape(body["_embedded"]["user"], "okta", "authn_user")
    assert_shape(body["_embedded"]["user"]["profile"], "okta", "authn_user_profile")
    assert body["status"] == "SUCCESS" and body["relayState"] == "/after"
    assert body["expiresAt"].endswith(".000Z") and len(body["sessionToken"]) > 30
    user = body["_embedded"]["user"]
    assert user["id"].startswith("00u") and len(user["id"]) == 20
    assert user["profile"] == {"login": "alice@example.com", "firstName": "Alice", "lastName": "Admin",
                               "locale": "en_US", "timeZone": "America/Los_Angeles"}
    # The user of the API is the user of the tokens: the id is the ID token's `sub`.
    tokens = redeem(servers["custom"], redirected(authorize(servers["custom"], body["sessionToken"]))["code"])
    assert claims_of(tokens["id_token"], servers["custom"])["sub"] == user["id"]


def test_the_username_may_be_the_login_in_any_case_or_the_short_name(okta):
    assert authn(okta, username="ALICE@example.com", password="alice-password").status_code == 200
    bob = authn(okta, username="bob", password="bob-password").json()["_embedded"]["user"]["profile"]
    assert bob == {"login": "bob@example.com", "firstName": "Bob", "lastName": "Builder",
                   "locale": "fr_FR", "timeZone": "Europe/Paris"}


@pytest.mark.parametrize("body", [
    {"username": "alice@example.com", "password": "wrong"},
    {"username": "nobody@example.com", "password": "alice-password"},
    {"username": "alice@example.com"},
    {"password": "alice-password"},
    {"username": ["alice"], "password": {"x": 1}},
])
def test_a_failed_sign_in_is_okta_e0000004_without_saying_why(okta, body):
    response = authn(okta, **body)
    assert response.status_code == 401
    error = response.json()
    assert_shape(error, "okta", "api_error")
    assert (error["errorCode"], error["errorSummary"], error["errorLink"], error["errorCauses"]) == (
        "E0000004", "Authentication failed", "E0000004", [])
    assert error["errorId"].startswith("oae")


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_no_json_object_is_okta_e0000003(okta, content):
    response = httpx.post(okta + "/api/v1/authn", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert_shape(response.json(), "okta", "api_error")
    assert response.json()["errorCode"] == "E0000003"
    assert response.json()["errorSummary"] == "The request body was not well-formed."


# -- /v1/authorize?sessionToken= -------------------------------------------------------------------

@pytest.mark.parametrize("server", ["org", "custom"])
def test_a_session_token_completes_a_code_flow_without_a_page(okta, servers, server):
    discovery = servers[server]
    response = authorize(discovery, session_token(okta), state="st-1")
    params = redirected(response)
    assert params["state"] == "st-1" and "code" in params
    assert "mock_idp_sso_okta" in response.headers["set-cookie"]  # Okta opens a session
    tokens = redeem(discovery, params["code"])
    claims = claims_of(tokens["id_token"], discovery)
    assert claims["nonce"] == "n-1" and claims["email"] == "alice@example.com"
    assert claims_of(tokens["access_token"], discovery)["sub"] == "alice@example.com"


@pytest.mark.parametrize("response_type", ["id_token token", "code id_token", "code id_token token", "code token"])
def test_a_session_token_completes_implicit_and_hybrid_flows(okta, servers, response_type):
    discovery = servers["custom"]
    params = redirected(authorize(discovery, session_token(okta), response_type=response_type))
    for issued in response_type.split():
        assert {"code": "code", "token": "access_token", "id_token": "id_token"}[issued] in params
    if "id_token" in params:
        assert claims_of(params["id_token"], discovery)["nonce"] == "n-1"


def test_a_session_token_satisfies_prompt_none_and_prompt_login(okta, servers):
    for prompt in ("none", "login"):
        assert "code" in redirected(authorize(servers["custom"], session_token(okta), prompt=prompt))


def test_a_session_token_is_single_use_then_the_login_page_shows(okta, servers):
    token = session_token(okta)
    assert "code" in redirected(authorize(servers["org"], token))
    again = authorize(servers["custom"], token)
    assert again.status_code == 200 and 'id="login-form"' in again.text
    assert "sessionToken" not in again.text and token not in again.text  # not carried into the form


@pytest.mark.parametrize("token", ["20111unknown", ""])
def test_an_unknown_session_token_with_prompt_none_is_login_required(servers, token):
    params = redirected(authorize(servers["custom"], token, prompt="none", state="st-2"))
    assert (params["error"], params["state"]) == ("login_required", "st-2") and "code" not in params


def test_a_replayed_session_token_ignores_the_session_the_first_one_opened(okta, servers):
    with httpx.Client() as browser:
        token = session_token(okta)
        assert "code" in redirected(authorize(servers["custom"], token, client=browser))
        params = redirected(authorize(servers["custom"], token, client=browser, prompt="none"))
        assert params["error"] == "login_required"
        # The session itself signs the same browser in (no sessionToken), as on Okta.
        assert "code" in redirected(authorize(servers["custom"], None, client=browser, prompt="none"))


def test_an_expired_session_token_signs_no_one_in(signin_server, okta, servers):
    tenant = next(t for t in signin_server.app.state.tenants if t.name == "okta")
    token = session_token(okta)
    from mock_idp.storage.models import SignInToken
    from mock_idp.oauth.tokens import token_hash
    row = tenant.store.get(SignInToken, token_hash(token))
    row.expires_at = row.auth_time - 1  # as if the five minutes had passed
    tenant.store.put(row)
    assert redirected(authorize(servers["custom"], token, prompt="none"))["error"] == "login_required"


def test_the_session_token_parameter_is_okta_only(signin_server):
    # Other personas never read it: their own login page shows (a generic parameter is ignored).
    assert httpx.post(signin_server.base_url + "/auth0/api/v1/authn", json=USER).status_code == 404
