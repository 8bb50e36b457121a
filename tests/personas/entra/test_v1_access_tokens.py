"""An API whose manifest asks for v1.0 access tokens (requestedAccessTokenVersion 1, Entra's
default when unset) gets them from the v2.0 endpoint too: issuer https://sts.windows.net/<tid>/,
`ver` 1.0, `aud` the Application ID URI, `appid`, `upn`. PyJWT configured for v1.0 accepts them,
fastapi-azure-auth (which wants v2.0 tokens) refuses them, as with a real tenant; on-behalf-of
takes one as its assertion (docs/vendors.md, "Entra ID v1.0 access tokens"). And the JWKS keys'
certificates (`x5c`, `x5t`), from which many samples build the verifying key."""

import json
import subprocess
import sys
from pathlib import Path

import msal
import pytest
from conftest import serving_on_443

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
WEB, LEGACY, GRAPH_CALLER = ("11111111-1111-4111-8111-111111111111", "77777777-7777-4777-8777-777777777777",
                             "33333333-3333-4333-8333-333333333333")
ALICE_OID = "aaaaaaaa-0000-4000-8000-0000000a11ce"
INTEROP = Path(__file__).parents[2] / "interop"


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{LEGACY}", "scopes": ["access_as_user"], "permissions": ["Legacy.Read.All"],
                  "access_token_version": 1}],
        "clients": [
            {"client_id": WEB, "client_secret": "web-secret", "grant_types": ["password", "refresh_token"],
             "response_types": []},
            {"client_id": LEGACY, "client_secret": "legacy-secret", "response_types": [],
             "grant_types": ["urn:ietf:params:oauth:grant-type:jwt-bearer"]},
            {"client_id": GRAPH_CALLER, "client_secret": "daemon-secret", "grant_types": ["client_credentials"],
             "response_types": [], "application_permissions": {f"api://{LEGACY}": ["Legacy.Read.All"]}}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password",
                   "claims": {"oid": ALICE_OID, "name": "Alice Smith", "given_name": "Alice"}}],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra-v1")) as running:
        yield running


def app(entra, client_id, secret):
    return msal.ConfidentialClientApplication(client_id, client_credential=secret, instance_discovery=False,
                                              authority=f"{entra.base_url}/{TENANT}")


def run(entra, script: str, job: dict) -> dict:
    done = subprocess.run([sys.executable, str(INTEROP / script)], input=json.dumps(job), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def pyjwt(entra, token: str, issuer: str, audience: str) -> dict:
    return run(entra, "pyjwt_validator.py", {"jwks_uri": f"{entra.base_url}/{TENANT}/discovery/v2.0/keys",
                                             "ca": str(entra.ca), "token": token, "issuer": issuer,
                                             "audience": audience})


def users_token(entra) -> str:
    result = app(entra, WEB, "web-secret").acquire_token_by_username_password(
        "alice@contoso.example", "alice-password", scopes=[f"api://{LEGACY}/access_as_user"])
    assert "access_token" in result, result
    return result["access_token"]


def test_a_users_token_for_a_v1_api_is_a_v1_token(entra):
    checked = pyjwt(entra, users_token(entra), f"https://sts.windows.net/{TENANT}/", f"api://{LEGACY}")
    claims = checked.get("claims")
    assert claims, checked
    assert (claims["ver"], claims["appid"], claims["appidacr"], claims["tid"]) == ("1.0", WEB, "1", TENANT)
    assert (claims["upn"], claims["unique_name"], claims["oid"]) == ("alice@contoso.example",) * 2 + (ALICE_OID,)
    assert claims["scp"] == "access_as_user" and claims["given_name"] == "Alice" and claims["amr"] == ["pwd"]
    assert "azp" not in claims and "preferred_username" not in claims


def test_validators_set_for_v2_tokens_refuse_it_as_they_would_a_real_one(entra):
    token = users_token(entra)
    v2 = pyjwt(entra, token, f"{entra.base_url}/{TENANT}/v2.0", LEGACY)
    assert "InvalidAudienceError" in v2.get("error", "") or "InvalidIssuerError" in v2.get("error", ""), v2
    refused = run(entra, "entra_validator.py", {
        "config_url": f"{entra.base_url}/{TENANT}/v2.0/.well-known/openid-configuration", "app_client_id": LEGACY,
        "tenant_id": TENANT, "ca": str(entra.ca), "token": token, "scope": "access_as_user"})
    assert refused["status"] == 401, refused


def test_an_app_only_token_for_a_v1_api_names_the_daemon_in_appid(entra):
    result = app(entra, GRAPH_CALLER, "daemon-secret").acquire_token_for_client([f"api://{LEGACY}/.default"])
    assert "access_token" in result, result
    claims = pyjwt(entra, result["access_token"], f"https://sts.windows.net/{TENANT}/", f"api://{LEGACY}")["claims"]
    assert (claims["ver"], claims["appid"], claims["roles"], claims["idtyp"]) == (
        "1.0", GRAPH_CALLER, ["Legacy.Read.All"], "app")
    assert claims["idp"] == f"https://sts.windows.net/{TENANT}/" and claims["sub"] == claims["oid"]


def test_the_v1_api_trades_its_v1_token_on_behalf_of_the_user(entra):
    exchanged = app(entra, LEGACY, "legacy-secret").acquire_token_on_behalf_of(users_token(entra), ["User.Read"])
    assert "access_token" in exchanged, exchanged


def test_the_jwks_keys_carry_their_certificate_which_validators_may_build_the_key_from(entra):
    token = users_token(entra)
    checked = run(entra, "pyjwt_validator.py", {
        "jwks_uri": f"{entra.base_url}/{TENANT}/discovery/v2.0/keys", "ca": str(entra.ca), "token": token,
        "issuer": f"https://sts.windows.net/{TENANT}/", "audience": f"api://{LEGACY}", "x5c": True})
    assert checked.get("claims", {}).get("upn") == "alice@contoso.example", checked
