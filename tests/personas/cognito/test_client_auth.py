"""Cognito app clients take their secret in Basic auth or in the body, as real Cognito does; only a
token_endpoint_auth_method written in the seed restricts that (and other personas keep RFC 7591's
client_secret_basic default)."""

import pytest

SEED = """
tenants:
  cognito:
    flavor: cognito
    clients:
      - {client_id: app-client, client_secret: app-secret, grant_types: [client_credentials], response_types: []}
      - {client_id: basic-client, client_secret: basic-secret, token_endpoint_auth_method: client_secret_basic,
         grant_types: [client_credentials], response_types: []}
      - {client_id: post-client, client_secret: post-secret, token_endpoint_auth_method: client_secret_post,
         grant_types: [client_credentials], response_types: []}
  default:
    flavor: generic
    clients:
      - {client_id: plain-client, client_secret: plain-secret, grant_types: [client_credentials], response_types: []}
"""


@pytest.fixture
def client(app_factory, tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    return app_factory(seed, fresh_keys=True)


def token(client, tenant: str, client_id: str, secret: str, method: str):
    path = "/cognito/oauth2/token" if tenant == "cognito" else "/default/token"
    form = {"grant_type": "client_credentials"}
    if method == "client_secret_post":
        return client.post(path, data={**form, "client_id": client_id, "client_secret": secret})
    return client.post(path, data=form, auth=(client_id, secret))


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_a_cognito_app_client_with_a_secret_takes_it_in_basic_auth_and_in_the_body(client, method):
    response = token(client, "cognito", "app-client", "app-secret", method)
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]


def test_a_wrong_secret_is_refused_either_way(client):
    for method in ("client_secret_basic", "client_secret_post"):
        response = token(client, "cognito", "app-client", "not-the-secret", method)
        assert response.status_code in (400, 401) and response.json()["error"] == "invalid_client", method


@pytest.mark.parametrize("client_id, secret, allowed, refused", [
    ("basic-client", "basic-secret", "client_secret_basic", "client_secret_post"),
    ("post-client", "post-secret", "client_secret_post", "client_secret_basic"),
])
def test_a_method_written_in_the_seed_restricts_the_cognito_app_client(client, client_id, secret, allowed, refused):
    assert token(client, "cognito", client_id, secret, allowed).status_code == 200
    response = token(client, "cognito", client_id, secret, refused)
    assert response.json()["error"] == "invalid_client"


def test_other_personas_keep_client_secret_basic_as_the_default(client):
    assert token(client, "default", "plain-client", "plain-secret", "client_secret_basic").status_code == 200
    response = token(client, "default", "plain-client", "plain-secret", "client_secret_post")
    assert response.json()["error"] == "invalid_client"


def test_an_app_client_added_through_the_directory_takes_its_secret_either_way(client):
    cognito = next(t for t in client.app.state.tenants if t.name == "cognito")
    cognito.directory.create("client", {"client_id": "added-client", "client_secret": "added-secret",
                                        "grant_types": ["client_credentials"], "response_types": []})
    for method in ("client_secret_basic", "client_secret_post"):
        response = token(client, "cognito", "added-client", "added-secret", method)
        assert response.status_code == 200, (method, response.text)
