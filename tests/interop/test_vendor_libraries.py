"""The vendors' own libraries accept our tokens unchanged, against the real running server.

Tokens come from plain HTTP flows (the login form filled in by the Browser helper); the Node
scripts in this directory only verify them with @okta/jwt-verifier, express-oauth2-jwt-bearer,
aws-jwt-verify and openid-client, every check left on. Without node_modules every test fails with
"run `npm ci`" (node_runner), never skips.

No conftest.py here on purpose: tests/conftest.py is imported as `conftest` by other modules.
"""

import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import httpx
import pytest
from node_runner import run_node
from vendor_interop import IMPLICIT_REDIRECT_URI, PERSONAS, REDIRECT_URI, code_flow, discovery_of, redirect_params

CUSTOMERS_API = "https://customers.example.com"


@pytest.fixture(scope="module")
def issuer_of(seed_server):
    """The issuer URL of a persona on the running seed server."""
    return lambda persona: seed_server.tenant_url(persona.path)


@pytest.fixture(scope="module")
def token_cache():
    return {}


@pytest.fixture
def persona_tokens(browser, issuer_of, token_cache):
    """Alice's tokens from one code flow per persona, shared by the tests that only verify them."""
    def tokens(name: str) -> dict:
        if name not in token_cache:
            token_cache[name] = code_flow(browser, issuer_of(PERSONAS[name]), PERSONAS[name])
        return token_cache[name]

    return tokens


def accepted(result: dict) -> dict:
    assert result["ok"], f"the library rejected our token: {result}"
    return result


def rejected(result: dict) -> str:
    assert not result["ok"], f"the library accepted a token it should refuse: {result}"
    return result["error"]


# -- @okta/jwt-verifier -----------------------------------------------------------------------------

OKTA = PERSONAS["okta-custom-as"]


def okta_verify(issuer: str, kind: str, token: str, **job) -> dict:
    return run_node("okta.mjs", {"issuer": issuer, "clientId": OKTA.client_id, "kind": kind,
                                 "token": token, **job})


def test_okta_verifier_accepts_the_code_flow_access_token_for_api_default(persona_tokens, issuer_of):
    tokens = persona_tokens("okta-custom-as")
    result = accepted(okta_verify(issuer_of(OKTA), "access", tokens["access_token"], audience="api://default"))
    assert result["claims"]["cid"] == OKTA.client_id


def test_okta_verifier_accepts_the_code_flow_id_token_with_its_nonce(persona_tokens, issuer_of):
    tokens = persona_tokens("okta-custom-as")
    result = accepted(okta_verify(issuer_of(OKTA), "id", tokens["id_token"], nonce=tokens["nonce"]))
    assert result["claims"]["nonce"] == tokens["nonce"]


def test_okta_verifier_accepts_an_implicit_id_token(browser, issuer_of):
    issuer = issuer_of(OKTA)
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = {"response_type": "id_token", "client_id": OKTA.client_id, "scope": "openid profile email",
             "redirect_uri": IMPLICIT_REDIRECT_URI, "state": state, "nonce": nonce}
    params = redirect_params(browser.authorize(discovery_of(issuer)["authorization_endpoint"] + "?" + urlencode(query)))
    assert params["state"] == state
    result = accepted(okta_verify(issuer, "id", params["id_token"], nonce=nonce))
    assert result["claims"]["aud"] == OKTA.client_id


def test_okta_verifier_rejects_an_access_token_for_another_audience(persona_tokens, issuer_of):
    tokens = persona_tokens("okta-custom-as")
    error = rejected(okta_verify(issuer_of(OKTA), "access", tokens["access_token"], audience="api://other"))
    assert "audience" in error.lower()


def test_okta_verifier_rejects_an_id_token_with_the_wrong_nonce(persona_tokens, issuer_of):
    tokens = persona_tokens("okta-custom-as")
    error = rejected(okta_verify(issuer_of(OKTA), "id", tokens["id_token"], nonce="not-the-nonce"))
    assert "nonce" in error.lower()


# -- express-oauth2-jwt-bearer ------------------------------------------------------------------------

AUTH0 = PERSONAS["auth0"]


def call_auth0_api(issuer: str, token: str, audience: str = CUSTOMERS_API) -> dict:
    return accepted(run_node("auth0_api.mjs", {"issuerBaseURL": issuer, "audience": audience, "token": token}))


def m2m_token(issuer: str) -> str:
    response = httpx.post(discovery_of(issuer)["token_endpoint"], data={
        "grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "auth0-m2m-secret",
        "audience": CUSTOMERS_API})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_auth0_api_middleware_accepts_a_client_credentials_token(issuer_of):
    result = call_auth0_api(issuer_of(AUTH0), m2m_token(issuer_of(AUTH0)))
    assert result["status"] == 200, result
    assert result["payload"]["sub"] == "auth0-m2m@clients"


def test_auth0_api_middleware_accepts_a_user_token_requested_with_audience(persona_tokens, issuer_of):
    result = call_auth0_api(issuer_of(AUTH0), persona_tokens("auth0")["access_token"])
    assert result["status"] == 200, result
    assert CUSTOMERS_API in result["payload"]["aud"]


def test_auth0_api_middleware_rejects_a_token_for_another_api(issuer_of):
    result = call_auth0_api(issuer_of(AUTH0), m2m_token(issuer_of(AUTH0)), audience="https://orders.example.com")
    assert result["status"] == 401, result
    assert "invalid_token" in result["wwwAuthenticate"]


# -- aws-jwt-verify ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["id", "access"])
@pytest.mark.parametrize("name", ["okta-custom-as", "okta-org-as", "auth0", "generic"])
def test_aws_rsa_verifier_accepts_every_token_of_the_persona(name, kind, persona_tokens, issuer_of):
    persona = PERSONAS[name]
    issuer = issuer_of(persona)
    audience = persona.client_id if kind == "id" else persona.access_audience.format(issuer=issuer)
    result = accepted(run_node("aws_verify.mjs", {
        "verifier": "rsa", "issuer": issuer, "audience": audience,
        "jwksUri": discovery_of(issuer)["jwks_uri"], "token": persona_tokens(name)[f"{kind}_token"]}))
    assert result["payload"]["iss"] == issuer


@pytest.mark.parametrize("kind", ["id", "access"])
def test_aws_cognito_rules_accept_every_cognito_token(kind, persona_tokens, issuer_of):
    persona = PERSONAS["cognito"]
    issuer = issuer_of(persona)
    result = accepted(run_node("aws_verify.mjs", {
        "verifier": "cognito", "issuer": issuer, "jwksUri": discovery_of(issuer)["jwks_uri"],
        "tokenUse": kind, "clientId": persona.client_id, "groups": "admins",
        "token": persona_tokens("cognito")[f"{kind}_token"]}))
    assert result["payload"]["token_use"] == kind


def test_aws_cognito_rules_reject_an_id_token_checked_as_an_access_token(persona_tokens, issuer_of):
    persona = PERSONAS["cognito"]
    issuer = issuer_of(persona)
    rejected(run_node("aws_verify.mjs", {
        "verifier": "cognito", "issuer": issuer, "jwksUri": discovery_of(issuer)["jwks_uri"],
        "tokenUse": "access", "clientId": persona.client_id,
        "token": persona_tokens("cognito")["id_token"]}))


# -- openid-client ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(PERSONAS))
def test_openid_client_completes_code_pkce_refresh_and_userinfo(name, browser, issuer_of):
    persona = PERSONAS[name]
    job = {"issuer": issuer_of(persona), "clientId": persona.client_id,
           "clientSecret": persona.client_secret, "redirectUri": REDIRECT_URI, "scope": persona.scope}
    started = accepted(run_node("openid_client_flow.mjs", {"step": "start", **job}))
    url = started["authorizationUrl"]
    if persona.extra:
        url += "&" + urlencode(persona.extra)
    callback = browser.authorize(url)
    assert callback.status_code in (302, 303), callback.text[:500]
    finished = accepted(run_node("openid_client_flow.mjs", {
        "step": "finish", **job, "callbackUrl": callback.headers["location"],
        "codeVerifier": started["codeVerifier"], "state": started["state"], "nonce": started["nonce"]}))
    assert finished["userinfo"]["sub"] == finished["idTokenClaims"]["sub"]
    assert finished["refreshed"]["access_token"] and finished["refreshed"]["id_token"]
    assert finished["refreshedIdTokenClaims"]["sub"] == finished["idTokenClaims"]["sub"]


DEVICE_CLIENTS = {"okta-custom-as": ("0oa-device", {}),
                  "auth0": ("auth0-device", {"audience": CUSTOMERS_API}),
                  "generic": ("demo-device", {})}


def test_openid_client_completes_the_device_flow_on_every_persona_that_has_one(issuer_of):
    def run(name: str) -> dict:
        client_id, extra = DEVICE_CLIENTS[name]
        return accepted(run_node("openid_client_flow.mjs", {
            "step": "device", "issuer": issuer_of(PERSONAS[name]), "clientId": client_id,
            "scope": "openid profile offline_access", "username": "alice", "password": "alice-password",
            "approveAfterMs": 6000, **extra}))

    # The library waits the server's 5 s interval before each poll: run the personas side by side.
    with ThreadPoolExecutor(len(DEVICE_CLIENTS)) as pool:
        results = dict(zip(DEVICE_CLIENTS, pool.map(run, DEVICE_CLIENTS)))

    for name, result in results.items():
        client_id = DEVICE_CLIENTS[name][0]
        assert result["idTokenClaims"]["aud"] == client_id, name
        assert result["refreshToken"], name
        assert result["scope"] == "openid profile offline_access", name
