"""RFC 8693 token exchange against the generic persona and Okta's custom authorization servers:
the exchanged token verifies, names the user as `sub` and the actor in `act`; bad subject or actor
tokens, types and scopes are refused as the RFC says."""

import httpx
import pytest
import yaml
from conftest import start_server
from joserfc import jwt
from joserfc.jwk import KeySet

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = {"client_id": "web", "client_secret": "web-secret", "grant_types": ["password", "client_credentials"],
           "response_types": []}
    api = {"client_id": "api", "client_secret": "api-secret", "grant_types": [EXCHANGE, "client_credentials"],
           "response_types": []}
    user = {"username": "alice", "password": "alice-password"}
    seed = {"tenants": {
        "generic": {"clients": [app, api, {**api, "client_id": "no-exchange", "grant_types": ["client_credentials"]}],
                    "users": [user]},
        "okta": {"flavor": "okta",
                 "authorization_servers": [{"id": "default"}, {"id": "downstream", "scopes": ["downstream:read"]}],
                 "clients": [app, api], "users": [user]},
    }}
    folder = tmp_path_factory.mktemp("exchange")
    (folder / "seed.yaml").write_text(yaml.safe_dump(seed))
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


def discovery(server, path):
    return httpx.get(server.base_url + path + "/.well-known/openid-configuration").json()


def user_token(doc, scope="openid profile"):
    response = httpx.post(doc["token_endpoint"], data={"grant_type": "password", "username": "alice",
                                                       "password": "alice-password", "scope": scope},
                          auth=("web", "web-secret"))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def exchange(doc, client=("api", "api-secret"), **params):
    return httpx.post(doc["token_endpoint"], data={"grant_type": EXCHANGE, "subject_token_type": ACCESS, **params},
                      auth=client)


def verified(doc, token):
    return jwt.decode(token, KeySet.import_key_set(httpx.get(doc["jwks_uri"]).json())).claims


def test_generic_lists_the_grant_and_exchanges_a_users_token_with_an_actor(server):
    doc = discovery(server, "/generic")
    assert EXCHANGE in doc["grant_types_supported"]
    subject = user_token(doc)
    actor = httpx.post(doc["token_endpoint"], data={"grant_type": "client_credentials"},
                       auth=("api", "api-secret")).json()["access_token"]
    response = exchange(doc, subject_token=subject, actor_token=actor, actor_token_type=ACCESS,
                        audience="https://downstream.example", scope="profile")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["issued_token_type"] == ACCESS and body["token_type"] == "Bearer" and "refresh_token" not in body
    claims = verified(doc, body["access_token"])
    assert claims["sub"] == verified(doc, subject)["sub"]
    assert claims["act"] == {"sub": "api"}
    assert claims["aud"] == "https://downstream.example" and claims["scope"] == "profile"


def test_a_second_exchange_nests_the_earlier_actor(server):
    doc = discovery(server, "/generic")
    actor = httpx.post(doc["token_endpoint"], data={"grant_type": "client_credentials"},
                       auth=("web", "web-secret")).json()["access_token"]
    first = exchange(doc, subject_token=user_token(doc), actor_token=actor, actor_token_type=ACCESS).json()
    api_actor = httpx.post(doc["token_endpoint"], data={"grant_type": "client_credentials"},
                           auth=("api", "api-secret")).json()["access_token"]
    second = exchange(doc, subject_token=first["access_token"], actor_token=api_actor, actor_token_type=ACCESS)
    assert verified(doc, second.json()["access_token"])["act"] == {"sub": "api", "act": {"sub": "web"}}


@pytest.mark.parametrize("case, params, error", [
    ("no subject token", {"subject_token": None}, "invalid_request"),
    ("forged subject token", {"subject_token": "eyJhbGciOiJub25lIn0.e30."}, "invalid_request"),
    ("unsupported subject type", {"subject_token_type": "urn:ietf:params:oauth:token-type:saml2"}, "invalid_request"),
    ("actor without type", {"actor_token": "SUBJECT"}, "invalid_request"),
    ("unsupported requested type", {"requested_token_type": "urn:ietf:params:oauth:token-type:id_token"},
     "invalid_request"),
    ("scope beyond the subject's", {"scope": "profile email"}, "invalid_scope"),
])
def test_bad_exchanges_get_the_rfc_errors(server, case, params, error):
    doc = discovery(server, "/generic")
    subject = user_token(doc)
    params = {"subject_token": subject, **params}
    if params.get("actor_token") == "SUBJECT":
        params["actor_token"] = subject
    response = exchange(doc, **{k: v for k, v in params.items() if v is not None})
    assert response.status_code == 400 and response.json()["error"] == error, (case, response.text)


def test_a_client_without_the_grant_is_unauthorized(server):
    doc = discovery(server, "/generic")
    response = exchange(doc, client=("no-exchange", "api-secret"), subject_token=user_token(doc))
    assert response.json()["error"] == "unauthorized_client"


def test_okta_custom_server_exchanges_on_behalf_of_the_user(server):
    doc = discovery(server, "/okta/oauth2/downstream")
    upstream = discovery(server, "/okta/oauth2/default")  # Okta's OBO: between custom servers of one org
    subject = user_token(upstream, scope="openid profile")
    missing_audience = exchange(doc, subject_token=subject, scope="downstream:read")
    assert missing_audience.json()["error"] == "invalid_request"
    response = exchange(doc, subject_token=subject, scope="downstream:read", audience="api://downstream")
    assert response.status_code == 200, response.text
    claims = verified(doc, response.json()["access_token"])
    assert claims["sub"] == "alice" and claims["cid"] == "api" and claims["scp"] == ["downstream:read"]
    assert claims["aud"] == "api://downstream" and claims["iss"] == doc["issuer"]


def test_okta_org_server_has_no_token_exchange(server):
    doc = discovery(server, "/okta")
    subject = user_token(doc)
    response = exchange(doc, subject_token=subject, scope="x", audience="y")
    assert response.json()["error"] == "unsupported_grant_type"


def test_generic_takes_no_token_of_another_tenant(server):
    okta_token = user_token(discovery(server, "/okta/oauth2/default"))
    response = exchange(discovery(server, "/generic"), subject_token=okta_token)
    assert response.json()["error"] == "invalid_request"
