"""Auth0's machine-to-machine access for organizations, against the real server over --tls
(tests/seeds/organizations.yaml): auth0-python's GetToken.client_credentials(organization=), in a
process of its own, gets access tokens carrying org_id as the client grant allows (its
organization_usage, allow_any_organization and associated organizations, the client's
default_organization), and Auth0's errors otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import SEEDS, start_server
from joserfc import jwt
from joserfc.jwk import KeySet

REPORTS, BILLING = "https://reports.example.com", "https://billing.example.com"
ACME = "org_acme000000000001"
CLIENT = Path(__file__).parents[2] / "interop" / "auth0_m2m_token.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("m2m-organizations"), tls=True)
    yield running
    running.stop()


def domain(server) -> str:
    return server.tenant_url("/auth0").removeprefix("https://")


def client_credentials(server, client_id: str, *requests: dict) -> list[dict]:
    """auth0-python in its own process, trusting only the local CA; each token's claims verified."""
    job = {"domain": domain(server), "client_id": client_id, "client_secret": client_id + "-secret",
           "requests": list(requests)}
    done = subprocess.run([sys.executable, str(CLIENT)], input=json.dumps(job), capture_output=True, text=True,
                          timeout=60, check=True, env={**os.environ, "REQUESTS_CA_BUNDLE": str(server.ca)})
    jwks = KeySet.import_key_set(httpx.get(f"https://{domain(server)}/.well-known/jwks.json",
                                           verify=server.verify).json())
    return [{**result, "claims": jwt.decode(result["access_token"], jwks, algorithms=["RS256"]).claims}
            if result["ok"] else result for result in json.loads(done.stdout)]


@pytest.fixture(scope="module")
def ids(server) -> dict[str, str]:
    """The organizations' ids by name, as the Management API lists them."""
    base = f"https://{domain(server)}"
    token = httpx.post(base + "/oauth/token", verify=server.verify, data={
        "grant_type": "client_credentials", "client_id": "backend", "client_secret": "backend-secret",
        "audience": base + "/api/v2/"}).json()["access_token"]
    listed = httpx.get(base + "/api/v2/organizations", verify=server.verify,
                       headers={"Authorization": f"Bearer {token}"}).json()
    return {organization["name"]: organization["id"] for organization in listed}


def test_an_associated_organization_is_in_the_token_and_none_without_one(server):
    with_org, without = client_credentials(server, "m2m", {"audience": REPORTS, "organization": ACME},
                                           {"audience": REPORTS})
    assert with_org["ok"], with_org
    claims = with_org["claims"]
    assert (claims["org_id"], claims["aud"], claims["gty"], claims["sub"]) == (ACME, REPORTS, "client-credentials",
                                                                               "m2m@clients")
    assert "org_name" not in claims  # the tenant takes ids only: no names in tokens
    assert without["ok"] and "org_id" not in without["claims"]  # organization_usage allow: optional


def test_an_organization_the_grant_is_not_associated_with_is_refused(server, ids):
    (refused,) = client_credentials(server, "m2m", {"audience": REPORTS, "organization": ids["initech"]})
    assert (refused["status"], refused["error"]) == (403, "access_denied")
    initech = ids["initech"]
    assert refused["message"] == (f'Client "m2m" is not authorized to access organization "{initech}" '
                                  f'for resource server "{REPORTS}".')


def test_a_grant_for_any_organization_takes_any_and_requires_one_else_the_default(server, ids):
    any_org, default = client_credentials(server, "m2m", {"audience": BILLING, "organization": ids["globex"]},
                                          {"audience": BILLING})
    assert any_org["ok"] and any_org["claims"]["org_id"] == ids["globex"]
    assert default["ok"] and default["claims"]["org_id"] == ids["initech"]  # default_organization


def test_a_required_organization_without_a_default_is_refused(server):
    (refused,) = client_credentials(server, "m2m-no-default", {"audience": BILLING})
    assert (refused["status"], refused["error"], refused["message"]) == (
        400, "invalid_request", "parameter organization is required for this client")


@pytest.mark.parametrize("client_id, organization, message", [
    ("m2m-plain", ACME, "parameter organization is not allowed for this client"),  # organization_usage deny
    ("m2m", "acme", "authorization request parameter organization must be an organization id"),
    ("m2m", "org_unknown", "parameter organization is invalid: no organization found for 'org_unknown'"),
])
def test_organizations_the_grant_or_tenant_does_not_take_are_invalid_requests(server, client_id, organization,
                                                                                message):
    (refused,) = client_credentials(server, client_id, {"audience": REPORTS, "organization": organization})
    assert (refused["status"], refused["error"], refused["message"]) == (400, "invalid_request", message)
