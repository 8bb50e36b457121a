"""Refresh token rotation as each vendor does it by default, and as its own per-client setting
makes it (docs/vendors.md, "Refresh token rotation, per vendor"), against the real server: Okta
over plain HTTP (its SDKs have no refresh call), Auth0 with auth0-python's GetToken.refresh_token,
Cognito with boto3 (InitiateAuth REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken) and its
/oauth2/token. Entra's, with MSAL, is in entra/test_refresh_tokens.py."""

import boto3
import httpx
import pytest
import yaml
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import start_server

from mock_idp.config import ConfigError, load_config
from mock_idp.personas import all_flavors

PEOPLE = [{"username": "alice", "password": "alice-password", "claims": {"email": "alice@example.com"}}]
SEED = {"tenants": {
    "okta": {"flavor": "okta", "users": PEOPLE, "clients": [
        {"client_id": "okta-web", "client_secret": "okta-web-secret", "grant_types": ["password", "refresh_token"],
         "response_types": []},
        {"client_id": "okta-spa", "grant_types": ["password", "refresh_token"], "response_types": []},
        {"client_id": "okta-strict", "client_secret": "okta-strict-secret", "grant_types": ["password", "refresh_token"],
         "response_types": [], "refresh_token": {"rotation_type": "ROTATE", "leeway": 0}},
    ]},
    "auth0": {"flavor": "auth0", "users": PEOPLE, "clients": [
        {"client_id": "auth0-web", "client_secret": "auth0-web-secret", "grant_types": ["password", "refresh_token"],
         "response_types": [], "token_endpoint_auth_method": "client_secret_post"},
        {"client_id": "auth0-rotating", "client_secret": "auth0-rotating-secret", "response_types": [],
         "grant_types": ["password", "refresh_token"], "token_endpoint_auth_method": "client_secret_post",
         "refresh_token": {"rotation_type": "rotating", "leeway": 10}},
    ]},
    "cognito": {"flavor": "cognito", "region": "us-east-1", "users": PEOPLE, "clients": [
        {"client_id": "cognito-app"},
        {"client_id": "cognito-rotating", "refresh_token_rotation": {"feature": "ENABLED", "retry_grace_period_seconds": 5}},
    ]},
}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("refresh-rotation")
    (folder / "seed.yaml").write_text(yaml.safe_dump(SEED))
    running = start_server(folder / "seed.yaml", folder / "data", admin=True)
    yield running
    running.stop()


def advance_clock(server, tenant: str, seconds: int) -> None:
    response = httpx.post(f"{server.base_url}/_admin/tenants/{tenant}/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200, response.text


@pytest.fixture(autouse=True)
def clocks_back(server):
    yield
    for tenant in SEED["tenants"]:
        httpx.post(f"{server.base_url}/_admin/tenants/{tenant}/clock", json={"offset_seconds": 0})


# -- Okta ------------------------------------------------------------------------------------------

def okta(server, client: str, **form) -> httpx.Response:
    secret = {"okta-web": "okta-web-secret", "okta-strict": "okta-strict-secret"}.get(client)
    auth = (client, secret) if secret else None
    data = form if secret else {**form, "client_id": client}
    return httpx.post(server.base_url + "/okta/oauth2/v1/token", auth=auth, data=data)


def okta_refresh_token(server, client: str) -> str:
    signed_in = okta(server, client, grant_type="password", username="alice", password="alice-password",
                     scope="openid offline_access")
    assert signed_in.status_code == 200, signed_in.text
    return signed_in.json()["refresh_token"]


def test_okta_web_app_has_a_persistent_refresh_token_by_default(server):
    refresh_token = okta_refresh_token(server, "okta-web")
    for _ in range(3):  # "the same refresh token is returned each time", until it expires
        refreshed = okta(server, "okta-web", grant_type="refresh_token", refresh_token=refresh_token)
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.json()["refresh_token"] == refresh_token


def test_okta_spa_rotates_and_the_old_token_works_for_the_30_second_grace_period(server):
    first = okta_refresh_token(server, "okta-spa")
    second = okta(server, "okta-spa", grant_type="refresh_token", refresh_token=first).json()["refresh_token"]
    assert second != first
    # A retry of the lost answer within the grace period goes through (25 s on the tenant's clock:
    # the wall clock moves on too, and 30 s was on the edge when a loaded machine took a second)...
    advance_clock(server, "okta", 25)
    retried = okta(server, "okta-spa", grant_type="refresh_token", refresh_token=first)
    assert retried.status_code == 200, retried.text
    # ...after it, the reuse ends the grant, the newest refresh token included.
    advance_clock(server, "okta", 6)
    reused = okta(server, "okta-spa", grant_type="refresh_token", refresh_token=first)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant", reused.text
    assert okta(server, "okta-spa", grant_type="refresh_token", refresh_token=second).status_code == 400


def test_okta_rotate_with_no_leeway_refuses_the_old_token_at_once(server):
    first = okta_refresh_token(server, "okta-strict")
    second = okta(server, "okta-strict", grant_type="refresh_token", refresh_token=first).json()["refresh_token"]
    assert second != first
    assert okta(server, "okta-strict", grant_type="refresh_token", refresh_token=first).status_code == 400
    assert okta(server, "okta-strict", grant_type="refresh_token", refresh_token=second).status_code == 400


# -- Auth0 -----------------------------------------------------------------------------------------

def auth0_sdk(server, client: str) -> GetToken:
    return GetToken(server.base_url.removeprefix("http://") + "/auth0", client, client_secret=f"{client}-secret",
                    protocol="http")


def auth0_refresh_token(server, client: str) -> str:
    tokens = auth0_sdk(server, client).login("alice", "alice-password", realm="Username-Password-Authentication",
                                                scope="openid offline_access")
    return tokens["refresh_token"]


def test_auth0_refresh_tokens_do_not_rotate_by_default(server):
    sdk = auth0_sdk(server, "auth0-web")
    refresh_token = auth0_refresh_token(server, "auth0-web")
    for _ in range(2):
        refreshed = sdk.refresh_token(refresh_token)
        assert refreshed["access_token"] and "refresh_token" not in refreshed, refreshed


def test_auth0_rotation_allows_the_reuse_interval_then_revokes_the_family(server):
    sdk = auth0_sdk(server, "auth0-rotating")
    first = auth0_refresh_token(server, "auth0-rotating")
    second = sdk.refresh_token(first)["refresh_token"]
    assert second != first
    assert sdk.refresh_token(first)["refresh_token"] not in (first, second)  # within the leeway
    advance_clock(server, "auth0", 11)
    with pytest.raises(Auth0Error) as reused:
        sdk.refresh_token(first)
    assert (reused.value.status_code, reused.value.error_code) == (403, "invalid_grant")
    with pytest.raises(Auth0Error):
        sdk.refresh_token(second)  # the whole family is revoked


def test_auth0_reuse_interval_takes_only_the_previous_refresh_token(server):
    sdk = auth0_sdk(server, "auth0-rotating")
    first = auth0_refresh_token(server, "auth0-rotating")
    second = sdk.refresh_token(first)["refresh_token"]
    third = sdk.refresh_token(second)["refresh_token"]
    # Within the 10 s leeway the previous token (second) is a retry; first is second-to-last: a reuse.
    fourth = sdk.refresh_token(second)["refresh_token"]
    assert fourth not in (first, second, third)
    with pytest.raises(Auth0Error) as reused:
        sdk.refresh_token(first)
    assert (reused.value.status_code, reused.value.error_code) == (403, "invalid_grant")
    for token in (second, third, fourth):  # the whole family is revoked
        with pytest.raises(Auth0Error):
            sdk.refresh_token(token)


# -- Cognito ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def idp(server):
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=server.base_url + "/cognito",
                        config=Config(retries={"max_attempts": 1}))


def cognito_refresh_token(idp, client: str) -> str:
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client, AuthParameters={
        "USERNAME": "alice", "PASSWORD": "alice-password"})["AuthenticationResult"]["RefreshToken"]


def cognito_token(server, client: str, refresh_token: str) -> httpx.Response:
    return httpx.post(server.base_url + "/cognito/oauth2/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client})


def test_cognito_keeps_the_refresh_token_by_default(server, idp):
    refresh_token = cognito_refresh_token(idp, "cognito-app")
    for _ in range(2):
        result = idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId="cognito-app",
                                   AuthParameters={"REFRESH_TOKEN": refresh_token})["AuthenticationResult"]
        assert result["AccessToken"] and "RefreshToken" not in result
    refreshed = cognito_token(server, "cognito-app", refresh_token)
    assert refreshed.status_code == 200 and "refresh_token" not in refreshed.json(), refreshed.text


def test_cognito_app_client_with_rotation_rotates_at_the_token_endpoint_with_its_grace_period(server, idp):
    first = cognito_refresh_token(idp, "cognito-rotating")
    rotated = cognito_token(server, "cognito-rotating", first)
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first
    assert cognito_token(server, "cognito-rotating", first).status_code == 200  # within RetryGracePeriodSeconds
    advance_clock(server, "cognito", 6)
    assert cognito_token(server, "cognito-rotating", first).json()["error"] == "invalid_grant"
    assert cognito_token(server, "cognito-rotating", second).json()["error"] == "invalid_grant"


def test_cognito_get_tokens_from_refresh_token_rotates_as_the_app_client_says(server, idp):
    kept = cognito_refresh_token(idp, "cognito-app")
    for _ in range(2):  # rotation off: new ID and access tokens only, the refresh token kept
        result = idp.get_tokens_from_refresh_token(RefreshToken=kept, ClientId="cognito-app")["AuthenticationResult"]
        assert result["AccessToken"] and result["IdToken"] and "RefreshToken" not in result
    first = cognito_refresh_token(idp, "cognito-rotating")
    second = idp.get_tokens_from_refresh_token(RefreshToken=first, ClientId="cognito-rotating")[
        "AuthenticationResult"]["RefreshToken"]
    assert second != first
    # The original stays valid for RetryGracePeriodSeconds (a retry), then its reuse ends the family.
    assert idp.get_tokens_from_refresh_token(RefreshToken=first, ClientId="cognito-rotating")["AuthenticationResult"]
    advance_clock(server, "cognito", 6)
    with pytest.raises(ClientError) as reused:
        idp.get_tokens_from_refresh_token(RefreshToken=first, ClientId="cognito-rotating")
    assert reused.value.response["Error"]["Code"] == "RefreshTokenReuseException"
    with pytest.raises(ClientError) as revoked:
        idp.get_tokens_from_refresh_token(RefreshToken=second, ClientId="cognito-rotating")
    assert revoked.value.response["Error"]["Message"] == "Refresh Token has been revoked"


def test_cognito_rotated_refresh_token_lives_what_the_original_had_left(server, idp):
    first = cognito_refresh_token(idp, "cognito-rotating")
    advance_clock(server, "cognito", 29 * 86400)
    second = idp.get_tokens_from_refresh_token(RefreshToken=first, ClientId="cognito-rotating")[
        "AuthenticationResult"]["RefreshToken"]
    advance_clock(server, "cognito", 86400)  # 30 days after the sign-in: both have expired
    with pytest.raises(ClientError) as expired:
        idp.get_tokens_from_refresh_token(RefreshToken=second, ClientId="cognito-rotating")
    assert expired.value.response["Error"]["Message"] == "Refresh Token has expired"


def test_cognito_rotation_refuses_refresh_token_auth(idp):
    refresh_token = cognito_refresh_token(idp, "cognito-rotating")
    with pytest.raises(ClientError) as refused:
        idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId="cognito-rotating",
                          AuthParameters={"REFRESH_TOKEN": refresh_token})
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidParameterException",
                                                 "REFRESH_TOKEN_AUTH flow not enabled for this client")


# -- the seed --------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavor, client, key, words", [
    ("okta", {"refresh_token": {"rotation_type": "rotating"}}, "rotation_type", "ROTATE or STATIC"),
    ("okta", {"refresh_token": {"rotation_type": "ROTATE", "leeway": -1}}, "leeway", "greater than or equal to 0"),
    ("auth0", {"refresh_token": {"rotation_type": "ROTATE"}}, "rotation_type", "rotating or non-rotating"),
    ("cognito", {"refresh_token_rotation": {"feature": "ENABLED", "retry_grace_period_seconds": 61}},
     "retry_grace_period_seconds", "60"),
    ("generic", {"refresh_token": {"rotation_type": "rotating"}}, "refresh_token", "serves no"),
    ("entra", {"refresh_token_rotation": {"feature": "ENABLED"}}, "refresh_token_rotation", "serves no"),
])
def test_a_rotation_setting_the_persona_does_not_have_names_file_line_and_key(tmp_path, flavor, client, key, words):
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump({"tenants": {"t": {"flavor": flavor, "clients": [
        {"client_id": "app", "client_secret": "app-secret-0123456789abcdefghij", **client}]}}}))
    with pytest.raises(ConfigError) as refused:
        load_config(seed, personas=all_flavors())
    message = str(refused.value)
    assert str(seed) in message and key in message and words in message, message


def test_the_admin_api_takes_the_setting_and_names_a_wrong_value(server):
    clients = f"{server.base_url}/_admin/tenants/okta/clients"
    wrong = httpx.post(clients, json={"client_id": "okta-new", "client_secret": "okta-new-secret",
                                      "grant_types": ["password", "refresh_token"], "response_types": [],
                                      "refresh_token": {"rotation_type": "rotate"}})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "refresh_token.rotation_type", wrong.text
    created = httpx.post(clients, json={"client_id": "okta-new", "client_secret": "okta-new-secret",
                                        "grant_types": ["password", "refresh_token"], "response_types": [],
                                        "refresh_token": {"rotation_type": "ROTATE", "leeway": 0}})
    assert created.status_code in (200, 201), created.text
    signed_in = httpx.post(server.base_url + "/okta/oauth2/v1/token", auth=("okta-new", "okta-new-secret"), data={
        "grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid offline_access"})
    first = signed_in.json()["refresh_token"]
    refreshed = httpx.post(server.base_url + "/okta/oauth2/v1/token", auth=("okta-new", "okta-new-secret"),
                           data={"grant_type": "refresh_token", "refresh_token": first})
    assert refreshed.json()["refresh_token"] != first  # a web app, rotating as its setting says
