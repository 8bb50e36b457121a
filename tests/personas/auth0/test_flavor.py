"""The Auth0 persona as an application sees it: Auth0's URLs, `audience`, claims and errors."""

import re
from datetime import datetime

import httpx
import pytest
from conftest import Browser
from flavor_support import (
    PERSONAS, REDIRECT_URI, assert_one_click_login, authorization_code, claims_of, client_credentials, code_flow,
    token_request, userinfo,
)

AUTH0 = PERSONAS["auth0"]
API = "https://customers.example.com"
LOGOUT_TO = "http://localhost:3000/"


@pytest.fixture(scope="module")
def discovery(seed_server):
    return AUTH0.discovery(seed_server)


@pytest.fixture(scope="module")
def api_login(discovery):
    """alice logs in for the Customers API: (token response, ID claims, access claims)."""
    browser = Browser()
    token = code_flow(browser, AUTH0, discovery, "openid profile email", audience=API)
    browser.http.close()
    return token, claims_of(token["id_token"], discovery), claims_of(token["access_token"], discovery)


def test_issuer_has_a_trailing_slash_and_is_the_tokens_iss(seed_server, discovery, api_login):
    assert discovery["issuer"] == seed_server.base_url + "/auth0/"
    assert api_login[1]["iss"] == api_login[2]["iss"] == discovery["issuer"]


def test_endpoints_have_auth0_paths(discovery):
    issuer = discovery["issuer"]
    assert discovery["authorization_endpoint"] == issuer + "authorize"
    assert discovery["token_endpoint"] == issuer + "oauth/token"
    assert discovery["userinfo_endpoint"] == issuer + "userinfo"
    assert discovery["jwks_uri"] == issuer + ".well-known/jwks.json"
    assert discovery["revocation_endpoint"] == issuer + "oauth/revoke"
    assert discovery["end_session_endpoint"] == issuer + "oidc/logout"
    assert httpx.get(discovery["jwks_uri"]).json()["keys"]


def test_token_endpoint_takes_a_json_body(discovery):
    response = httpx.post(discovery["token_endpoint"], json={
        "grant_type": "client_credentials", "client_id": AUTH0.service_id,
        "client_secret": AUTH0.service_secret, "audience": API})
    assert response.status_code == 200, response.text
    assert claims_of(response.json()["access_token"], discovery)["azp"] == AUTH0.service_id


def test_token_endpoint_takes_a_form_body(browser, discovery):
    code = authorization_code(browser, AUTH0, discovery, audience=API)
    response = httpx.post(discovery["token_endpoint"], auth=(AUTH0.client_id, AUTH0.client_secret), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    assert response.status_code == 200, response.text
    assert claims_of(response.json()["access_token"], discovery)["azp"] == AUTH0.client_id


def test_v2_logout_returns_to_a_registered_url(seed_server):
    url = seed_server.base_url + "/auth0/v2/logout"
    response = httpx.get(url, params={"returnTo": LOGOUT_TO, "client_id": AUTH0.client_id})
    assert response.status_code == 302 and response.headers["location"] == LOGOUT_TO


def test_v2_logout_refuses_an_unregistered_url(seed_server):
    url = seed_server.base_url + "/auth0/v2/logout"
    response = httpx.get(url, params={"returnTo": "https://evil.example/", "client_id": AUTH0.client_id})
    assert response.status_code == 400 and "location" not in response.headers
    assert "text/html" in response.headers["content-type"]


def test_oidc_logout_returns_to_a_registered_url(discovery):
    response = httpx.get(discovery["end_session_endpoint"], params={
        "client_id": AUTH0.client_id, "post_logout_redirect_uri": LOGOUT_TO, "state": "s1"})
    assert response.status_code == 302 and response.headers["location"] == LOGOUT_TO + "?state=s1"


def test_id_token_carries_a_database_users_profile(api_login):
    _, id_claims, _ = api_login
    assert re.fullmatch(r"auth0\|[0-9a-f]{24}", id_claims["sub"])
    assert id_claims["nickname"] == "alice" and id_claims["name"] == "Alice Admin"
    assert id_claims["picture"].startswith("https://")
    assert isinstance(id_claims["updated_at"], str)
    datetime.fromisoformat(id_claims["updated_at"].replace("Z", "+00:00"))
    assert id_claims["email"] == "alice@example.com" and id_claims["email_verified"] is True
    assert id_claims["sid"] and id_claims["aud"] == AUTH0.client_id
    assert id_claims["exp"] - id_claims["iat"] == 36000


def test_custom_claims_are_namespaced(api_login):
    _, id_claims, access = api_login
    for claims in (id_claims, access):
        assert claims["https://example.com/department"] == "IT"
        assert "department" not in claims and "groups" not in claims


def test_audience_selects_the_api_and_openid_adds_userinfo(discovery, api_login):
    token, _, access = api_login
    assert access["aud"] == [API, discovery["issuer"] + "userinfo"]
    assert access["scope"] == "openid profile email" and token["scope"] == "openid profile email"
    assert access["permissions"] == ["read:customers"]
    assert access["azp"] == AUTH0.client_id and "gty" not in access
    assert token["expires_in"] == 86400 and access["exp"] - access["iat"] == 86400


def test_api_token_without_openid_has_a_string_audience(browser, discovery):
    token = code_flow(browser, AUTH0, discovery, "read:customers", audience=API)
    assert "id_token" not in token
    assert claims_of(token["access_token"], discovery)["aud"] == API


def test_without_audience_the_token_is_for_userinfo_only(browser, discovery):
    token = code_flow(browser, AUTH0, discovery, "openid profile email")
    assert claims_of(token["access_token"], discovery)["aud"] == discovery["issuer"] + "userinfo"
    response = userinfo(discovery, token["access_token"])
    assert response.status_code == 200 and response.json()["sub"].startswith("auth0|")


def test_client_credentials_token_is_for_the_clients_api(discovery):
    response = client_credentials(AUTH0, discovery)
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == 86400
    access = claims_of(response.json()["access_token"], discovery)
    assert access["sub"] == AUTH0.service_id + "@clients"
    assert access["gty"] == "client-credentials" and access["azp"] == AUTH0.service_id
    assert access["aud"] == API


def test_unknown_audience_is_access_denied(discovery):
    response = client_credentials(AUTH0, discovery, audience="https://nope.example.com")
    assert response.status_code == 403 and response.json()["error"] == "access_denied"


def test_bad_client_secret_is_unauthorized(discovery):
    response = token_request(discovery, AUTH0.service_id, "wrong", "client_secret_post",
                             grant_type="client_credentials", audience=API)
    assert response.status_code == 401
    assert response.json() == {"error": "access_denied", "error_description": "Unauthorized"}


def test_login_page_names_auth0_and_signs_in_with_one_click(browser, discovery):
    claims = assert_one_click_login(browser, AUTH0, discovery, "Auth0 (mock)")
    assert claims["nickname"] == "frank"


def test_client_credentials_without_scope_gets_every_scope_of_its_api(discovery):
    token = client_credentials(AUTH0, discovery).json()
    claims = claims_of(token["access_token"], discovery)
    assert claims["scope"] == token["scope"] == "read:customers write:customers"


def test_client_credentials_with_a_scope_gets_just_that_scope(discovery):
    token = client_credentials(AUTH0, discovery, scope="read:customers").json()
    assert claims_of(token["access_token"], discovery)["scope"] == "read:customers"


def test_grant_errors_are_worded_as_auth0_words_them(discovery):
    bad_code = token_request(discovery, AUTH0.client_id, AUTH0.client_secret, AUTH0.auth_method,
                             grant_type="authorization_code", code="x", redirect_uri=REDIRECT_URI)
    assert (bad_code.status_code, bad_code.json()) == (403, {"error": "invalid_grant",
                                                            "error_description": "Invalid authorization code"})
    bad_refresh = token_request(discovery, AUTH0.client_id, AUTH0.client_secret, AUTH0.auth_method,
                                grant_type="refresh_token", refresh_token="x")
    assert (bad_refresh.status_code, bad_refresh.json()) == (403, {
        "error": "invalid_grant", "error_description": "Unknown or invalid refresh token."})
