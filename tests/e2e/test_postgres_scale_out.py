"""Scale-out on PostgreSQL: two servers on one database act as one provider behind a load
balancer (one public URL, one JWKS, shared codes and tokens); and the code flow on one of them."""

import httpx
import pytest
from authlib.integrations.httpx_client import OAuthError

from conftest import SEEDS, start_server

from .helpers import new_nonce, redirect_params, rp, sign_in, verify, verify_id_token
from .test_tokens import introspect, userinfo

pytest_plugins = ["pg_support"]  # postgres_url: the database both replicas share


@pytest.fixture(scope="module")
def replica_a(postgres_url, tmp_path_factory):
    server = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("replica-a"),
                          database_url=postgres_url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def replica_b(postgres_url, replica_a, tmp_path_factory):
    # Behind one load balancer the replicas share the public URL, hence the issuer.
    server = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("replica-b"),
                          database_url=postgres_url, base_url=replica_a.base_url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def at_a(replica_a) -> dict:
    return httpx.get(replica_a.tenant_url("/default/.well-known/openid-configuration")).json()


@pytest.fixture(scope="module")
def at_b(replica_a, replica_b, at_a) -> dict:
    """The public discovery document with its endpoints sent to B, as a load balancer might."""
    return {name: value.replace(replica_a.base_url, replica_b.base_url)
            if name.endswith("_endpoint") or name == "jwks_uri" else value for name, value in at_a.items()}


def test_code_flow_with_pkce_on_a_postgresql_backed_server(browser, at_a):
    client, token, nonce = sign_in(browser, at_a, client_id="demo-spa")

    claims = verify_id_token(token["id_token"], at_a, "demo-spa", nonce)
    verify(token["access_token"], at_a, sub=claims["sub"], client_id="demo-spa")
    answer = client.get(at_a["userinfo_endpoint"]).json()
    assert (answer["sub"], answer["email"]) == (claims["sub"], "alice@example.com")


def test_replicas_publish_one_discovery_document_and_one_jwks(replica_b, at_a, at_b):
    served_by_b = httpx.get(replica_b.tenant_url("/default/.well-known/openid-configuration")).json()
    assert served_by_b == at_a

    jwks = httpx.get(at_a["jwks_uri"]).json()
    assert at_b["jwks_uri"].startswith(replica_b.base_url)
    assert httpx.get(at_b["jwks_uri"]).json() == jwks and len(jwks["keys"]) == 1


def test_a_code_issued_by_one_replica_is_redeemed_once_at_the_other(browser, at_a, at_b):
    client, nonce = rp(at_a, "demo-web"), new_nonce()
    url, _ = client.create_authorization_url(at_a["authorization_endpoint"], nonce=nonce)
    code = redirect_params(browser.authorize(url))["code"]

    token = rp(at_b, "demo-web").fetch_token(code=code)

    verify_id_token(token["id_token"], at_a, "demo-web", nonce)
    with pytest.raises(OAuthError) as replayed:
        client.fetch_token(code=code)
    assert replayed.value.error == "invalid_grant"
    # RFC 6749 §4.1.2: the replay at A revokes what B issued from the code.
    assert introspect(at_b, token["access_token"]) == {"active": False}


def test_a_token_issued_by_one_replica_is_honoured_then_revoked_at_the_other(at_a, at_b):
    token = rp(at_a, "demo-web", scope="openid email").fetch_token(
        grant_type="password", username="alice", password="alice-password")

    assert userinfo(at_b, token["access_token"]).json()["email"] == "alice@example.com"
    assert introspect(at_b, token["access_token"])["active"] is True
    revoked = rp(at_b, "demo-web").revoke_token(at_b["revocation_endpoint"], token=token["access_token"],
                                                token_type_hint="access_token")

    assert revoked.status_code == 200
    assert introspect(at_a, token["access_token"]) == {"active": False}
    assert userinfo(at_a, token["access_token"]).status_code == 401


def test_a_refresh_token_from_one_replica_is_rotated_at_the_other(browser, at_a, at_b):
    _, token, _ = sign_in(browser, at_a)
    original = verify_id_token(token["id_token"], at_a, "demo-web")

    refreshed = rp(at_b, "demo-web").refresh_token(at_b["token_endpoint"],
                                                   refresh_token=token["refresh_token"])

    assert verify_id_token(refreshed["id_token"], at_a, "demo-web")["sub"] == original["sub"]
    assert userinfo(at_a, refreshed["access_token"]).status_code == 200
    with pytest.raises(OAuthError) as reused:
        rp(at_a, "demo-web").refresh_token(at_a["token_endpoint"], refresh_token=token["refresh_token"])
    assert reused.value.error == "invalid_grant"
