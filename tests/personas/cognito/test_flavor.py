"""The Cognito persona as an application sees it: hosted-UI URLs, token_use, cognito:* claims."""

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from conftest import Browser
from flavor_support import (
    PERSONAS, REDIRECT_URI, assert_one_click_login, claims_of, code_flow, token_request, userinfo, web_client,
)

COGNITO = PERSONAS["cognito"]
LOGOUT_TO = "http://localhost:3000/"


@pytest.fixture(scope="module")
def discovery(seed_server):
    return COGNITO.discovery(seed_server)


@pytest.fixture(scope="module")
def login(discovery):
    """alice logs in through the hosted UI: (token response, ID claims, access claims)."""
    browser = Browser()
    token = code_flow(browser, COGNITO, discovery, "openid profile email")
    browser.http.close()
    return token, claims_of(token["id_token"], discovery), claims_of(token["access_token"], discovery)


def test_endpoints_have_hosted_ui_paths(seed_server, discovery):
    base = seed_server.base_url + "/cognito"
    assert discovery["issuer"] == base
    assert discovery["authorization_endpoint"] == base + "/oauth2/authorize"
    assert discovery["token_endpoint"] == base + "/oauth2/token"
    assert discovery["userinfo_endpoint"] == base + "/oauth2/userInfo"
    assert discovery["revocation_endpoint"] == base + "/oauth2/revoke"
    assert discovery["end_session_endpoint"] == base + "/logout"
    assert discovery["jwks_uri"] == base + "/.well-known/jwks.json"
    assert httpx.get(discovery["jwks_uri"]).json()["keys"]


def test_logout_returns_to_a_sign_out_url(discovery):
    response = httpx.get(discovery["end_session_endpoint"],
                         params={"client_id": COGNITO.client_id, "logout_uri": LOGOUT_TO})
    assert response.status_code == 302 and response.headers["location"] == LOGOUT_TO


def test_id_token_carries_cognito_claims(login):
    _, id_claims, _ = login
    assert id_claims["token_use"] == "id"
    assert id_claims["cognito:username"] == "alice"
    assert id_claims["cognito:groups"] == ["Everyone", "IT", "admins"]
    assert id_claims["custom:department"] == "IT"
    assert id_claims["aud"] == COGNITO.client_id
    assert id_claims["email_verified"] is True


def test_access_token_names_the_client_and_has_no_audience(login):
    _, id_claims, access = login
    assert access["token_use"] == "access"
    assert access["client_id"] == COGNITO.client_id and "aud" not in access
    assert access["username"] == "alice" and access["sub"] == id_claims["sub"]
    assert access["scope"] == "openid profile email"
    assert access["version"] == 2
    assert access["exp"] - access["iat"] == 3600


def test_token_response_has_no_scope(login):
    token = login[0]
    assert "scope" not in token
    assert token["expires_in"] == 3600 and token["token_type"] == "Bearer" and token["refresh_token"]


def test_token_errors_carry_only_the_error_code(discovery):
    response = token_request(discovery, COGNITO.client_id, COGNITO.client_secret, COGNITO.auth_method,
                             grant_type="authorization_code", code="no-such-code", redirect_uri=REDIRECT_URI)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant"}


def test_userinfo_answers_verified_flags_as_strings(discovery, login):
    response = userinfo(discovery, login[0]["access_token"])
    assert response.status_code == 200
    body = response.json()
    assert body["email_verified"] == "true"
    assert body["username"] == "alice" and body["sub"] == login[1]["sub"]


def test_login_page_names_cognito_and_signs_in_with_one_click(browser, discovery):
    claims = assert_one_click_login(browser, COGNITO, discovery, "Amazon Cognito (mock)")
    assert claims["cognito:username"] == "frank"


def test_refresh_keeps_the_same_refresh_token(discovery):
    """Cognito does not rotate: a refresh returns new id/access tokens, and the refresh token
    that was used keeps working."""
    browser = Browser()
    token = code_flow(browser, COGNITO, discovery, "openid profile email")
    browser.http.close()
    for _ in range(2):
        response = token_request(discovery, COGNITO.client_id, COGNITO.client_secret,
                                 COGNITO.auth_method, grant_type="refresh_token",
                                 refresh_token=token["refresh_token"])
        assert response.status_code == 200, response.text
        refreshed = response.json()
        assert "refresh_token" not in refreshed
        assert claims_of(refreshed["id_token"], discovery)["token_use"] == "id"


def test_implicit_token_response_brings_an_id_token_when_openid_is_granted(seed_server, discovery):
    assert discovery["response_types_supported"] == ["code", "token"]
    client = web_client(COGNITO, discovery, "openid email")
    url, state = client.create_authorization_url(discovery["authorization_endpoint"], response_type="token",
                                                 nonce="n-cognito")
    response = Browser().authorize(url)
    assert response.status_code == 302
    fragment = dict(parse_qsl(urlsplit(response.headers["location"]).fragment))

    assert fragment["state"] == state and fragment["token_type"] == "Bearer"
    id_claims = claims_of(fragment["id_token"], discovery)
    assert id_claims["token_use"] == "id" and id_claims["nonce"] == "n-cognito"
    assert claims_of(fragment["access_token"], discovery)["token_use"] == "access"
