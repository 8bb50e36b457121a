"""Signing keys named in the seed file (PEM or JWK files beside it): deterministic tests sign with
a key they know; a bad key file is a configuration error naming the file and the key."""

import json

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from admin_support import password_grant, unverified_header
from conftest import start_server
from mock_idp.config import ConfigError

SEED = """\
tenants:
  red:
    flavor: {flavor}
    signing_key: {key}
    clients: [{{client_id: web, client_secret: web-secret, grant_types: [password]}}]
    users: [{{username: alice, password: alice-password}}]
"""


def seed(folder, flavor="generic", key="{pem_file: keys/red.pem, kid: red-key}"):
    path = folder / "seed.yaml"
    path.write_text(SEED.format(flavor=flavor, key=key))
    return path


@pytest.fixture
def rsa_key(tmp_path) -> RSAKey:
    key = RSAKey.generate_key(2048)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "red.pem").write_bytes(key.as_pem(private=True))
    return key


def test_a_seeded_pem_key_signs_and_comes_back_after_a_rotation_and_reset(tmp_path, rsa_key):
    server = start_server(seed(tmp_path), tmp_path / "data", admin=True)
    try:
        assert [k["kid"] for k in httpx.get(server.base_url + "/red/jwks").json()["keys"]] == ["red-key"]
        token = password_grant(server, "red", scope="openid").json()["access_token"]
        public = RSAKey.import_key(rsa_key.as_dict(private=False))
        assert jwt.decode(token, public, algorithms=["RS256"]).claims["iss"] == server.base_url + "/red"

        admin = server.base_url + "/_admin"
        httpx.post(admin + "/tenants/red/keys/rotate", json={"grace_seconds": 0})
        assert unverified_header(password_grant(server, "red").json()["access_token"])["kid"] != "red-key"
        httpx.post(admin + "/reset", headers={"Content-Type": "application/json"})
        assert unverified_header(password_grant(server, "red").json()["access_token"])["kid"] == "red-key"
    finally:
        server.stop()


def test_a_seeded_jwk_key_may_be_es256_on_a_generic_tenant(tmp_path):
    key = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
    (tmp_path / "red.jwk").write_text(json.dumps(key.as_dict(private=True)))
    server = start_server(seed(tmp_path, key="{jwk_file: red.jwk}"), tmp_path / "data")
    try:
        token = password_grant(server, "red", scope="openid").json()["id_token"]
        assert unverified_header(token)["alg"] == "ES256" and unverified_header(token)["kid"] == "ec-1"
    finally:
        server.stop()


@pytest.mark.parametrize("flavor, key, words", [
    ("generic", "{pem_file: missing.pem}", "cannot read"),
    ("generic", "{pem_file: seed.yaml}", "not a private key"),
    ("okta", "{jwk_file: ec.jwk}", "persona signs with RS256 only"),
])
def test_a_bad_seeded_key_is_a_configuration_error_naming_the_key(tmp_path, flavor, key, words):
    (tmp_path / "ec.jwk").write_text(json.dumps(ECKey.generate_key("P-256").as_dict(private=True)))
    path = seed(tmp_path, flavor, key)
    with pytest.raises(ConfigError) as refused:
        start_server(path, tmp_path / "data")
    issue = refused.value.errors[0]
    assert issue.file == str(path) and issue.key.startswith("tenants.red.signing_key.") and words in issue.message


def test_a_signing_key_names_exactly_one_file(tmp_path):
    with pytest.raises(ConfigError, match="give exactly one of pem_file and jwk_file"):
        start_server(seed(tmp_path, key="{kid: lonely}"), tmp_path / "data")
