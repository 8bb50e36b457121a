"""Scenarios and the audit trail on the vendor-only APIs, driven by the vendors' own SDKs where
there is one: Cognito's JSON API through boto3 (default configuration), Auth0's database
connections through auth0-python, Okta's Authentication API as okta-auth-js posts it (httpx)."""

import boto3
import httpx
import pytest
from auth0.authentication import Database
from auth0.authentication.exceptions import Auth0Error
from botocore.exceptions import ClientError

from admin_support import admin, server  # noqa: F401
from conftest import SEEDS

ADMIN_SEED = SEEDS / "signin.yaml"  # okta, auth0 and cognito tenants with their vendor APIs
PUBLIC_CLIENT = "cognito-public"


@pytest.fixture
def idp(server):
    """boto3 as an app uses it against a user pool: default retries, no credentials (unsigned calls)."""
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=f"{server.base_url}/cognito")


def sign_in(idp, username="alice", password="alice-password") -> dict:
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=PUBLIC_CLIENT,
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_a_cognito_call_fails_once_with_the_exception_the_sdk_raises(idp, admin):
    armed = admin.post("/tenants/cognito/scenarios", json={
        "endpoint": "InitiateAuth", "username": "alice", "error": "PasswordResetRequiredException",
        "error_description": "Password reset required for the user"})
    assert armed.status_code == 201, armed.text

    assert sign_in(idp, "bob", "bob-password")["AuthenticationResult"]  # another user: not matched
    with pytest.raises(ClientError) as raised:
        sign_in(idp)
    error = raised.value.response
    assert error["Error"] == {"Code": "PasswordResetRequiredException",
                              "Message": "Password reset required for the user"}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert sign_in(idp)["AuthenticationResult"]["AccessToken"]  # it fired once


def test_a_cognito_call_of_a_users_token_fails_by_the_tokens_user(idp, admin):
    access_token = sign_in(idp)["AuthenticationResult"]["AccessToken"]
    admin.post("/tenants/cognito/scenarios", json={"endpoint": "GetUser", "username": "alice",
                                                   "error": "NotAuthorizedException",
                                                   "error_description": "Access Token has been revoked"})
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=access_token)
    assert idp.get_user(AccessToken=access_token)["Username"] == "alice"


def test_a_throttled_cognito_call_is_retried_by_the_sdk_and_then_succeeds(idp, admin):
    # botocore retries TooManyRequestsException (a throttling error) with its default retry mode.
    admin.post("/tenants/cognito/scenarios", json={"endpoint": "InitiateAuth", "status": 429, "times": 1})
    assert sign_in(idp)["AuthenticationResult"]["IdToken"]
    trail = admin.get("/tenants/cognito/requests", params={"endpoint": "InitiateAuth"}).json()
    assert [(r["status"], r["error"]) for r in trail[-2:]] == [(429, "TooManyRequestsException"), (200, None)]


def test_the_trail_shows_cognito_calls_with_their_secrets_masked(idp, admin):
    sign_in(idp)
    record = admin.get("/tenants/cognito/requests", params={"endpoint": "InitiateAuth"}).json()[-1]
    assert record["client_id"] == PUBLIC_CLIENT and record["username"] == "alice"
    params = dict(record["params"])
    assert params["AuthParameters.USERNAME"] == "alice" and params["AuthParameters.PASSWORD"] == "***"
    assert "alice-password" not in str(record)


def test_an_auth0_signup_fails_with_the_code_auth0_python_raises(server, admin):
    admin.post("/tenants/auth0/scenarios", json={"endpoint": "signup", "error": "user_exists",
                                                 "error_description": "The user already exists."})
    database = Database(server.base_url.removeprefix("http://") + "/auth0", "auth0-spa", protocol="http")
    with pytest.raises(Auth0Error) as raised:
        database.signup(email="new@example.com", password="Passw0rd!x", connection="Username-Password-Authentication")
    assert (raised.value.status_code, raised.value.error_code) == (400, "user_exists")
    assert database.signup(email="new@example.com", password="Passw0rd!x",
                           connection="Username-Password-Authentication")["email"] == "new@example.com"


def test_an_okta_primary_authentication_fails_in_okta_words(server, admin):
    admin.post("/tenants/okta/scenarios", json={"endpoint": "authn", "username": "alice",
                                                "error": "E0000004", "error_description": "Authentication failed"})
    authn = f"{server.base_url}/okta/api/v1/authn"
    body = {"username": "alice", "password": "alice-password"}
    failed = httpx.post(authn, json=body)
    assert failed.status_code == 401
    assert failed.json()["errorCode"] == "E0000004" and failed.json()["errorSummary"] == "Authentication failed"
    assert httpx.post(authn, json=body).json()["status"] == "SUCCESS"
    record = admin.get("/tenants/okta/requests", params={"endpoint": "authn"}).json()[-2]
    assert (record["status"], record["error"], dict(record["params"])["password"]) == (401, "E0000004", "***")


def test_a_vendor_call_the_tenant_does_not_serve_is_refused_when_armed(admin):
    refused = admin.post("/tenants/okta/scenarios", json={"endpoint": "InitiateAuth", "status": 500})
    assert refused.status_code == 400
    assert refused.json()["error_description"] == ("endpoint: tenant 'okta' (okta) has no 'InitiateAuth' call; "
                                                   "its vendor calls: authn, saml_sso, saml_slo, users, groups")
