"""Auth0's Management API v2 organization writes over HTTP (tests/seeds/organizations.yaml), as a
B2B test suite sets up its state: create, rename, delete, add and remove members, each with its
scope; Auth0's 400/403/404/409 bodies; written like the other management writes (a member added
here signs in through the organization, a restart keeps it, a reset drops it)."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import SEEDS, Browser, start_server

from tests.personas.auth0.test_organizations_api import token

REDIRECT_URI = "http://localhost:3000/callback"
ACME = "org_acme000000000001"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("organization-writes"))
    yield running
    running.stop()


def api(server, client_id: str = "b2b-admin") -> httpx.Client:
    tenant = server.tenant_url("/auth0/")
    return httpx.Client(base_url=tenant + "api/v2/", headers={"Authorization": "Bearer " + token(tenant, client_id)})


def user_id(client: httpx.Client, email: str) -> str:
    return client.get("users-by-email", params={"email": email}).json()[0]["user_id"]


def signs_in_through(server, organization: str, username: str) -> dict:
    query = {"response_type": "code", "client_id": "b2b-app", "redirect_uri": REDIRECT_URI, "state": "s",
             "scope": "openid", "organization": organization}
    browser = Browser()
    response = browser.authorize(server.tenant_url("/auth0/authorize") + "?" + urlencode(query), username,
                                 username.split("@")[0] + "-password")
    browser.http.close()
    return dict(parse_qsl(urlsplit(response.headers["location"]).query))


def test_create_add_members_rename_remove_members_and_delete(server):
    client = api(server)
    created = client.post("organizations", json={"name": "umbrella", "display_name": "Umbrella Corp",
                                                 "metadata": {"tier": "silver"}})
    assert created.status_code == 201, created.text
    organization = created.json()
    assert organization["id"].startswith("org_") and len(organization["id"]) == 20
    assert {k: v for k, v in organization.items() if k != "id"} == {
        "name": "umbrella", "display_name": "Umbrella Corp", "metadata": {"tier": "silver"}}
    one = f"organizations/{organization['id']}"
    carol = user_id(client, "carol@initech.example.com")
    assert client.post(one + "/members", json={"members": [carol]}).status_code == 204
    assert [m["user_id"] for m in client.get(one + "/members").json()] == [carol]
    assert "code" in signs_in_through(server, organization["id"], "carol@initech.example.com")
    # A rename keeps the id and the members; metadata merges at the top level, null removes a key.
    renamed = client.patch(one, json={"name": "umbrella-corp", "metadata": {"tier": None, "region": "eu"}})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {"id": organization["id"], "name": "umbrella-corp", "display_name": "Umbrella Corp",
                              "metadata": {"region": "eu"}}
    assert client.get("organizations/name/umbrella-corp").json()["id"] == organization["id"]
    assert client.request("DELETE", one + "/members", json={"members": [carol]}).status_code == 204
    assert client.get(one + "/members").json() == []
    assert signs_in_through(server, organization["id"], "carol@initech.example.com")["error"] == "access_denied"
    assert client.delete(one).status_code == 204
    gone = client.get(one)
    assert gone.status_code == 404 and gone.json()["errorCode"] == "inexistent_organization"


@pytest.mark.parametrize("body, message", [
    ({}, "Payload validation error: 'Missing required property: name'."),
    ({"name": "Acme Corp"}, "Payload validation error: 'String does not match pattern ^[a-z0-9_-]{1,50}$: Acme Corp' "
                            "on property name (The name of this organization)."),
    ({"name": "x" * 51}, "Payload validation error: 'String does not match pattern ^[a-z0-9_-]{1,50}$: "
                         + "x" * 51 + "' on property name (The name of this organization)."),
    ({"name": "ok", "plan": "gold"}, "Payload validation error: 'Additional properties not allowed: plan'."),
    ({"name": "ok", "metadata": {"n": 1}}, "Payload validation error: 'Expected an object of at most 25 string "
                                           "values' on property metadata (Metadata associated with the organization)."),
])
def test_a_body_auth0s_schema_refuses_is_a_400_in_its_shape(server, body, message):
    refused = api(server).post("organizations", json=body)
    assert refused.status_code == 400
    assert refused.json() == {"statusCode": 400, "error": "Bad Request", "message": message, "errorCode": "invalid_body"}


def test_a_taken_name_is_a_conflict_and_an_unknown_member_a_404(server):
    client = api(server)
    taken = client.post("organizations", json={"name": "acme"})
    assert (taken.status_code, taken.json()["error"]) == (409, "Conflict")
    unknown = client.post(f"organizations/{ACME}/members", json={"members": ["auth0|nobody"]})
    assert (unknown.status_code, unknown.json()["errorCode"]) == (404, "inexistent_user")
    missing = client.post("organizations/org_0000000000000000/members", json={"members": ["auth0|nobody"]})
    assert (missing.status_code, missing.json()["errorCode"]) == (404, "inexistent_organization")


@pytest.mark.parametrize("method, path, scope", [
    ("POST", "organizations", "create:organizations"),
    ("PATCH", f"organizations/{ACME}", "update:organizations"),
    ("DELETE", f"organizations/{ACME}", "delete:organizations"),
    ("POST", f"organizations/{ACME}/members", "create:organization_members"),
    ("DELETE", f"organizations/{ACME}/members", "delete:organization_members"),
])
def test_each_write_needs_its_scope(server, method, path, scope):
    refused = api(server, "backend").request(method, path, json={"name": "x", "members": ["auth0|x"]})
    assert refused.status_code == 403
    assert refused.json() == {"statusCode": 403, "error": "Forbidden", "errorCode": "insufficient_scope",
                              "message": f"Insufficient scope, expected any of: {scope}"}


def test_a_created_organization_survives_a_restart_and_a_reset_drops_it(tmp_path):
    first = start_server(SEEDS / "organizations.yaml", tmp_path, admin=True)
    try:
        created = api(first).post("organizations", json={"name": "hooli"}).json()
    finally:
        first.stop()
    again = start_server(SEEDS / "organizations.yaml", tmp_path, admin=True)
    try:
        assert api(again).get(f"organizations/{created['id']}").json()["name"] == "hooli"
        reset = httpx.post(again.base_url + "/_admin/reset", json={"tenant": "auth0"})
        assert reset.status_code in (200, 204), reset.text
        assert api(again).get(f"organizations/{created['id']}").status_code == 404
        assert api(again).get(f"organizations/{ACME}").status_code == 200  # the seed's stay
        # The admin API writes the same directory, in the seed's words.
        made = httpx.post(again.base_url + "/_admin/tenants/auth0/organizations",
                          json={"name": "from-admin", "members": ["alice@acme.example.com"]})
        assert made.status_code == 201, made.text
        by_name = api(again).get("organizations/name/from-admin").json()
        assert [m["email"] for m in api(again).get(f"organizations/{by_name['id']}/members").json()] == [
            "alice@acme.example.com"]
    finally:
        again.stop()
