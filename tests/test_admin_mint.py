"""Minting through the admin API: the flows' tokens on every persona, without a browser."""

import httpx
import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError

from admin_support import admin, server, unverified_claims, unverified_header  # noqa: F401
from conftest import REPO
from e2e.helpers import served_keys, verify, verify_id_token

ADMIN_SEED = REPO / "seed_users.yaml"
# (tenant, client, secret, issuer path): clients allowed the password grant, to compare with.
PERSONAS = [("okta", "0oa-appsync-web", "appsync-web-secret", "/okta/oauth2/default"),
            ("auth0", "auth0-web", "auth0-web-secret", "/auth0/"),
            ("default", "demo-web", "demo-web-secret", "/default")]
SCOPE = "openid profile email offline_access"


def discovery(server, issuer_path: str) -> dict:
    return httpx.get(server.base_url + issuer_path.rstrip("/") + "/.well-known/openid-configuration").json()


@pytest.mark.parametrize("tenant, client_id, secret, issuer_path", PERSONAS)
def test_minted_tokens_have_the_shape_of_the_flows_and_work_everywhere(server, admin, tenant, client_id,
                                                                       secret, issuer_path):
    minted = admin.post(f"/tenants/{tenant}/tokens", json={"username": "alice", "client_id": client_id,
                                                            "scope": SCOPE, "nonce": "n-1"})
    assert minted.status_code == 200, minted.text
    minted = minted.json()
    flowed = httpx.post(discovery(server, issuer_path)["token_endpoint"], auth=(client_id, secret), data={
        "grant_type": "password", "username": "alice", "password": "alice-password", "scope": SCOPE}).json()
    assert set(minted) == set(flowed)
    for name in ("access_token", "id_token"):
        # A minted user token is a code flow's; Auth0 marks password grants with gty: password.
        assert set(unverified_claims(minted[name])) - {"nonce"} == set(unverified_claims(flowed[name])) - {"gty"}
    document = discovery(server, issuer_path)
    assert verify(minted["id_token"], document, aud=client_id, nonce="n-1")["sub"]
    verify(minted["access_token"], document)

    base = server.base_url + issuer_path.rstrip("/")
    assert httpx.get(document["userinfo_endpoint"],
                     headers={"Authorization": "Bearer " + minted["access_token"]}).status_code == 200
    introspection = document.get("introspection_endpoint") or base + "/introspect"
    if "introspection_endpoint" in document:
        assert httpx.post(introspection, auth=(client_id, secret),
                          data={"token": minted["access_token"]}).json()["active"] is True
    renewed = httpx.post(document["token_endpoint"], auth=(client_id, secret),
                         data={"grant_type": "refresh_token", "refresh_token": minted["refresh_token"]})
    assert renewed.status_code == 200, renewed.text


def test_a_client_token_is_the_client_credentials_token(server, admin):
    minted = admin.post("/tenants/default/tokens", json={}).json()
    claims = verify(minted["access_token"], discovery(server, "/default"))
    assert claims["sub"] == "demo-service" and "id_token" not in minted and "refresh_token" not in minted


def test_claims_lifetime_and_iat_offset_are_the_callers(server, admin):
    minted = admin.post("/tenants/default/tokens", json={
        "username": "frank", "extra_claims": {"tenant_id": "t-42", "email": "f@x.test"},
        "remove_claims": ["name"], "lifetime_seconds": 60, "iat_offset_seconds": -30}).json()
    claims = unverified_claims(minted["id_token"])
    assert claims["tenant_id"] == "t-42" and claims["email"] == "f@x.test" and "name" not in claims
    assert claims["exp"] == claims["iat"] + 60 and minted["expires_in"] == 60
    access = unverified_claims(minted["access_token"])
    assert access["exp"] == access["iat"] + 60 and access["tenant_id"] == "t-42"


DEFECT_CHECKS = {
    "expired": "exp", "not_yet_valid": "nbf", "wrong_iss": "iss", "wrong_aud": "aud",
    "missing_claim": "sub", "unknown_kid": "kid", "bad_signature": "signature", "alg_none": "alg",
}


@pytest.mark.parametrize("defect", list(DEFECT_CHECKS))
def test_a_defective_token_is_refused_by_a_careful_relying_party(server, admin, defect):
    minted = admin.post("/tenants/default/tokens", json={"username": "alice", "defect": defect, "claim": "sub"})
    assert minted.status_code == 200, minted.text
    document = discovery(server, "/default")
    with pytest.raises((JoseError, ValueError, AssertionError, KeyError)):
        verify_id_token(minted.json()["id_token"], document, "demo-web")
    if defect == "unknown_kid":
        header = unverified_header(minted.json()["id_token"])
        assert header["kid"] not in [key["kid"] for key in httpx.get(document["jwks_uri"]).json()["keys"]]
    if defect == "bad_signature":
        with pytest.raises(BadSignatureError):
            jwt.decode(minted.json()["id_token"], served_keys(document), algorithms=["RS256"])


@pytest.mark.parametrize("body, field", [
    ({"username": "nobody"}, "username"), ({"client_id": "ghost"}, "client_id"),
    ({"lifetime_seconds": 0}, "lifetime_seconds"), ({"defect": "spicy"}, "defect"),
    ({"defect": "missing_claim"}, "claim"), ({"scopes": "openid"}, "scopes"),
    ({"issuer": "http://elsewhere"}, "issuer"), ({"iat_offset_seconds": "5"}, "iat_offset_seconds"),
    # Past what a 64-bit timestamp column holds (was a 500): bounded as the clock is, 100 years.
    ({"lifetime_seconds": 10**20}, "lifetime_seconds"), ({"iat_offset_seconds": -10**20}, "iat_offset_seconds"),
])
def test_a_bad_mint_body_is_a_400_naming_the_field(admin, body, field):
    response = admin.post("/tenants/default/tokens", json=body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == field, response.json()


def test_the_persona_still_refuses_what_it_would_refuse(admin):
    # Okta: a client_credentials token needs a scope.
    response = admin.post("/tenants/okta/tokens", json={"client_id": "0oa-service"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    # Auth0: a client token only for an API the client has a client grant on (auth0-web has none).
    customers = "https://customers.example.com"
    granted = admin.post("/tenants/auth0/tokens", json={"client_id": "auth0-m2m", "audience": customers})
    assert granted.status_code == 200, granted.text
    response = admin.post("/tenants/auth0/tokens", json={"client_id": "auth0-web", "audience": customers})
    assert (response.status_code, response.json()) == (403, {
        "error": "access_denied", "error_description": f'Client "auth0-web" is not authorized to access resource '
                                                       f'server "{customers}". You need to create a "client-grant" '
                                                       'associated to this API.'})


def test_a_cognito_id_token_is_minted_as_the_user_pool_issues_it(server, admin):
    minted = admin.post("/tenants/cognito/tokens", json={"username": "alice", "client_id": "cognito-app-client"})
    claims = verify(minted.json()["id_token"], discovery(server, "/cognito"), aud="cognito-app-client")
    assert claims["token_use"] == "id" and claims["cognito:username"]
    assert unverified_claims(minted.json()["access_token"])["token_use"] == "access"


def test_okta_auth0_and_cognito_keys_are_rs256_only(admin):
    for tenant in ("okta", "auth0", "cognito"):
        refused = admin.post(f"/tenants/{tenant}/keys/rotate", json={"algorithm": "ES256"})
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "algorithm"
        assert "signs with RS256 only" in refused.json()["error_description"]
