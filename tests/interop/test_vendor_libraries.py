"""The vendors' own libraries accept our tokens unchanged, against the real running server.

The server runs with --tls and the libraries trust its CA the way the README tells users to
(NODE_EXTRA_CA_CERTS): no HTTPS check is disabled, no fetcher replaced, no testing option set.
Tokens come from flows through the login form (the Browser helper); the Node scripts in this
directory only verify them with @okta/jwt-verifier, express-oauth2-jwt-bearer, aws-jwt-verify,
jwks-rsa with jsonwebtoken and openid-client, every check left on. One plain-HTTP test per library shows what a user gets without
TLS. Without node_modules every test fails with "run `npm ci`" (node_runner), never skips.

No conftest.py here on purpose: tests/conftest.py is imported as `conftest` by other modules.
"""

import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import httpx
import pytest
from conftest import REPO, Browser, free_port, start_server
from node_runner import run_node
from vendor_interop import IMPLICIT_REDIRECT_URI, PERSONAS, REDIRECT_URI, code_flow, discovery_of, redirect_params

CUSTOMERS_API = "https://customers.example.com"


@pytest.fixture(scope="module")
def node(tls_seed_server):
    """Runs a vendor library as the README says: NODE_EXTRA_CA_CERTS names our CA, nothing else."""
    return lambda script, job: run_node(script, job, ca=tls_seed_server.ca)


@pytest.fixture(scope="module")
def discovery(tls_seed_server):
    return lambda issuer: discovery_of(issuer, tls_seed_server.verify)


@pytest.fixture
def browser(tls_seed_server):
    agent = Browser(verify=tls_seed_server.verify)
    yield agent
    agent.http.close()


@pytest.fixture(scope="module")
def issuer_of(tls_seed_server):
    """The issuer URL of a persona on the running --tls seed server."""
    return lambda persona: tls_seed_server.tenant_url(persona.path)


@pytest.fixture(scope="module")
def token_cache():
    return {}


@pytest.fixture
def persona_tokens(browser, issuer_of, token_cache, tls_seed_server):
    """Alice's tokens from one code flow per persona, shared by the tests that only verify them."""
    def tokens(name: str) -> dict:
        if name not in token_cache:
            token_cache[name] = code_flow(browser, issuer_of(PERSONAS[name]), PERSONAS[name],
                                          tls_seed_server.verify)
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


def okta_verify(node, issuer: str, kind: str, token: str, **job) -> dict:
    return node("okta.mjs", {"issuer": issuer, "clientId": OKTA.client_id, "kind": kind,
                                 "token": token, **job})


def test_okta_verifier_accepts_the_code_flow_access_token_for_api_default(persona_tokens, issuer_of, node):
    tokens = persona_tokens("okta-custom-as")
    result = accepted(okta_verify(node, issuer_of(OKTA), "access", tokens["access_token"], audience="api://default"))
    assert result["claims"]["cid"] == OKTA.client_id


def test_okta_verifier_accepts_the_code_flow_id_token_with_its_nonce(persona_tokens, issuer_of, node):
    tokens = persona_tokens("okta-custom-as")
    result = accepted(okta_verify(node, issuer_of(OKTA), "id", tokens["id_token"], nonce=tokens["nonce"]))
    assert result["claims"]["nonce"] == tokens["nonce"]


def test_okta_verifier_accepts_an_implicit_id_token(browser, issuer_of, node, discovery):
    issuer = issuer_of(OKTA)
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = {"response_type": "id_token", "client_id": OKTA.client_id, "scope": "openid profile email",
             "redirect_uri": IMPLICIT_REDIRECT_URI, "state": state, "nonce": nonce}
    params = redirect_params(browser.authorize(discovery(issuer)["authorization_endpoint"] + "?" + urlencode(query)))
    assert params["state"] == state
    result = accepted(okta_verify(node, issuer, "id", params["id_token"], nonce=nonce))
    assert result["claims"]["aud"] == OKTA.client_id


def test_okta_verifier_rejects_an_access_token_for_another_audience(persona_tokens, issuer_of, node):
    tokens = persona_tokens("okta-custom-as")
    error = rejected(okta_verify(node, issuer_of(OKTA), "access", tokens["access_token"], audience="api://other"))
    assert "audience" in error.lower()


def test_okta_verifier_rejects_an_id_token_with_the_wrong_nonce(persona_tokens, issuer_of, node):
    tokens = persona_tokens("okta-custom-as")
    error = rejected(okta_verify(node, issuer_of(OKTA), "id", tokens["id_token"], nonce="not-the-nonce"))
    assert "nonce" in error.lower()


# -- express-oauth2-jwt-bearer ------------------------------------------------------------------------

AUTH0 = PERSONAS["auth0"]


def call_auth0_api(node, issuer: str, token: str, audience: str = CUSTOMERS_API) -> dict:
    return accepted(node("auth0_api.mjs", {"issuerBaseURL": issuer, "audience": audience, "token": token}))


def m2m_token(server, issuer: str) -> str:
    response = httpx.post(discovery_of(issuer, server.verify)["token_endpoint"], verify=server.verify, data={
        "grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "auth0-m2m-secret",
        "audience": CUSTOMERS_API})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_auth0_api_middleware_accepts_a_client_credentials_token(issuer_of, node, tls_seed_server):
    result = call_auth0_api(node, issuer_of(AUTH0), m2m_token(tls_seed_server, issuer_of(AUTH0)))
    assert result["status"] == 200, result
    assert result["payload"]["sub"] == "auth0-m2m@clients"


def test_auth0_api_middleware_accepts_a_user_token_requested_with_audience(persona_tokens, issuer_of, node):
    result = call_auth0_api(node, issuer_of(AUTH0), persona_tokens("auth0")["access_token"])
    assert result["status"] == 200, result
    assert CUSTOMERS_API in result["payload"]["aud"]


def verify_with_jwks_rsa(node, discovery, issuer: str, audience: str, token: str) -> dict:
    return node("jwks_rsa.mjs", {"jwksUri": discovery(issuer)["jwks_uri"], "issuer": issuer, "audience": audience,
                                 "token": token})


def test_jwks_rsa_and_jsonwebtoken_accept_auth0_and_okta_access_tokens(issuer_of, node, discovery, tls_seed_server,
                                                                      persona_tokens):
    auth0 = accepted(verify_with_jwks_rsa(node, discovery, issuer_of(AUTH0), CUSTOMERS_API,
                                          m2m_token(tls_seed_server, issuer_of(AUTH0))))
    assert auth0["claims"]["sub"] == "auth0-m2m@clients"
    okta = accepted(verify_with_jwks_rsa(node, discovery, issuer_of(OKTA), "api://default",
                                         persona_tokens("okta-custom-as")["access_token"]))
    assert okta["claims"]["cid"] == OKTA.client_id
    refused = verify_with_jwks_rsa(node, discovery, issuer_of(AUTH0), "https://other.example.com",
                                   m2m_token(tls_seed_server, issuer_of(AUTH0)))
    assert not refused["ok"] and "audience invalid" in refused["error"]


def test_auth0_api_middleware_rejects_a_token_for_another_api(issuer_of, node, tls_seed_server):
    result = call_auth0_api(node, issuer_of(AUTH0), m2m_token(tls_seed_server, issuer_of(AUTH0)), audience="https://orders.example.com")
    assert result["status"] == 401, result
    assert "invalid_token" in result["wwwAuthenticate"]


# -- aws-jwt-verify ---------------------------------------------------------------------------------

# Personas whose JWKS sits where aws-jwt-verify looks by default (<issuer>/.well-known/jwks.json):
# the verifier is given no jwksUri for them. Okta (/v1/keys) and generic (/jwks) need it named.
DERIVED_JWKS = {"auth0", "cognito"}


def jwks_uri_for(discovery, name: str, issuer: str) -> str | None:
    return None if name in DERIVED_JWKS else discovery(issuer)["jwks_uri"]


@pytest.mark.parametrize("kind", ["id", "access"])
@pytest.mark.parametrize("name", ["okta-custom-as", "okta-org-as", "auth0", "generic"])
def test_aws_rsa_verifier_accepts_every_token_of_the_persona(name, kind, persona_tokens, issuer_of, node,
                                                             discovery):
    persona = PERSONAS[name]
    issuer = issuer_of(persona)
    audience = persona.client_id if kind == "id" else persona.access_audience.format(issuer=issuer)
    result = accepted(node("aws_verify.mjs", {
        "verifier": "rsa", "issuer": issuer, "audience": audience,
        "jwksUri": jwks_uri_for(discovery, name, issuer), "token": persona_tokens(name)[f"{kind}_token"]}))
    assert result["payload"]["iss"] == issuer


@pytest.mark.parametrize("kind", ["id", "access"])
def test_aws_cognito_rules_accept_every_cognito_token(kind, persona_tokens, issuer_of, node, discovery):
    persona = PERSONAS["cognito"]
    issuer = issuer_of(persona)
    result = accepted(node("aws_verify.mjs", {
        "verifier": "cognito", "issuer": issuer, "jwksUri": jwks_uri_for(discovery, "cognito", issuer),
        "tokenUse": kind, "clientId": persona.client_id, "groups": "admins",
        "token": persona_tokens("cognito")[f"{kind}_token"]}))
    assert result["payload"]["token_use"] == kind


def test_aws_cognito_rules_reject_an_id_token_checked_as_an_access_token(persona_tokens, issuer_of, node,
                                                                         discovery):
    persona = PERSONAS["cognito"]
    issuer = issuer_of(persona)
    rejected(node("aws_verify.mjs", {
        "verifier": "cognito", "issuer": issuer, "jwksUri": jwks_uri_for(discovery, "cognito", issuer),
        "tokenUse": "access", "clientId": persona.client_id,
        "token": persona_tokens("cognito")["id_token"]}))


# -- openid-client ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(PERSONAS))
def test_openid_client_completes_code_pkce_refresh_and_userinfo(name, browser, issuer_of, node):
    persona = PERSONAS[name]
    job = {"issuer": issuer_of(persona), "clientId": persona.client_id,
           "clientSecret": persona.client_secret, "redirectUri": REDIRECT_URI, "scope": persona.scope}
    started = accepted(node("openid_client_flow.mjs", {"step": "start", **job}))
    url = started["authorizationUrl"]
    if persona.extra:
        url += "&" + urlencode(persona.extra)
    callback = browser.authorize(url)
    assert callback.status_code in (302, 303), callback.text[:500]
    finished = accepted(node("openid_client_flow.mjs", {
        "step": "finish", **job, "callbackUrl": callback.headers["location"],
        "codeVerifier": started["codeVerifier"], "state": started["state"], "nonce": started["nonce"]}))
    assert finished["userinfo"]["sub"] == finished["idTokenClaims"]["sub"]
    assert finished["refreshed"]["access_token"] and finished["refreshed"]["id_token"]
    assert finished["refreshedIdTokenClaims"]["sub"] == finished["idTokenClaims"]["sub"]


DEVICE_CLIENTS = {"okta-custom-as": ("0oa-device", {}),
                  "auth0": ("auth0-device", {"audience": CUSTOMERS_API}),
                  "generic": ("demo-device", {})}


def test_openid_client_completes_the_device_flow_on_every_persona_that_has_one(issuer_of, node):
    def run(name: str) -> dict:
        client_id, extra = DEVICE_CLIENTS[name]
        return accepted(node("openid_client_flow.mjs", {
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


# -- one issuer, two audiences: openid-client in a "container" that calls the server by another name --

@pytest.fixture(scope="module")
def two_names(tmp_path_factory):
    """HTTPS, public at 127.0.0.1 (the browser's name), internal at localhost (the container's)."""
    port = free_port()
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("interop-two-names"), port=port,
                           tls=True, internal_base_urls=[f"https://localhost:{port}"])
    running.internal = f"https://localhost:{port}"
    yield running
    running.stop()


def test_openid_client_runs_a_code_flow_across_the_public_and_the_internal_name(two_names):
    persona = PERSONAS["okta-custom-as"]
    issuer = two_names.tenant_url(persona.path)
    job = {"issuer": issuer, "discoveryUrl": two_names.internal + persona.path + "/.well-known/openid-configuration",
           "clientId": persona.client_id, "clientSecret": persona.client_secret, "redirectUri": REDIRECT_URI,
           "scope": persona.scope}
    started = accepted(run_node("openid_client_flow.mjs", {"step": "start", **job}, ca=two_names.ca))
    metadata = started["serverMetadata"]
    assert metadata["issuer"] == issuer
    assert started["authorizationUrl"].startswith(issuer + "/")  # the browser goes to the public name
    assert metadata["token_endpoint"].startswith(two_names.internal + "/")  # the container calls its own
    assert metadata["userinfo_endpoint"].startswith(two_names.internal + "/")
    assert metadata["jwks_uri"].startswith(two_names.internal + "/")
    browser = Browser(verify=two_names.verify)
    callback = browser.authorize(started["authorizationUrl"])
    browser.http.close()
    finished = accepted(run_node("openid_client_flow.mjs", {
        "step": "finish", **job, "callbackUrl": callback.headers["location"],
        "codeVerifier": started["codeVerifier"], "state": started["state"], "nonce": started["nonce"]},
        ca=two_names.ca))
    assert finished["idTokenClaims"]["iss"] == issuer  # checked by the library against the discovered issuer
    assert finished["userinfo"]["sub"] == finished["idTokenClaims"]["sub"]


# -- without TLS: what each library does with a plain-HTTP issuer (README "HTTPS") -------------------

@pytest.fixture(scope="module")
def plain_issuer_of(seed_server):
    return lambda persona: seed_server.tenant_url(persona.path)


def test_without_tls_the_okta_verifier_refuses_the_issuer(plain_issuer_of):
    error = rejected(run_node("okta.mjs", {"issuer": plain_issuer_of(OKTA), "clientId": OKTA.client_id,
                                           "kind": "access", "token": "x.y.z", "audience": "api://default"}))
    assert "Your Okta URL must start with https" in error


def test_without_tls_aws_jwt_verify_cannot_fetch_the_jwks(plain_issuer_of):
    persona = PERSONAS["cognito"]
    issuer = plain_issuer_of(persona)
    plain_browser = Browser()
    token = code_flow(plain_browser, issuer, persona)["id_token"]
    plain_browser.http.close()
    error = rejected(run_node("aws_verify.mjs", {"verifier": "rsa", "issuer": issuer, "audience": persona.client_id,
                                                 "jwksUri": None, "token": token}))
    assert 'Protocol "http:" not supported' in error


def test_without_tls_openid_client_refuses_discovery(plain_issuer_of):
    persona = PERSONAS["generic"]
    error = rejected(run_node("openid_client_flow.mjs", {
        "step": "start", "issuer": plain_issuer_of(persona), "clientId": persona.client_id,
        "clientSecret": persona.client_secret, "redirectUri": REDIRECT_URI, "scope": persona.scope}))
    assert "only requests to HTTPS are allowed" in error


def test_without_tls_the_auth0_api_middleware_still_accepts_tokens(plain_issuer_of):
    issuer = plain_issuer_of(AUTH0)
    response = httpx.post(discovery_of(issuer)["token_endpoint"], data={
        "grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "auth0-m2m-secret",
        "audience": CUSTOMERS_API})
    result = run_node("auth0_api.mjs", {"issuerBaseURL": issuer, "audience": CUSTOMERS_API,
                                        "token": response.json()["access_token"]})
    assert result["ok"] and result["status"] == 200, result  # it does not insist on https
