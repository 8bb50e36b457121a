"""Tokens shaped by the user's hooks, accepted by the vendors' verifiers over HTTPS with their
defaults, each in its own Node process:
- a Cognito pre-token-generation trigger (the AWS documentation's example handlers behind a
  Lambda Invoke API server, V2_0 and V3_0, and through a seed's `handler:`, V1_0): aws-jwt-verify
  with Cognito rules (token_use, client_id/aud, the groups the trigger set) and
  `mock-idp check-token --for appsync`;
- an Okta token inline hook (okta_hook_service.py) patching claims and the lifetime:
  @okta/jwt-verifier; a hook answering `error` denies the token."""

import json

import boto3
import httpx
import pytest
from aws_support import mock_idp
from conftest import serve_asgi, start_server
from invoke_api import InvokeApi
from okta_hook_service import SECRET, HookService

from node_runner import run_node


def pool(name: str, trigger: str) -> str:
    return f"""
  {name}:
    flavor: cognito
    triggers: {{pre_token_generation: {{{trigger}}}}}
    clients:
      - client_id: web
        redirect_uris: [http://localhost:3000/callback]
      - client_id: machine
        client_secret: machine-secret-0123456789abcdef
        grant_types: [client_credentials]
    users:
      - username: alice
        password: alice-password
        claims: {{email: alice@example.com, email_verified: true, groups: [admins]}}"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    api, hook_service = InvokeApi(), HookService()
    lambdas, okta_hooks = serve_asgi(api.app), serve_asgi(hook_service.app)
    url = lambda function: f"{lambdas.base_url}/2015-03-31/functions/{function}/invocations"  # noqa: E731
    folder = tmp_path_factory.mktemp("hooks-tls")
    (folder / "seed.yaml").write_text("tenants:" + "".join([
        pool("us-east-1_V2", f"version: V2_0, url: '{url('doc_v2_claims_scopes_and_groups')}'"),
        pool("us-east-1_V3", f"version: V3_0, url: '{url('doc_v3_machine_to_machine')}'"),
        pool("us-east-1_V1", "version: V1_0, handler: 'pre_token_handlers:doc_v1_add_suppress_and_groups'"),
        f"""
  okta:
    flavor: okta
    authorization_servers:
      - id: hooked
        token_inline_hook: {{url: '{okta_hooks.base_url}/hooks/patch', headers: {{Authorization: '{SECRET}'}}}}
      - id: refusing
        token_inline_hook: {{url: '{okta_hooks.base_url}/hooks/error', headers: {{Authorization: '{SECRET}'}}}}
    clients:
      - client_id: 0oa-app
        client_secret: app-secret
        grant_types: [password]
    users:
      - username: alice
        password: alice-password
        claims: {{email: alice@example.com, name: Alice}}"""]))
    running = start_server(folder / "seed.yaml", folder / "data", tls=True)
    assert running.base_url.startswith("https://")
    yield running
    running.stop()
    lambdas.stop()
    okta_hooks.stop()


def aws_jwt_verify(server, pool_name: str, token: str, token_use: str, client_id: str, groups=None) -> dict:
    issuer = server.tenant_url("/" + pool_name)
    result = run_node("aws_verify.mjs", {"verifier": "cognito", "issuer": issuer, "jwksUri": None, "token": token,
                                         "tokenUse": token_use, "clientId": client_id, "groups": groups},
                      ca=server.ca)
    assert result["ok"], f"aws-jwt-verify refused: {result}"
    return result["payload"]


def sign_in(server, pool_name: str) -> dict:
    idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url("/" + pool_name),
                       verify=str(server.ca))
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="web", AuthParameters={
        "USERNAME": "alice", "PASSWORD": "alice-password"})["AuthenticationResult"]


@pytest.mark.parametrize("pool_name, group", [("us-east-1_V2", "new-group-B"), ("us-east-1_V1", "group-B")])
def test_aws_jwt_verify_and_appsync_accept_the_tokens_with_the_triggers_groups(servers, pool_name, group):
    tokens = sign_in(servers, pool_name)
    id_claims = aws_jwt_verify(servers, pool_name, tokens["IdToken"], "id", "web", groups=group)
    access = aws_jwt_verify(servers, pool_name, tokens["AccessToken"], "access", "web", groups=group)
    assert "email" not in id_claims and group in access["cognito:groups"]
    if pool_name == "us-east-1_V2":
        assert id_claims["family_name"] == "Doe" and access["my_first_attribute"] == "first_value"
    else:
        assert id_claims["attribute_key"] == "attribute_value"
    checked = mock_idp("check-token", tokens["IdToken"], "--for", "appsync", "--issuer",
                       servers.tenant_url("/" + pool_name), "--client-id", "web", "--ca", str(servers.ca), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    verdict = json.loads(checked.stdout)
    assert group in verdict["identity"]["claims"]["cognito:groups"]


def test_aws_jwt_verify_accepts_a_v3_client_credentials_token(servers):
    issuer = servers.tenant_url("/us-east-1_V3")
    token = httpx.post(issuer + "/oauth2/token", data={"grant_type": "client_credentials"},
                       auth=("machine", "machine-secret-0123456789abcdef"), verify=str(servers.ca))
    assert token.status_code == 200, token.text
    access = aws_jwt_verify(servers, "us-east-1_V3", token.json()["access_token"], "access", "machine")
    assert access["partner"] == "partner-of-machine" and "partner/read" in access["scope"].split()


def okta_tokens(server, authorization_server: str) -> httpx.Response:
    return httpx.post(server.tenant_url(f"/okta/oauth2/{authorization_server}/v1/token"), verify=str(server.ca),
                      auth=("0oa-app", "app-secret"), data={"grant_type": "password", "username": "alice",
                                                            "password": "alice-password", "scope": "openid email"})


def test_okta_jwt_verifier_accepts_tokens_the_inline_hook_patched(servers):
    issuer = servers.tenant_url("/okta/oauth2/hooked")
    tokens = okta_tokens(servers, "hooked")
    assert tokens.status_code == 200, tokens.text
    access = run_node("okta.mjs", {"issuer": issuer, "clientId": "0oa-app", "kind": "access",
                                   "token": tokens.json()["access_token"], "audience": "api://hooked"}, ca=servers.ca)
    assert access["ok"], access
    claims = access["claims"]
    assert claims["external_guid"] == "F0384685-F87D-474B-848D-2058AC5655A7" and claims["exp"] - claims["iat"] == 900
    identity = run_node("okta.mjs", {"issuer": issuer, "clientId": "0oa-app", "kind": "id",
                                     "token": tokens.json()["id_token"]}, ca=servers.ca)
    assert identity["ok"], identity
    assert identity["claims"]["extPatientId"] == "1234" and "email" not in identity["claims"]


def test_an_okta_hook_answering_error_denies_the_token(servers):
    refused = okta_tokens(servers, "refusing")
    assert (refused.status_code, refused.json()) == (
        400, {"error": "server_error", "error_description": "The patient record is locked"})
