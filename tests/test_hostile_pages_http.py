"""What a page of another origin or at a rebound name (DNS rebinding: a foreign Host) can do to the
surfaces merged on 8 December, where a browser cannot express the check (a Host header, an
answer it would never let the page read): Auth0's Organizations API, Entra's v1.0 endpoints,
Cognito's SRP sign-in. Each held as merged; docs/robustness.md, "Route by route"."""

import json

import httpx
import pytest

from conftest import SEEDS, start_server

ENTRA = "/entra/0c0ffee0-0000-4000-8000-00000000e17a"
DAEMON = {"grant_type": "client_credentials", "client_id": "33333333-3333-4333-8333-333333333333",
          "client_secret": "entra-daemon-secret", "resource": "api://22222222-2222-4222-8222-222222222222"}
AMZ = "AWSCognitoIdentityProviderService."
SRP_START = {"ClientId": "pool-app", "AuthFlow": "USER_SRP_AUTH",
             "AuthParameters": {"USERNAME": "alice", "SRP_A": format(2 ** 1000 + 12345, "x")}}


@pytest.fixture(scope="module")
def organizations(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("organizations"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("pool"))
    yield running
    running.stop()


def rebound(server) -> str:
    return "evil.example:" + server.base_url.rsplit(":", 1)[1]


@pytest.mark.parametrize("path", ["/api/v2/organizations", "/api/v2/organizations/name/acme",
                                  "/api/v2/users/x/organizations"])
def test_auth0_organizations_answer_no_rebound_name_and_grant_no_preflight(organizations, path):
    tenant = organizations.tenant_url("/auth0")
    token = httpx.post(tenant + "/oauth/token", data={"grant_type": "client_credentials", "client_id": "backend",
                                                      "client_secret": "backend-secret",
                                                      "audience": tenant + "/api/v2/"}).json()["access_token"]
    answer = httpx.get(tenant + path, headers={"Authorization": "Bearer " + token, "Host": rebound(organizations)})
    assert answer.status_code == 421 and answer.json()["error"] == "misdirected_request"
    preflight = httpx.options(tenant + path, headers={"Origin": "http://localhost:3000",
                                                      "Access-Control-Request-Method": "GET",
                                                      "Access-Control-Request-Headers": "authorization"})
    assert "access-control-allow-origin" not in preflight.headers


def test_entras_v1_token_endpoint_redeems_nothing_for_another_origin_and_its_documents_grant_no_cors(seed_server):
    tenant = seed_server.tenant_url(ENTRA)
    refused = httpx.post(tenant + "/oauth2/token", data=DAEMON, headers={"Origin": "http://localhost:3000"})
    assert refused.status_code == 403 and "access_token" not in refused.text
    assert "access-control-allow-origin" not in refused.headers
    for path in ("/.well-known/openid-configuration", "/discovery/keys"):
        answer = httpx.get(tenant + path, headers={"Origin": "http://localhost:3000"})
        assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
    assert httpx.post(tenant + "/oauth2/token", data=DAEMON).status_code == 200  # a daemon, no Origin


@pytest.mark.parametrize("path", ["/cognito", "/"])
def test_cognitos_srp_start_takes_no_simple_request_and_its_admin_form_no_rebound_name(pool, path):
    body = json.dumps(SRP_START)
    # What a form or a no-cors fetch can send: no X-Amz-Target, or a type that needs no preflight.
    target = AMZ + "InitiateAuth"
    for headers in ({"Content-Type": "text/plain"}, {"X-Amz-Target": target, "Content-Type": "text/plain"},
                    {"X-Amz-Target": target, "Content-Type": "application/x-www-form-urlencoded"}):
        answer = httpx.post(pool.base_url + path, content=body, headers=headers)
        assert answer.status_code == 400 and answer.json()["__type"] == "UnknownOperationException"
    admin = {**SRP_START, "AuthFlow": "ADMIN_USER_SRP_AUTH", "UserPoolId": "us-east-1_x"}
    answer = httpx.post(pool.base_url + path, content=json.dumps(admin),
                        headers={"X-Amz-Target": AMZ + "AdminInitiateAuth", "Host": rebound(pool),
                                 "Content-Type": "application/x-amz-json-1.1",
                                 "Authorization": "AWS4-HMAC-SHA256 Credential=x"})
    assert answer.status_code == 421


@pytest.mark.parametrize("challenge", [["NEW_PASSWORD_REQUIRED"], {"a": 1}, 7, None])
def test_a_challenge_name_of_any_json_type_at_a_rebound_name_is_cognitos_error_not_a_500(pool, challenge):
    body = json.dumps({"ClientId": "pool-app", "ChallengeName": challenge})
    answer = httpx.post(pool.tenant_url("/cognito"), content=body,
                        headers={"X-Amz-Target": AMZ + "RespondToAuthChallenge", "Host": rebound(pool),
                                 "Content-Type": "application/x-amz-json-1.1"})
    assert answer.status_code == 400 and answer.json()["__type"] == "InvalidParameterException"
