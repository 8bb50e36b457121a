"""The Okta persona as an application sees it: Okta's URLs, errors, token claims and lifetimes."""

import re

import httpx
import pytest
from conftest import Browser
from flavor_support import (
    PERSONAS, REDIRECT_URI, assert_one_click_login, authorization_code, claims_of, client_credentials, code_flow,
    token_request,
)

OKTA = PERSONAS["okta"]
ORG = PERSONAS["okta_org"]
V1 = ("authorize", "token", "userinfo", "keys", "introspect", "revoke", "logout")
DISCOVERY_NAMES = {"authorize": "authorization_endpoint", "token": "token_endpoint",
                   "userinfo": "userinfo_endpoint", "keys": "jwks_uri", "introspect": "introspection_endpoint",
                   "revoke": "revocation_endpoint", "logout": "end_session_endpoint"}


@pytest.fixture(scope="module")
def discovery(seed_server):
    return OKTA.discovery(seed_server)


@pytest.fixture(scope="module")
def login(discovery):
    """One code-flow login of alice with offline_access: (token response, ID claims, access claims)."""
    browser = Browser()
    token = code_flow(browser, OKTA, discovery, "openid profile email offline_access")
    browser.http.close()
    return token, claims_of(token["id_token"], discovery), claims_of(token["access_token"], discovery)


def test_custom_authorization_server_endpoints_live_under_v1(seed_server, discovery):
    issuer = seed_server.base_url + "/okta/oauth2/default"
    assert discovery["issuer"] == issuer
    for name in V1:
        assert discovery[DISCOVERY_NAMES[name]] == f"{issuer}/v1/{name}"
    assert httpx.get(discovery["jwks_uri"]).json()["keys"]


def test_custom_authorization_server_serves_both_discovery_documents(seed_server):
    issuer = seed_server.base_url + "/okta/oauth2/default"
    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        response = httpx.get(issuer + path)
        assert response.status_code == 200 and response.json()["issuer"] == issuer


def test_org_authorization_server_lives_at_the_org_root(seed_server):
    org = seed_server.base_url + "/okta"
    document = httpx.get(org + "/.well-known/openid-configuration").json()
    assert document["issuer"] == org
    for name in V1:
        assert document[DISCOVERY_NAMES[name]] == f"{org}/oauth2/v1/{name}"
    assert httpx.get(document["jwks_uri"]).json()["keys"]


@pytest.mark.parametrize("path", ["/okta/oauth2/nope/v1/keys", "/okta/oauth2/nope/.well-known/openid-configuration"])
def test_unknown_authorization_server_answers_okta_e0000007(seed_server, path):
    response = httpx.get(seed_server.base_url + path)
    assert response.status_code == 404
    body = response.json()
    assert body["errorCode"] == "E0000007" and body["errorLink"] == "E0000007"
    assert body["errorSummary"] == "Not found: Resource not found: nope (AuthorizationServer)"
    assert body["errorId"].startswith("oae") and body["errorCauses"] == []


def test_id_token_carries_okta_claims(login):
    _, id_claims, _ = login
    assert id_claims["ver"] == 1
    assert id_claims["jti"].startswith("ID.")
    assert re.fullmatch(r"00u[0-9A-Za-z]{17}", id_claims["sub"])
    assert id_claims["amr"] == ["pwd"]
    assert re.fullmatch(r"00o[0-9A-Za-z]{17}", id_claims["idp"])
    assert id_claims["preferred_username"] == "alice@example.com"
    assert id_claims["groups"] == ["Everyone", "IT", "admins"]
    assert id_claims["aud"] == OKTA.client_id


def test_id_token_keeps_only_name_username_and_email_when_an_access_token_is_issued(login):
    _, id_claims, _ = login
    assert {"name", "preferred_username", "email"} <= set(id_claims)
    assert not {"given_name", "family_name", "locale", "zoneinfo", "updated_at", "email_verified"} & set(id_claims)


def test_user_id_is_stable_across_logins(discovery, login):
    browser = Browser()
    again = claims_of(code_flow(browser, OKTA, discovery)["id_token"], discovery)
    browser.http.close()
    assert again["sub"] == login[1]["sub"]


def test_access_token_carries_okta_claims(login):
    _, id_claims, access = login
    assert access["ver"] == 1 and access["jti"].startswith("AT.")
    assert access["aud"] == "api://default"
    assert access["cid"] == OKTA.client_id
    assert access["uid"] == id_claims["sub"]
    assert access["scp"] == ["openid", "profile", "email", "offline_access"]
    assert access["sub"] == "alice@example.com"


def test_client_credentials_token_names_the_client(discovery):
    response = client_credentials(OKTA, discovery)
    assert response.status_code == 200, response.text
    access = claims_of(response.json()["access_token"], discovery)
    assert access["sub"] == access["cid"] == OKTA.service_id
    assert "uid" not in access and "auth_time" not in access
    assert access["scp"] == ["customers:read"]


def test_client_credentials_without_a_scope_is_refused_as_okta_does(discovery):
    response = client_credentials(OKTA, discovery, scope="")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_scope",
        "error_description": "The authorization server resource does not have any configured default "
                             "scopes, 'scope' must be provided.",
    }


def test_tokens_live_an_hour(login):
    token, id_claims, access = login
    assert token["expires_in"] == 3600
    assert access["exp"] - access["iat"] == 3600
    assert id_claims["exp"] - id_claims["iat"] == 3600


def test_refresh_token_only_with_offline_access(discovery, login):
    assert "refresh_token" in login[0]
    browser = Browser()
    token = code_flow(browser, OKTA, discovery, "openid profile email")
    browser.http.close()
    assert "refresh_token" not in token


def test_userinfo_sub_is_the_user_id(discovery, login):
    token, id_claims, _ = login
    response = httpx.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"})
    assert response.status_code == 200
    assert response.json()["sub"] == id_claims["sub"] and isinstance(response.json()["updated_at"], int)


def test_login_page_names_okta_and_signs_in_with_one_click(browser, discovery):
    assert_one_click_login(browser, OKTA, discovery, "Okta (mock)")


def test_org_login_page_names_okta_too(browser, seed_server):
    assert_one_click_login(browser, ORG, ORG.discovery(seed_server), "Okta (mock)")


def test_introspection_names_the_user_by_login_and_the_okta_id_as_uid(discovery, login):
    token, id_claims, _ = login
    response = httpx.post(discovery["introspection_endpoint"], data={"token": token["access_token"]},
                          auth=(OKTA.client_id, OKTA.client_secret))
    body = response.json()
    assert body["active"] is True
    assert body["sub"] == body["username"] == "alice@example.com"
    assert body["uid"] == id_claims["sub"]


def test_rfc8414_document_is_oauth_only(seed_server):
    issuer = seed_server.base_url + "/okta/oauth2/default"
    metadata = httpx.get(issuer + "/.well-known/oauth-authorization-server").json()
    oidc = httpx.get(issuer + "/.well-known/openid-configuration").json()
    assert "userinfo_endpoint" not in metadata and "userinfo_endpoint" in oidc
    assert "client_credentials" in metadata["grant_types_supported"]
    assert "client_credentials" not in oidc["grant_types_supported"]
    assert "token" in metadata["response_types_supported"] and "token" not in oidc["response_types_supported"]
    assert "cid" in metadata["claims_supported"]


def test_token_errors_are_worded_as_okta_words_them(discovery):
    def answer(*args, **form):
        response = token_request(discovery, *args, **form)
        return response.status_code, response.json()

    code = {"grant_type": "authorization_code", "redirect_uri": REDIRECT_URI}
    assert answer(OKTA.client_id, "wrong", "client_secret_basic", code="x", **code) == (401, {
        "error": "invalid_client",
        "error_description": "The client secret supplied for a confidential client is invalid."})
    assert answer(OKTA.client_id, OKTA.client_secret, "client_secret_basic", code="x", **code) == (400, {
        "error": "invalid_grant", "error_description": "The authorization code is invalid or has expired."})
    assert answer(OKTA.client_id, OKTA.client_secret, "client_secret_basic", grant_type="refresh_token",
                  refresh_token="x") == (400, {
        "error": "invalid_grant", "error_description": "The refresh token is invalid or expired."})
    browser = Browser()
    mismatch = token_request(discovery, OKTA.client_id, OKTA.client_secret, "client_secret_basic",
                             code=authorization_code(browser, OKTA, discovery), grant_type="authorization_code",
                             redirect_uri="http://localhost:3000/implicit/callback")
    assert mismatch.json()["error_description"] == (
        "The 'redirect_uri' does not match the redirection URI used in the authorization request.")
