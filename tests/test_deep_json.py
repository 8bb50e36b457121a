"""JSON nested past any API's need gets each API's own "not JSON" error, never a 500: Python's
parser recursed into a RecursionError (1 MiB of `[`), and a body just under the stack's limit
overflowed whatever walked it next (the request log, the audit trail, the token endpoint's
parameters). docs/robustness.md, "Bounded requests"."""

import base64
import json

import httpx
import pytest

from conftest import SEEDS, start_server

AMZ = "AWSCognitoIdentityProviderService."
DEEPEST = b"[" * 200_000  # the parser's own RecursionError


def nested(depth: int) -> str:
    """{"a": {"a": ... 1}} `depth` levels down, as JSON text: the server's parser takes it, then a
    recursive walker sinks. (Text, not a dict: json here would recurse as deep, on pytest's stack.)"""
    return '{"a":' * depth + "1" + "}" * depth


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("deep-json"), admin=True)
    yield running
    running.stop()


def cognito(server, path: str, operation: str, body: bytes) -> httpx.Response:
    return httpx.post(server.base_url + path, content=body, headers={
        "X-Amz-Target": AMZ + operation, "Content-Type": "application/x-amz-json-1.1"})


@pytest.mark.parametrize("path", ["/cognito", "/"])  # the pool's URL and the regional endpoint
@pytest.mark.parametrize("body", [DEEPEST, '{"ClientId": "pool-app", "Username": "deep", "Password": "Deep-pw-123", '
                                          '"ClientMetadata": ' + nested(950) + "}"])
def test_cognito_answers_deep_json_with_a_serialization_exception(server, path, body):
    response = cognito(server, path, "SignUp", body.encode() if isinstance(body, str) else body)
    assert response.status_code == 400, response.text
    assert response.json() == {"__type": "SerializationException", "message": "The request body is not valid JSON."}


def test_okta_and_auth0_apis_answer_deep_json_in_their_own_words(server):
    authn = httpx.post(server.base_url + "/okta/api/v1/authn", content=DEEPEST,
                       headers={"Content-Type": "application/json"})
    assert authn.status_code == 400 and authn.json()["errorCode"] == "E0000003", authn.text
    users = httpx.post(server.base_url + "/okta/api/v1/users", content=DEEPEST, headers={
        "Content-Type": "application/json", "Authorization": "SSWS 00-test-api-token-for-the-management-api"})
    assert users.status_code == 400 and users.json()["errorCode"], users.text
    signup = httpx.post(server.base_url + "/auth0/dbconnections/signup", content=DEEPEST,
                        headers={"Content-Type": "application/json"})
    assert signup.status_code == 400 and signup.json()["code"] == "invalid_body", signup.text
    # A member nested 900 deep: it parsed, then the token endpoint's parameter walk overflowed.
    fields = json.dumps({"grant_type": "client_credentials", "client_id": "backend", "client_secret": "backend-secret",
                         "audience": server.base_url + "/auth0/api/v2/"})
    token = httpx.post(server.base_url + "/auth0/oauth/token", content=fields[:-1] + ', "extra": ' + nested(900) + "}",
                       headers={"Content-Type": "application/json"})
    assert token.status_code == 400 and token.json()["error"] == "invalid_request", token.text


def test_a_client_assertion_with_a_deep_payload_is_a_malformed_assertion(server):
    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    assertion = ".".join([part(b'{"alg":"RS256"}'), part(b'{"iss":' + b"[" * 5000 + b"]" * 5000 + b"}"), part(b"sig")])
    response = httpx.post(server.base_url + "/okta/oauth2/default/v1/token", data={
        "grant_type": "client_credentials", "client_assertion": assertion,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"})
    assert response.status_code in (400, 401) and response.json()["error"] in ("invalid_client", "invalid_request")


def test_the_admin_api_answers_deep_json_with_its_invalid_body(server):
    response = httpx.post(server.base_url + "/_admin/tenants/cognito/scenarios", content=DEEPEST,
                          headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422) and "error" in response.json(), response.text
    assert httpx.get(server.base_url + "/healthz").status_code == 200
