"""@okta/okta-sdk-nodejs against the Okta tenant's Users and Groups API over --tls (issue 23): the
same API okta-sdk-python drives in tests/personas/okta/test_management_api.py, seen by the Node SDK;
node-auth0's ManagementClient against the Auth0 tenant's Management API v2, as auth0-python drives
it in tests/personas/auth0/test_management_api.py, and its organizations (tests/seeds/organizations.yaml)."""

import httpx
import pytest
import yaml

from conftest import SEEDS, start_server
from node_runner import run_node

API_TOKEN = "00-test-api-token-for-the-management-api"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("okta-node"), tls=True)
    yield running
    running.stop()


def test_okta_sdk_nodejs_creates_groups_finds_deactivates_and_deletes_a_user(server):
    result = run_node("okta_management.mjs", {"orgUrl": server.tenant_url("/okta"), "token": API_TOKEN,
                                              "login": "nora@example.com", "password": "Passw0rd-long",
                                              "group": "Node people"}, ca=server.ca)
    assert result["ok"], result
    assert result["userId"].startswith("00u") and result["status"] == "ACTIVE"
    assert result["members"] == [result["userId"]]
    assert sorted(result["found"]) == ["alice@example.com", "nora@example.com"]  # two pages of one
    assert result["duplicate"] == {"name": "OktaApiError", "status": 400, "errorCode": "E0000001"}
    assert result["deactivated"] == "DEPROVISIONED"
    assert result["gone"] == {"status": 404, "errorCode": "E0000007"}


def auth0_tenant_at_the_root(folder, seed: str):
    """A seed's Auth0 tenant at the root of its host, over --tls: node-auth0 takes a bare host as
    `domain` (it refuses one with a path) and calls https://<domain>/oauth/token and /api/v2/."""
    tenant = yaml.safe_load((SEEDS / seed).read_text())["tenants"]["auth0"]
    (folder / "seed.yaml").write_text(yaml.safe_dump({"tenants": {"auth0": {**tenant, "path": "/"}}}))
    return start_server(folder / "seed.yaml", folder / "data", tls=True)


@pytest.fixture(scope="module")
def auth0_at_the_root(tmp_path_factory):
    running = auth0_tenant_at_the_root(tmp_path_factory.mktemp("auth0-node"), "management.yaml")
    yield running
    running.stop()


def test_node_auth0_management_client_gets_its_own_token_and_manages_a_user(auth0_at_the_root):
    server = auth0_at_the_root
    result = run_node("auth0_management.mjs", {"domain": server.base_url.removeprefix("https://"),
                                               "clientId": "backend", "clientSecret": "backend-secret",
                                               "email": "nina@example.com", "password": "Sup3r-secret!"}, ca=server.ca)
    assert result["ok"], result
    assert result["userId"].startswith("auth0|")
    assert result["searched"] == result["byEmail"] == [result["userId"]]
    assert sorted(result["everyone"]) == ["alice@example.com", "nina@example.com"]  # two pages of one
    assert result["metadata"] == {"plan": "gold"}  # merged at the top level, null removes
    assert result["roles"] == ["node-role"]
    assert result["duplicate"] == {"name": "ConflictError", "status": 409, "body": {
        "statusCode": 409, "error": "Conflict", "message": "The user already exists.", "errorCode": "auth0_idp_error"}}
    assert result["gone"]["name"] == "NotFoundError" and result["gone"]["body"]["errorCode"] == "inexistent_user"


@pytest.fixture(scope="module")
def organizations_at_the_root(tmp_path_factory):
    running = auth0_tenant_at_the_root(tmp_path_factory.mktemp("auth0-organizations-node"), "organizations.yaml")
    yield running
    running.stop()


def test_node_auth0_lists_organizations_in_checkpoint_pages_and_reads_their_members(organizations_at_the_root):
    server = organizations_at_the_root
    result = run_node("auth0_organizations.mjs", {"domain": server.base_url.removeprefix("https://"),
                                                  "clientId": "backend", "clientSecret": "backend-secret",
                                                  "name": "acme"}, ca=server.ca)
    assert result["ok"], result
    assert result["names"] == ["acme", "initech", "globex"]  # two pages: the SDK followed `next`
    assert result["byName"] == result["byId"] == {"id": "org_acme000000000001", "name": "acme",
                                                  "display_name": "Acme Corporation", "metadata": {"tier": "gold"}}
    assert [m["email"] for m in result["members"]] == ["alice@acme.example.com", "bob@acme.example.com"]
    assert all(m["user_id"].startswith("auth0|") for m in result["members"])
    assert result["missing"] == {"name": "NotFoundError", "status": 404, "body": {
        "statusCode": 404, "error": "Not Found", "message": "No organization found by that id or name",
        "errorCode": "inexistent_organization"}}


def test_node_auth0_creates_an_organization_adds_a_member_invites_renames_and_deletes_it(
        organizations_at_the_root):
    server = organizations_at_the_root
    domain = server.base_url.removeprefix("https://")
    token = httpx.post(f"https://{domain}/oauth/token", verify=server.verify, data={
        "grant_type": "client_credentials", "client_id": "b2b-admin", "client_secret": "b2b-admin-secret",
        "audience": f"https://{domain}/api/v2/"}).json()["access_token"]
    carol = httpx.get(f"https://{domain}/api/v2/users-by-email", params={"email": "carol@initech.example.com"},
                      headers={"Authorization": f"Bearer {token}"}, verify=server.verify).json()[0]["user_id"]
    result = run_node("auth0_organization_writes.mjs", {"domain": domain, "clientId": "b2b-admin",
                                                        "clientSecret": "b2b-admin-secret", "name": "umbrella",
                                                        "userId": carol, "taken": "acme", "invitee": "dave@example.com",
                                                        "invitingClient": "b2b-app"}, ca=server.ca)
    assert result["ok"], result
    assert result["created"]["name"] == "umbrella" and result["created"]["id"].startswith("org_")
    assert result["created"]["display_name"] == "Created by node-auth0"
    assert result["members"] == [carol] and result["left"] == []
    invitation = result["invitation"]
    assert invitation["id"].startswith("uinv_") and invitation["organization_id"] == result["created"]["id"]
    assert invitation["invitation_url"].startswith("http://localhost:3000/login?invitation=")
    assert result["renamed"] == {**result["created"], "name": "umbrella-renamed"}  # the id kept
    assert result["conflict"]["name"] == "ConflictError" and result["conflict"]["status"] == 409
    assert result["gone"] == {"name": "NotFoundError", "status": 404}


def test_okta_auth_js_changes_an_expired_password_then_signs_in(server):
    org = server.tenant_url("/okta")
    created = httpx.post(org + "/api/v1/users?activate=true&nextLogin=changePassword", verify=server.verify,
                         headers={"Authorization": f"SSWS {API_TOKEN}"},
                         json={"profile": {"firstName": "Olga", "lastName": "Old", "email": "olga@example.com",
                                           "login": "olga@example.com"},
                               "credentials": {"password": {"value": "Passw0rd-long"}}})
    assert created.json()["status"] == "PASSWORD_EXPIRED"
    result = run_node("okta_signin.mjs", {"issuer": org + "/oauth2/default", "clientId": "okta-spa",
                                          "redirectUri": "http://localhost:3000/callback", "username": "olga@example.com",
                                          "password": "Passw0rd-long", "newPassword": "N3w-passw0rd"}, ca=server.ca)
    assert result["ok"], result
    assert (result["firstStatus"], result["status"]) == ("PASSWORD_EXPIRED", "SUCCESS")
    assert result["idClaims"]["sub"] == created.json()["id"]
    user = httpx.get(org + "/api/v1/users/olga@example.com", headers={"Authorization": f"SSWS {API_TOKEN}"},
                     verify=server.verify).json()
    assert user["status"] == "ACTIVE"
