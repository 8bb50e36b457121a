"""Discovery documents (OIDC Discovery §3-§4, RFC 8414) and signing keys across a restart. The
documents are read from the pytest plugin's `mock_idp` server (the project's ini names its seed,
tests/seeds/core.yaml), as a user's suite would."""

import httpx
import pytest
from joserfc import jwt

from conftest import SEEDS, start_server

from .helpers import rp, served_keys, verify, verify_id_token

DISCOVERY_PATHS = ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")
POST_ONLY = {"token_endpoint", "device_authorization_endpoint", "introspection_endpoint", "revocation_endpoint"}


@pytest.fixture
def core_issuer(mock_idp) -> str:
    return mock_idp.issuer("default")


@pytest.fixture
def core_discovery(mock_idp) -> dict:
    return mock_idp.discovery("default")


def test_both_discovery_documents_name_the_issuer_they_are_served_under(core_issuer):
    documents = [httpx.get(core_issuer + path) for path in DISCOVERY_PATHS]

    for response in documents:
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        # OIDC Discovery §4.3: the issuer is exactly the URL the document was fetched under.
        assert response.json()["issuer"] == core_issuer
    assert documents[0].json() == documents[1].json()


def test_rfc8414_metadata_is_served_at_the_path_inserted_well_known_uri(mock_idp, core_issuer):
    # RFC 8414 §3.1: https://host/.well-known/oauth-authorization-server/<issuer path>
    inserted = httpx.get(mock_idp.url + "/.well-known/oauth-authorization-server/default")
    assert inserted.status_code == 200 and inserted.json()["issuer"] == core_issuer


def test_every_advertised_endpoint_answers(core_discovery):
    endpoints = {k: v for k, v in core_discovery.items() if k.endswith("_endpoint") or k == "jwks_uri"}
    assert {"authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
            "introspection_endpoint", "revocation_endpoint", "end_session_endpoint",
            "device_authorization_endpoint"} <= set(endpoints)

    for name, url in endpoints.items():
        assert url.startswith(core_discovery["issuer"] + "/"), name
        response = httpx.post(url, data={}) if name in POST_ONLY else httpx.get(url)
        assert response.status_code not in (404, 405) and response.status_code < 500, name
    assert served_keys(core_discovery).keys


def test_token_iss_is_byte_identical_to_the_discovery_issuer(core_discovery):
    token = rp(core_discovery, "demo-web", scope="openid").fetch_token(
        grant_type="password", username="alice", password="alice-password")
    for issued in (token["access_token"], token["id_token"]):
        raw = jwt.decode(issued, served_keys(core_discovery)).claims["iss"]
        assert raw.encode() == core_discovery["issuer"].encode()


def test_tokens_signed_before_a_restart_verify_against_the_jwks_served_after_it(tmp_path):
    data_dir = tmp_path / "data"
    first = start_server(SEEDS / "core.yaml", data_dir)
    try:
        before = httpx.get(first.tenant_url("/default/.well-known/openid-configuration")).json()
        token = rp(before, "demo-web", scope="openid").fetch_token(
            grant_type="password", username="alice", password="alice-password")
        kids_before = {key["kid"] for key in httpx.get(before["jwks_uri"]).json()["keys"]}
    finally:
        first.stop()

    second = start_server(SEEDS / "core.yaml", data_dir)
    try:
        after = httpx.get(second.tenant_url("/default/.well-known/openid-configuration")).json()
        keys_after = served_keys(after)
        # The issuer URL carries the new port; the keys are the ones from before.
        claims = verify_id_token(token["id_token"], before, "demo-web", keys=keys_after)
        verify(token["access_token"], before, keys=keys_after, sub=claims["sub"])
        kid = jwt.decode(token["id_token"], keys_after).header["kid"]
        assert kid in kids_before
        assert {key["kid"] for key in httpx.get(after["jwks_uri"]).json()["keys"]} == kids_before
        fresh = rp(after, "demo-web", scope="openid").fetch_token(
            grant_type="password", username="alice", password="alice-password")
        assert jwt.decode(fresh["id_token"], keys_after).header["kid"] == kid
    finally:
        second.stop()
