"""Auth0's Management API v2, organizations, over HTTP (tests/seeds/organizations.yaml): the list in
offset and checkpoint pages, one by id and by name, the members; the scopes and Auth0's 403 and
404 bodies."""

import httpx
import pytest
from conftest import SEEDS, start_server

ACME = "org_acme000000000001"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("organizations-api"))
    tenant = running.tenant_url("/auth0/")
    yield lambda client_id="backend": httpx.Client(base_url=tenant + "api/v2/", headers={
        "Authorization": "Bearer " + token(tenant, client_id)})
    running.stop()


def token(tenant: str, client_id: str) -> str:
    response = httpx.post(tenant + "oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_id + "-secret",
        "audience": tenant + "api/v2/"})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_the_list_is_the_seeds_organizations_in_auth0s_shape(api):
    listed = api().get("organizations").json()
    assert listed[0] == {"id": ACME, "name": "acme", "display_name": "Acme Corporation", "metadata": {"tier": "gold"}}
    assert [o["name"] for o in listed] == ["acme", "initech", "globex"]
    assert listed[2]["id"].startswith("org_") and len(listed[2]["id"]) == 20 and "display_name" not in listed[2]


def test_offset_pages_with_totals_and_checkpoint_pages_with_next(api):
    client = api()
    page = client.get("organizations", params={"page": 1, "per_page": 2, "include_totals": "true"}).json()
    assert page == {"start": 2, "limit": 2, "length": 1, "total": 3,
                    "organizations": [client.get("organizations").json()[2]]}
    first = client.get("organizations", params={"take": 2, "include_totals": "true"}).json()
    assert [o["name"] for o in first["organizations"]] == ["acme", "initech"] and first["next"]
    rest = client.get("organizations", params={"take": 2, "from": first["next"]}).json()
    assert [o["name"] for o in rest["organizations"]] == ["globex"] and "next" not in rest


def test_one_by_id_and_by_name_and_an_unknown_one_is_auth0s_404(api):
    client = api()
    assert client.get(f"organizations/{ACME}").json()["name"] == "acme"
    assert client.get("organizations/name/initech").json()["display_name"] == "Initech"
    for path in ("organizations/org_nope", "organizations/name/nope", "organizations/org_nope/members"):
        missing = client.get(path)
        assert (missing.status_code, missing.json()) == (404, {
            "statusCode": 404, "error": "Not Found", "message": "No organization found by that id or name",
            "errorCode": "inexistent_organization"})


def test_the_members_are_the_seeded_users_with_their_user_ids(api):
    client = api()
    members = client.get(f"organizations/{ACME}/members").json()
    assert [m["email"] for m in members] == ["alice@acme.example.com", "bob@acme.example.com"]
    users = client.get("users", params={"q": 'email:"alice@acme.example.com"'}).json()
    assert members[0]["user_id"] == users[0]["user_id"] and set(members[0]) == {"user_id", "email", "picture", "name"}
    paged = client.get(f"organizations/{ACME}/members", params={"per_page": 1, "include_totals": "true"}).json()
    assert paged["total"] == 2 and len(paged["members"]) == 1
    globex = client.get("organizations/name/globex").json()["id"]
    assert client.get(f"organizations/{globex}/members").json() == []


def test_a_users_organizations_are_those_that_list_them_as_a_member(api):
    client = api()
    carol = client.get("users-by-email", params={"email": "carol@initech.example.com"}).json()[0]["user_id"]
    assert [o["name"] for o in client.get(f"users/{carol}/organizations").json()] == ["initech"]
    paged = client.get(f"users/{carol}/organizations", params={"include_totals": "true"}).json()
    assert paged["total"] == 1 and paged["organizations"][0]["display_name"] == "Initech"
    missing = client.get("users/auth0|000000000000000000000000/organizations")
    assert (missing.status_code, missing.json()["errorCode"]) == (404, "inexistent_user")


@pytest.mark.parametrize("path, scope", [
    ("organizations", "read:organizations,read:organizations_summary"),
    (f"organizations/{ACME}", "read:organizations"),
    ("organizations/name/acme", "read:organizations"),
    (f"organizations/{ACME}/members", "read:organization_members"),
    ("users/auth0|000000000000000000000000/organizations", "read:organizations"),
])
def test_a_token_without_the_scope_gets_auth0s_403(api, path, scope):
    refused = api("users-only").get(path)
    assert (refused.status_code, refused.json()) == (403, {
        "statusCode": 403, "error": "Forbidden", "message": f"Insufficient scope, expected any of: {scope}",
        "errorCode": "insufficient_scope"})
