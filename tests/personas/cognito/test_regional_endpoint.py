"""The user-pool API at the server's root, as AWS serves every pool at one regional endpoint:
boto3 pointed at the server itself (as LocalStack and moto are used) reaches the pool its
UserPoolId, ClientId or token names; pycognito, which takes the issuer to be
`<endpoint_url>/<pool id>`, signs in and verifies the tokens of a tenant named after the pool."""

import json

import httpx
import pytest
from boto3 import client as boto3_client
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import start_server
from pycognito import Cognito

POOL_A, POOL_B = "us-east-1_PoolA", "us-east-1_PoolB"
SEED = """tenants:
  us-east-1_PoolA:
    flavor: cognito
    clients:
      - {client_id: app-a, redirect_uris: ['https://a.example.com/callback']}
    users:
      - {username: alice, password: alice-password, claims: {email: alice@example.com, email_verified: true}}
  us-east-1_PoolB:
    flavor: cognito
    clients:
      - client_id: app-b
        client_secret: app-b-secret-0123456789abcdef
        redirect_uris: ['https://b.example.com/callback']
    users:
      - {username: alice, password: bob-pool-password, claims: {email: alice@b.example.com, groups: [staff]}}
  okta:
    flavor: okta
"""
KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cognito-regional")
    (folder / "seed.yaml").write_text(SEED)
    running = start_server(folder / "seed.yaml", folder / "data", tls=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def idp(server):
    return boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=server.base_url, verify=str(server.ca),
                        config=Config(retries={"max_attempts": 1}), **KEYS)


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_the_server_root_finds_the_pool_by_client_pool_id_and_token(idp, server):
    tokens = idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="app-a", AuthParameters={
        "USERNAME": "alice", "PASSWORD": "alice-password"})["AuthenticationResult"]
    user = idp.get_user(AccessToken=tokens["AccessToken"])  # the pool that issued the token
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email"] == "alice@example.com"
    by_pool = idp.admin_get_user(UserPoolId=POOL_B, Username="alice")
    assert {a["Name"]: a["Value"] for a in by_pool["UserAttributes"]}["email"] == "alice@b.example.com"
    assert error_of(idp.admin_get_user, UserPoolId="us-east-1_Nope", Username="alice") == (
        "ResourceNotFoundException", "User pool us-east-1_Nope does not exist.")
    assert error_of(idp.initiate_auth, AuthFlow="USER_PASSWORD_AUTH", ClientId="app-z",
                    AuthParameters={"USERNAME": "alice", "PASSWORD": "x"}) == (
        "ResourceNotFoundException", "User pool client app-z does not exist.")
    assert error_of(idp.get_user, AccessToken="not-a-token") == ("NotAuthorizedException", "Invalid Access Token")


def test_pycognito_signs_in_verifies_refreshes_and_signs_out(server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca))  # pycognito fetches the JWKS with requests
    user = Cognito(POOL_B, "app-b", username="alice", client_secret="app-b-secret-0123456789abcdef",
                   boto3_client_kwargs={"endpoint_url": server.base_url, "verify": str(server.ca), **KEYS})
    user.admin_authenticate("bob-pool-password")  # ADMIN_NO_SRP_AUTH, then both tokens verified
    assert user.id_claims["iss"] == f"{server.base_url}/{POOL_B}" and user.id_claims["aud"] == "app-b"
    assert user.access_claims["cognito:groups"] == ["staff"]
    assert user.get_user().email == "alice@b.example.com"
    first = user.access_token
    user.renew_access_token()  # REFRESH_TOKEN_AUTH with the SECRET_HASH, then verified
    assert user.access_token != first and user.access_claims["username"] == "alice"
    user.logout()  # GlobalSignOut
    with pytest.raises(ClientError) as raised:
        user.client.get_user(AccessToken=first)
    assert raised.value.response["Error"]["Message"] == "Access Token has been revoked"


@pytest.mark.parametrize("target, body, expected", [
    ("InitiateAuth", {"UserPoolId": "p" * 20_000, "ClientId": "app-a"}, "ResourceNotFoundException"),
    ("InitiateAuth", {"ClientId": "c\r\nX-Injected: 1" * 1000}, "ResourceNotFoundException"),
    ("AdminGetUser", {"UserPoolId": 5, "Username": ["alice"]}, "InvalidParameterException"),
    ("GetUser", {"AccessToken": "x" * 500_000}, "NotAuthorizedException"),
    ("X" * 8000, {"ClientId": "app-a"}, "UnknownOperationException"),
])
def test_bad_input_at_the_root_gets_a_short_aws_error(server, target, body, expected):
    """Unknown or malformed pool ids, client ids, tokens and operations: the AWS JSON error, its message
    cut short, nothing the body held echoed into a header."""
    response = httpx.post(server.base_url + "/", content=json.dumps(body), verify=server.verify, headers={
        "X-Amz-Target": "AWSCognitoIdentityProviderService." + target, "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/cognito-idp/aws4_request"})
    assert response.status_code == 400, response.text
    assert response.json()["__type"] == expected and len(response.json()["message"]) < 300, response.text
    assert "x-injected" not in response.headers and response.headers["x-amzn-errortype"] == expected
