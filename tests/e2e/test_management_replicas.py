"""Two replicas on one PostgreSQL database: a user made through a vendor's management API on one
replica signs in on the other at once, with the group or role given there (one directory)."""

import boto3
import httpx
import pytest
from botocore.config import Config
from joserfc import jwt
from joserfc.jwk import KeySet

from conftest import SEEDS, start_server

pytest_plugins = ["pg_support"]  # postgres_url: the database both replicas share
API_TOKEN = "00-test-api-token-for-the-management-api"
GOOD = "Sup3r-secret!1"


@pytest.fixture(scope="module")
def replicas(postgres_url, tmp_path_factory):
    first = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("mgmt-a"), database_url=postgres_url)
    second = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("mgmt-b"), database_url=postgres_url,
                          base_url=first.base_url)
    yield first, second
    first.stop()
    second.stop()


def cognito(server, **options):
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url("/cognito"),
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret",
                        config=Config(retries={"max_attempts": 1}), **options)


def test_cognito_admin_create_on_one_replica_signs_in_on_the_other(replicas):
    first, second = replicas
    admin = cognito(first)
    admin.admin_create_user(UserPoolId="us-east-1_Mock", Username="rita", TemporaryPassword=GOOD, MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId="us-east-1_Mock", Username="rita", Password=GOOD, Permanent=True)
    admin.admin_add_user_to_group(UserPoolId="us-east-1_Mock", Username="rita", GroupName="editors")
    result = cognito(second).initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="pool-app",
                                          AuthParameters={"USERNAME": "rita", "PASSWORD": GOOD})
    got = cognito(second).get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])
    assert got["Username"] == "rita"
    assert [g["GroupName"] for g in cognito(second).admin_list_groups_for_user(
        UserPoolId="us-east-1_Mock", Username="rita")["Groups"]] == ["editors"]


def test_okta_users_api_on_one_replica_authn_on_the_other(replicas):
    first, second = replicas
    headers = {"Authorization": f"SSWS {API_TOKEN}"}
    created = httpx.post(first.tenant_url("/okta/api/v1/users"), headers=headers, json={
        "profile": {"firstName": "Sam", "lastName": "Soo", "email": "sam@example.com", "login": "sam@example.com"},
        "credentials": {"password": {"value": GOOD}}})
    assert created.status_code == 200, created.text
    authn = httpx.post(second.tenant_url("/okta/api/v1/authn"), json={"username": "sam@example.com", "password": GOOD})
    assert authn.status_code == 200 and authn.json()["_embedded"]["user"]["id"] == created.json()["id"]
    httpx.post(second.tenant_url(f"/okta/api/v1/users/{created.json()['id']}/lifecycle/suspend"), headers=headers)
    again = httpx.post(first.tenant_url("/okta/api/v1/authn"), json={"username": "sam@example.com", "password": GOOD})
    assert again.status_code == 401


def test_auth0_user_and_role_on_one_replica_in_the_token_of_the_other(replicas):
    first, second = replicas
    token = httpx.post(first.tenant_url("/auth0/oauth/token"), json={
        "grant_type": "client_credentials", "client_id": "backend", "client_secret": "backend-secret",
        "audience": first.tenant_url("/auth0/api/v2/")}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    user = httpx.post(first.tenant_url("/auth0/api/v2/users"), headers=headers, json={
        "connection": "Username-Password-Authentication", "email": "tess@example.com", "password": GOOD}).json()
    roles = httpx.get(second.tenant_url("/auth0/api/v2/roles"), headers=headers).json()
    reader = next(role for role in roles if role["name"] == "order-reader")
    assigned = httpx.post(second.tenant_url(f"/auth0/api/v2/users/{user['user_id']}/roles"), headers=headers,
                          json={"roles": [reader["id"]]})
    assert assigned.status_code == 204
    signed_in = httpx.post(first.tenant_url("/auth0/oauth/token"), json={
        "grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": "app",
        "client_secret": "app-secret", "username": "tess@example.com", "password": GOOD,
        "realm": "Username-Password-Authentication", "audience": "https://orders.example.com"})
    assert signed_in.status_code == 200, signed_in.text
    keys = KeySet.import_key_set(httpx.get(second.tenant_url("/auth0/.well-known/jwks.json")).json())
    assert jwt.decode(signed_in.json()["access_token"], keys, algorithms=["RS256"]).claims["permissions"] == [
        "read:orders"]
    introspected = httpx.get(second.tenant_url(f"/auth0/api/v2/users/{user['user_id']}/permissions"),
                             headers=headers).json()
    assert [p["permission_name"] for p in introspected] == ["read:orders"]


def test_okta_unserved_paths_and_an_expired_password_change_across_replicas(replicas):
    first, second = replicas
    ssws = {"Authorization": f"SSWS {API_TOKEN}"}
    # The catch-all tells a method a served path does not take from a path it does not serve, on a
    # database server too (where the vendor routes run off the event loop).
    wrong_method = httpx.patch(second.tenant_url("/okta") + "/api/v1/users", headers=ssws)
    assert (wrong_method.status_code, wrong_method.json()["errorCode"]) == (405, "E0000022")
    assert httpx.get(second.tenant_url("/okta") + "/api/v1/logs", headers=ssws).json()["errorCode"] == "E0000007"
    created = httpx.post(first.tenant_url("/okta") + "/api/v1/users?nextLogin=changePassword", headers=ssws, json={
        "profile": {"firstName": "Ola", "lastName": "R", "email": "ola@example.com", "login": "ola@example.com"},
        "credentials": {"password": {"value": GOOD}}})
    assert created.json()["status"] == "PASSWORD_EXPIRED"
    started = httpx.post(second.tenant_url("/okta") + "/api/v1/authn",
                         json={"username": "ola@example.com", "password": GOOD}).json()
    assert started["status"] == "PASSWORD_EXPIRED"
    done = httpx.post(first.tenant_url("/okta") + "/api/v1/authn/credentials/change_password", json={
        "stateToken": started["stateToken"], "oldPassword": GOOD, "newPassword": "N3w-" + GOOD})
    assert done.status_code == 200 and done.json()["status"] == "SUCCESS"
    assert httpx.post(second.tenant_url("/okta") + "/api/v1/authn",
                      json={"username": "ola@example.com", "password": "N3w-" + GOOD}).json()["status"] == "SUCCESS"
