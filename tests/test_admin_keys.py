"""Key rotation through the admin API: the new key signs, the old ones stay published for the
grace and then leave; PEM and JWK keys load; ES256 where the persona allows it."""

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from admin_support import admin, password_grant, server, unverified_header  # noqa: F401
from conftest import SEEDS

ADMIN_SEED = SEEDS / "two_tenants.yaml"


def jwks(server, tenant="red") -> KeySet:
    return KeySet.import_key_set(httpx.get(f"{server.base_url}/{tenant}/jwks").json())


def kids(server, tenant="red") -> list[str]:
    return [key["kid"] for key in httpx.get(f"{server.base_url}/{tenant}/jwks").json()["keys"]]


def test_a_rotated_key_signs_and_the_old_one_stays_published_for_the_grace(server, admin):
    old_token = password_grant(server, "red").json()["id_token"]
    old_kid = unverified_header(old_token)["kid"]
    rotated = admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 3600})
    assert rotated.status_code == 200, rotated.text
    new_kid = rotated.json()["kid"]
    assert new_kid != old_kid and kids(server) == [new_kid, old_kid]
    new_token = password_grant(server, "red").json()["id_token"]
    assert unverified_header(new_token)["kid"] == new_kid
    for token in (old_token, new_token):
        jwt.decode(token, jwks(server), algorithms=["RS256"])
    listed = admin.get("/tenants/red/keys").json()
    assert [(k["kid"], k["signing"]) for k in listed] == [(new_kid, True), (old_kid, False)]
    assert listed[1]["remove_at"] - listed[1]["retired_at"] == 3600
    assert kids(server, "blue") != kids(server)


def test_a_replaced_key_leaves_the_jwks_when_its_grace_ends_on_the_tenants_clock(server, admin):
    first = kids(server)[0]
    second = admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 7200}).json()["kid"]
    third = admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 3600}).json()["kid"]
    blue = kids(server, "blue")
    assert kids(server) == [third, second, first]
    admin.post("/tenants/red/clock", json={"advance_seconds": 3601})
    assert kids(server) == [third, first]  # the second's grace was an hour, the first's two
    assert kids(server, "blue") == blue  # another tenant's clock is its own
    admin.post("/tenants/red/clock", json={"advance_seconds": 3600})
    assert kids(server) == [third]
    assert admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 0}).status_code == 200
    assert third not in kids(server)


def test_a_pem_or_jwk_key_is_loaded_with_its_kid(server, admin):
    key = RSAKey.generate_key(2048)
    loaded = admin.post("/tenants/red/keys/rotate", json={"private_key_pem": key.as_pem(private=True).decode(),
                                                          "kid": "test-key-1", "grace_seconds": 0})
    assert loaded.json()["kid"] == "test-key-1" and kids(server) == ["test-key-1"]
    token = password_grant(server, "red").json()["id_token"]
    public = RSAKey.import_key(key.as_dict(private=False), parameters={"kid": "test-key-1"})
    assert jwt.decode(token, public, algorithms=["RS256"]).claims["iss"].endswith("/red")

    ec = ECKey.generate_key("P-256", auto_kid=True)
    loaded = admin.post("/tenants/red/keys/rotate", json={"jwk": ec.as_dict(private=True), "grace_seconds": 0})
    assert loaded.json() ["kid"] == ec.kid and loaded.json()["alg"] == "ES256"
    token = password_grant(server, "red").json()["id_token"]
    assert unverified_header(token) == {"alg": "ES256", "kid": ec.kid, "typ": "JWT"}
    assert jwt.decode(token, jwks(server), algorithms=["ES256"]).claims["sub"]
    assert httpx.get(f"{server.base_url}/red/userinfo",
                     headers={"Authorization": "Bearer " + password_grant(server, "red").json()["access_token"]}
                     ).status_code == 200


def test_es256_is_generated_where_the_persona_signs_with_it(server, admin):
    rotated = admin.post("/tenants/red/keys/rotate", json={"algorithm": "ES256"})
    assert rotated.json()["alg"] == "ES256"
    assert httpx.get(f"{server.base_url}/red/jwks").json()["keys"][0]["crv"] == "P-256"


@pytest.mark.parametrize("body, field", [
    ({"algorithm": "HS256"}, "algorithm"), ({"grace_seconds": -1}, "grace_seconds"),
    ({"private_key_pem": "-----BEGIN NOTHING-----"}, "private_key_pem"), ({"jwk": {"kty": "oct", "k": "A" * 43}}, "jwk"),
    ({"jwk": {}, "private_key_pem": "x"}, "jwk"), ({"algorithm": "ES256", "jwk": {}}, "algorithm"),
    ({"rotate": True}, "rotate"),
])
def test_a_bad_rotation_is_a_400_naming_the_field(admin, body, field):
    response = admin.post("/tenants/red/keys/rotate", json=body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == field, response.json()
