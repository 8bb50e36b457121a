"""Auth0's headless sign-in as auth0-python calls it, against the real server: the
password-realm grant (GetToken.login), users in database connections, Auth0's error bodies."""

import httpx
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier
from flavor_support import assert_shape, claims_of

PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
DEFAULT_CONNECTION = "Username-Password-Authentication"
API = "https://customers.example.com"


@pytest.fixture(scope="module")
def auth0(signin_server):
    """(domain as auth0-python takes it, issuer, discovery)."""
    issuer = signin_server.tenant_url("/auth0/")
    discovery = httpx.get(issuer + ".well-known/openid-configuration").json()
    return issuer.removeprefix("http://").rstrip("/"), issuer, discovery


def sdk(auth0, client_id="auth0-web", client_secret="auth0-web-secret") -> GetToken:
    # protocol="http": auth0-python's own option for a domain without TLS.
    return GetToken(auth0[0], client_id, client_secret=client_secret, protocol="http")


def verified_id_token(auth0, token: str, client_id: str = "auth0-web") -> dict:
    """As auth0-python's TokenVerifier checks it: signature from the JWKS, iss, aud, exp, iat."""
    signature = AsymmetricSignatureVerifier(auth0[2]["jwks_uri"])
    return TokenVerifier(signature_verifier=signature, issuer=auth0[1], audience=client_id).verify(token)


def raw_token_request(auth0, **body) -> httpx.Response:
    return httpx.post(auth0[2]["token_endpoint"], json={
        "grant_type": PASSWORD_REALM, "client_id": "auth0-web", "client_secret": "auth0-web-secret", **body})


def test_get_token_login_with_a_realm_issues_the_tokens_of_the_flows(auth0):
    tokens = sdk(auth0).login("alice@example.com", "alice-password", realm=DEFAULT_CONNECTION,
                              scope="openid profile email offline_access", audience=API)
    assert_shape(tokens, "auth0", "token_response")
    assert set(tokens) == {"access_token", "id_token", "refresh_token", "scope", "expires_in", "token_type"}
    id_claims = verified_id_token(auth0, tokens["id_token"])
    assert id_claims["sub"].startswith("auth0|") and id_claims["email"] == "alice@example.com"
    access = claims_of(tokens["access_token"], auth0[2])
    assert access["gty"] == "password" and access["aud"] == [API, auth0[1] + "userinfo"]
    assert access["permissions"] == ["read:customers"] and access["sub"] == id_claims["sub"]
    assert access["https://example.com/department"] == "IT"
    # The refresh token is a real one: it refreshes at the same token endpoint.
    refreshed = httpx.post(auth0[2]["token_endpoint"], json={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": "auth0-web", "client_secret": "auth0-web-secret"})
    assert refreshed.status_code == 200, refreshed.text


def test_the_username_may_be_the_seeded_name_and_a_public_client_sends_no_secret(auth0):
    tokens = sdk(auth0, "auth0-spa", None).login("alice", "alice-password", realm=DEFAULT_CONNECTION, scope="openid")
    assert verified_id_token(auth0, tokens["id_token"], "auth0-spa")["aud"] == "auth0-spa"
    assert "refresh_token" not in tokens and tokens["scope"] == "openid"


def test_a_user_signs_in_only_through_the_connection_they_belong_to(auth0):
    tokens = sdk(auth0).login("erin@corp.example.com", "erin-password", realm="employees", scope="openid")
    assert verified_id_token(auth0, tokens["id_token"])["sub"].startswith("auth0|")
    for username, password, realm in (("erin@corp.example.com", "erin-password", DEFAULT_CONNECTION),
                                      ("alice@example.com", "alice-password", "employees")):
        with pytest.raises(Auth0Error) as error:
            sdk(auth0).login(username, password, realm=realm)
        assert (error.value.status_code, error.value.error_code) == (403, "invalid_grant")


@pytest.mark.parametrize("username, password, realm", [
    ("alice@example.com", "wrong", DEFAULT_CONNECTION),
    ("nobody@example.com", "alice-password", DEFAULT_CONNECTION),
    ("alice@example.com", "alice-password", "No-Such-Connection"),
])
def test_wrong_password_unknown_user_and_unknown_realm_are_one_auth0_error(auth0, username, password, realm):
    with pytest.raises(Auth0Error) as error:
        sdk(auth0).login(username, password, realm=realm)
    assert (error.value.status_code, error.value.error_code, error.value.message) == (
        403, "invalid_grant", "Wrong email or password.")
    response = raw_token_request(auth0, username=username, password=password, realm=realm)
    assert response.json() == {"error": "invalid_grant", "error_description": "Wrong email or password."}


@pytest.mark.parametrize("missing", ["realm", "username", "password"])
def test_a_missing_parameter_is_named(auth0, missing):
    body = {"username": "alice@example.com", "password": "alice-password", "realm": DEFAULT_CONNECTION}
    del body[missing]
    response = raw_token_request(auth0, **body)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request",
                               "error_description": f"Missing required parameter: {missing}"}


def test_a_client_without_the_grant_and_a_wrong_secret_get_auth0s_errors(auth0):
    with pytest.raises(Auth0Error) as error:
        sdk(auth0, "auth0-code-only", "auth0-code-only-secret").login(
            "alice@example.com", "alice-password", realm=DEFAULT_CONNECTION)
    assert (error.value.status_code, error.value.error_code, error.value.message) == (
        403, "unauthorized_client", f"Grant type '{PASSWORD_REALM}' not allowed for the client.")
    with pytest.raises(Auth0Error) as error:
        sdk(auth0, "auth0-web", "not-the-secret").login("alice@example.com", "alice-password", realm=DEFAULT_CONNECTION)
    assert (error.value.status_code, error.value.error_code, error.value.message) == (
        401, "access_denied", "Unauthorized")


def test_a_client_seeded_with_password_may_use_password_realm_as_the_dashboards_password_box_allows(auth0):
    tokens = sdk(auth0, "auth0-password-box", "auth0-password-box-secret").login(
        "alice@example.com", "alice-password", realm=DEFAULT_CONNECTION, scope="openid")
    assert verified_id_token(auth0, tokens["id_token"], "auth0-password-box")["sub"].startswith("auth0|")
    plain = httpx.post(auth0[2]["token_endpoint"], json={
        "grant_type": "password", "client_id": "auth0-password-box", "client_secret": "auth0-password-box-secret",
        "username": "alice", "password": "alice-password"})
    assert plain.status_code == 200 and plain.json()["token_type"] == "Bearer"


def test_a_client_seeded_with_password_realm_only_is_not_given_the_plain_password_grant(auth0):
    response = httpx.post(auth0[2]["token_endpoint"], json={
        "grant_type": "password", "client_id": "auth0-web", "client_secret": "auth0-web-secret",
        "username": "alice@example.com", "password": "alice-password"})
    assert response.status_code == 403 and response.json()["error"] == "unauthorized_client"
