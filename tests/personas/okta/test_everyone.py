"""Okta's built-in Everyone group, as okta-sdk-python sees it over --tls trusting only the local CA:
every org has it (BUILT_IN, "All users in your organization"), every user is in it, and the API
changes neither it nor its members; the tokens' groups claim holds it only where the tenant's
groups claim filter matches it, as Okta's filter decides (docs/vendors.md 6e)."""

import asyncio
import secrets
import ssl
import textwrap
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import Browser, start_server
from joserfc import jwt
from joserfc.jwk import KeySet
from okta.client import Client as OktaClient
from okta.http_client import HTTPClient
from okta.models import AddGroupRequest, CreateUserRequest

API_TOKEN = "00-everyone-api-token"
REDIRECT = "https://app.example.com/callback"
TENANT = """\
    flavor: okta
    authorization_server: default
    authorization_servers: [{id: default, scopes: [groups]}]   # Okta's custom servers define no groups scope
    api_tokens: [00-everyone-api-token]
    clients:
      - {client_id: web, client_secret: web-secret, redirect_uris: ["https://app.example.com/callback"]}
    groups: [{name: Engineering}]
    users:
      - {username: alice, password: alice-password, claims: {email: alice@example.com, groups: [Engineering]}}
      - {username: bob, password: bob-password, claims: {email: bob@example.com}}
"""
FILTERS = {"okta": "", "filtered": 'groups_claim: {name: groups, filter: ".*"}',
           "engineers": 'groups_claim: {name: teams, filter: "Eng.*"}'}
SEED = "tenants:\n" + "".join(f"  {name}:\n" + textwrap.indent(textwrap.dedent(TENANT) + extra + "\n", "    ")
                               for name, extra in FILTERS.items())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("okta-everyone")
    (folder / "seed.yaml").write_text(SEED)
    running = start_server(folder / "seed.yaml", folder, tls=True)
    yield running
    running.stop()


def client_of(server, tenant: str = "okta") -> OktaClient:
    class LocalCA(HTTPClient):
        def __init__(self, http_config):
            super().__init__({**http_config, "sslContext": ssl.create_default_context(cafile=str(server.ca))})
    return OktaClient({"orgUrl": server.tenant_url("/" + tenant), "token": API_TOKEN, "httpClient": LocalCA})


def ok(answer):
    data, _, error = answer
    assert error is None, error
    return data


def name_of(group) -> str:
    return group.profile.actual_instance.name


def everyone_group(client):
    return next(g for g in ok(asyncio.run(client.list_groups())) if name_of(g) == "Everyone")


def test_every_org_has_everyone_and_every_user_is_in_it(server):
    async def scenario():
        client = client_of(server)
        groups = {name_of(g): g for g in ok(await client.list_groups())}
        everyone = groups["Everyone"]
        built_in = ok(await client.list_groups(search='type eq "BUILT_IN"'))
        user = ok(await client.create_user(CreateUserRequest.from_dict({
            "profile": {"firstName": "Nia", "lastName": "New", "email": "nia@example.com", "login": "nia@example.com"},
            "credentials": {"password": {"value": "Passw0rd-long"}}}), activate=True))
        return (groups, built_in, ok(await client.get_group(everyone.id)), ok(await client.list_group_users(everyone.id)),
                ok(await client.list_user_groups(user.id)))
    groups, built_in, fetched, members, new_users_groups = asyncio.run(scenario())
    everyone = groups["Everyone"]
    assert set(groups) == {"Everyone", "Engineering"} and groups["Engineering"].type.value == "OKTA_GROUP"
    assert everyone.type.value == "BUILT_IN" and everyone.id.startswith("00g")
    assert everyone.profile.actual_instance.description == "All users in your organization"
    assert [g.id for g in built_in] == [everyone.id] == [fetched.id]
    assert {m.profile.email for m in members} == {"alice@example.com", "bob@example.com", "nia@example.com"}
    assert [name_of(g) for g in new_users_groups] == ["Everyone"]


def test_everyone_cannot_be_deleted_renamed_or_have_its_members_changed(server):
    client = client_of(server)
    everyone = everyone_group(client)

    async def scenario():
        bob = ok(await client.get_user("bob"))
        _, removed = await client.unassign_user_from_group(everyone.id, bob.id)
        _, added = await client.assign_user_to_group(everyone.id, bob.id)
        _, _, renamed = await client.replace_group(everyone.id, AddGroupRequest.from_dict({"profile": {"name": "All"}}))
        _, deleted = await client.delete_group(everyone.id)
        return removed, added, renamed, deleted, ok(await client.list_user_groups(bob.id))
    removed, added, renamed, deleted, bobs_groups = asyncio.run(scenario())
    for refused in (removed, added):
        assert (refused.status, refused.error_code, refused.error_summary) == (400, "E0000060", "Unsupported operation.")
    for refused in (renamed, deleted):
        assert (refused.status, refused.error_code) == (403, "E0000006")
    assert [name_of(g) for g in bobs_groups] == ["Everyone"]
    assert name_of(everyone_group(client)) == "Everyone"


def signed_in(server, tenant: str, username: str) -> tuple[dict, dict]:
    """The verified ID and access token claims of a code flow on the tenant's default authorization server."""
    issuer = server.tenant_url(f"/{tenant}/oauth2/default")
    discovery = httpx.get(issuer + "/.well-known/openid-configuration", verify=server.verify).json()
    browser = Browser(verify=server.verify)
    try:
        query = {"client_id": "web", "response_type": "code", "scope": "openid profile groups",
                 "redirect_uri": REDIRECT, "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8)}
        answer = browser.authorize(discovery["authorization_endpoint"] + "?" + urlencode(query),
                                   username, f"{username}-password")
        code = dict(parse_qsl(urlsplit(answer.headers["location"]).query))["code"]
    finally:
        browser.http.close()
    tokens = httpx.post(discovery["token_endpoint"], auth=("web", "web-secret"), verify=server.verify,
                        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}).json()
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"], verify=server.verify).json())
    return tuple(jwt.decode(tokens[kind], keys, algorithms=["RS256"]).claims for kind in ("id_token", "access_token"))


def test_without_a_filter_the_groups_claim_is_the_users_listed_groups(server):
    alice_id, alice_access = signed_in(server, "okta", "alice")
    assert alice_id["groups"] == alice_access["groups"] == ["Engineering"]
    bob_id, bob_access = signed_in(server, "okta", "bob")
    assert "groups" not in bob_id and "groups" not in bob_access


def test_a_filter_that_matches_everyone_puts_it_in_every_users_claim(server):
    alice_id, alice_access = signed_in(server, "filtered", "alice")
    assert alice_id["groups"] == alice_access["groups"] == ["Everyone", "Engineering"]
    bob_id, _ = signed_in(server, "filtered", "bob")
    assert bob_id["groups"] == ["Everyone"]


def test_a_filter_names_the_claim_and_leaves_out_what_does_not_match(server):
    alice_id, _ = signed_in(server, "engineers", "alice")
    assert alice_id["teams"] == ["Engineering"] and "groups" not in alice_id
    bob_id, _ = signed_in(server, "engineers", "bob")
    assert "teams" not in bob_id  # no group matches: no claim
