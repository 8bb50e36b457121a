"""Auth0 client grants as auth0-python's GetToken.client_credentials meets them over --tls: an
application gets tokens only for the APIs its `client_grants` authorize it on (none without the key)
and only their granted scopes, all of them when it names none (docs/vendors.md, "Auth0 client grants")."""

import textwrap

import httpx
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0_management_support import verified
from conftest import start_server

from mock_idp.config import ConfigError, load_config
from mock_idp.personas import all_flavors

ORDERS = "https://orders.example.com"
CATALOG = "https://catalog.example.com"
SEED = f"""\
tenants:
  auth0:
    flavor: auth0
    apis:
      - {{identifier: "{ORDERS}", scopes: [read:orders, write:orders, delete:orders]}}
      - {{identifier: "{CATALOG}", scopes: [read:catalog]}}
    clients:
      - client_id: granted
        client_secret: granted-secret
        grant_types: [client_credentials]
        token_endpoint_auth_method: client_secret_post
        client_grants: {{"{ORDERS}": [read:orders, write:orders]}}
      - client_id: ungranted
        client_secret: ungranted-secret
        grant_types: [client_credentials]
        token_endpoint_auth_method: client_secret_post
        client_grants: {{}}
      - client_id: unwritten   # no client_grants key: no grant either, as on Auth0
        client_secret: unwritten-secret
        grant_types: [client_credentials]
        token_endpoint_auth_method: client_secret_post
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("client-grants")
    (folder / "seed.yaml").write_text(SEED)
    running = start_server(folder / "seed.yaml", folder / "data", tls=True)
    yield running
    running.stop()


@pytest.fixture
def domain(server, monkeypatch) -> str:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca))  # requests trusts this CA, and only it
    return server.tenant_url("/auth0").removeprefix("https://")


def refusal(call) -> tuple[int, str, str]:
    with pytest.raises(Auth0Error) as refused:
        call()
    return refused.value.status_code, refused.value.error_code, refused.value.message


def with_scope(server, domain: str, scope: str) -> httpx.Response:
    """A client_credentials request naming scopes (GetToken.client_credentials takes none)."""
    return httpx.post(f"https://{domain}/oauth/token", verify=server.verify, data={
        "grant_type": "client_credentials", "client_id": "granted", "client_secret": "granted-secret",
        "audience": ORDERS, "scope": scope})


def test_a_granted_application_gets_its_granted_scopes(server, domain):
    token = GetToken(domain, "granted", client_secret="granted-secret").client_credentials(ORDERS)
    every = verified(server, domain, token["access_token"])
    assert (every["aud"], every["scope"]) == (ORDERS, "read:orders write:orders")
    asked = with_scope(server, domain, "read:orders").json()
    assert verified(server, domain, asked["access_token"])["scope"] == "read:orders"


def test_a_scope_not_granted_is_refused(server, domain):
    answer = with_scope(server, domain, "read:orders delete:orders")
    assert (answer.status_code, answer.json()) == (403, {
        "error": "access_denied", "error_description": "Client has not been granted scopes: delete:orders"})


@pytest.mark.parametrize("client_id, audience", [("granted", CATALOG), ("ungranted", ORDERS),
                                                      ("unwritten", ORDERS)])
def test_an_api_the_application_is_not_authorized_on_is_refused(domain, client_id, audience):
    client = GetToken(domain, client_id, client_secret=f"{client_id}-secret")
    assert refusal(lambda: client.client_credentials(audience)) == (
        403, "access_denied", f'Client "{client_id}" is not authorized to access resource server "{audience}". '
                              'You need to create a "client-grant" associated to this API.')


@pytest.mark.parametrize("written, key, message", [
    ("[read:orders, drop:orders]}", f"clients[0].client_grants.{ORDERS}[1]", f"the API '{ORDERS}' defines no scope 'drop:orders'"),
    ("[read:orders]}", None, None),
])
def test_a_grant_of_a_scope_the_api_lacks_is_a_seed_error_at_its_line(tmp_path, written, key, message):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED.replace("[read:orders, write:orders]}", written))
    if key is None:
        assert load_config(seed, personas=all_flavors())
        return
    with pytest.raises(ConfigError) as caught:
        load_config(seed, personas=all_flavors())
    assert f"seed.yaml:12: tenants.auth0.{key}: {message}" in str(caught.value)


def test_a_grant_of_an_unknown_api_is_a_seed_error_at_its_line(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED.replace("client_grants: {}", "client_grants: {https://nowhere.example.com: [x]}"))
    with pytest.raises(ConfigError) as caught:
        load_config(seed, personas=all_flavors())
    assert "seed.yaml:17: tenants.auth0.clients[1].client_grants.https://nowhere.example.com: no API of the " \
           "tenant has the identifier 'https://nowhere.example.com'" in str(caught.value)


def test_the_management_api_without_its_grant_is_refused_in_auth0s_words(domain):
    # Its words quote the audience: this answered 500 before (authlib refuses '"' in a description).
    audience = f"https://{domain}/api/v2/"
    client = GetToken(domain, "ungranted", client_secret="ungranted-secret")
    assert refusal(lambda: client.client_credentials(audience)) == (
        403, "access_denied", f'Client is not authorized to access "{audience}". You need to create a "client-grant" '
                              "associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants")
