"""The v1.0 endpoints validators point at (docs/vendors.md, "Entra ID v1.0 endpoints"): the v1.0
discovery document (issuer https://sts.windows.net/<tid>/), its key URL (/discovery/keys: the
v2.0 keys without `issuer`), and the v1.0 token endpoint for client credentials with `resource`;
v1.0 tokens name their key's certificate in an `x5t` header beside `kid`, v2.0 tokens do not.
The verifiers run in their own process: PyJWT's PyJWKClient from the v1.0 document, jwks-rsa +
jsonwebtoken from the v1.0 key URL, passport-azure-ad's BearerStrategy from either document."""

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import msal
import pytest
from conftest import serving_on_443
from interop.node_runner import run_node

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
WEB, LEGACY, MODERN, DAEMON = ("11111111-1111-4111-8111-111111111111", "77777777-7777-4777-8777-777777777777",
                               "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333")
V1_ISSUER = f"https://sts.windows.net/{TENANT}/"
INTEROP = Path(__file__).parents[2] / "interop"


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{LEGACY}", "scopes": ["access_as_user"], "permissions": ["Legacy.Read.All"],
                  "access_token_version": 1},
                 {"identifier": f"api://{MODERN}", "scopes": ["access_as_user"], "permissions": ["Modern.Read.All"]}],
        "clients": [
            {"client_id": WEB, "client_secret": "web-secret", "grant_types": ["password"], "response_types": []},
            {"client_id": DAEMON, "client_secret": "daemon-secret", "grant_types": ["client_credentials"],
             "response_types": [], "application_permissions": {f"api://{LEGACY}": ["Legacy.Read.All"],
                                                                f"api://{MODERN}": ["Modern.Read.All"]}}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password"}],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra-v1-endpoints")) as running:
        yield running


def get(entra, path: str) -> httpx.Response:
    return httpx.get(f"{entra.base_url}{path}", verify=entra.verify)


def v1_token(entra, **form) -> httpx.Response:
    """What a script or an ADAL-era client posts to the v1.0 token endpoint."""
    return httpx.post(f"{entra.base_url}/{TENANT}/oauth2/token", verify=entra.verify,
                      data={"grant_type": "client_credentials", "client_id": DAEMON, "client_secret": "daemon-secret",
                            **form})


def pyjwt(entra, job: dict) -> dict:
    done = subprocess.run([sys.executable, str(INTEROP / "pyjwt_validator.py")], capture_output=True, text=True,
                          input=json.dumps({"ca": str(entra.ca), **job}), timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def header(token: str) -> dict:
    return jwt.get_unverified_header(token)


def test_the_v1_document_names_the_v1_issuer_and_only_endpoints_it_serves(entra):
    doc = get(entra, f"/{TENANT}/.well-known/openid-configuration").json()
    assert doc["issuer"] == V1_ISSUER
    assert doc["jwks_uri"] == f"{entra.base_url}/{TENANT}/discovery/keys"
    assert doc["token_endpoint"] == f"{entra.base_url}/{TENANT}/oauth2/token"
    assert doc["tenant_region_scope"] == "NA" and doc["scopes_supported"] == ["openid"]
    # Nothing advertised that is not served: no v1.0 authorize, logout, device code or userinfo.
    assert not {"authorization_endpoint", "end_session_endpoint", "userinfo_endpoint",
                "device_authorization_endpoint", "check_session_iframe", "kerberos_endpoint"} & set(doc)
    assert httpx.get(doc["jwks_uri"], verify=entra.verify).status_code == 200
    assert httpx.post(doc["token_endpoint"], verify=entra.verify, data={}).status_code == 400
    common = get(entra, "/common/.well-known/openid-configuration").json()
    assert common["issuer"] == "https://sts.windows.net/{tenantid}/" and common["tenant_region_scope"] is None
    assert common["jwks_uri"] == f"{entra.base_url}/common/discovery/keys"


def test_the_v1_key_url_serves_the_v2_keys_without_their_issuer(entra):
    v1 = get(entra, f"/{TENANT}/discovery/keys").json()["keys"]
    v2 = get(entra, f"/{TENANT}/discovery/v2.0/keys").json()["keys"]
    assert v1 and [{k: v for k, v in key.items() if k != "issuer"} for key in v2] == v1
    assert all(key["issuer"] == f"{entra.base_url}/{TENANT}/v2.0" for key in v2)
    assert get(entra, "/common/discovery/keys").json()["keys"] == v1


def test_the_v1_token_endpoint_answers_client_credentials_in_the_v1_shape(entra):
    answer = v1_token(entra, resource=f"api://{LEGACY}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"token_type", "expires_in", "ext_expires_in", "expires_on", "not_before", "resource",
                         "access_token"}
    assert body["resource"] == f"api://{LEGACY}" and body["expires_in"] == "3600"
    assert int(body["expires_on"]) - int(body["not_before"]) == 3600
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["ver"], claims["aud"], claims["appid"], claims["roles"]) == (
        "1.0", f"api://{LEGACY}", DAEMON, ["Legacy.Read.All"])
    # The application id names the API as well as its URI; a v2.0 API gets a v2.0 token here too.
    by_id = jwt.decode(v1_token(entra, resource=f"{LEGACY}/").json()["access_token"],
                       options={"verify_signature": False})
    assert by_id["aud"] == f"api://{LEGACY}"
    modern = jwt.decode(v1_token(entra, resource=f"api://{MODERN}").json()["access_token"],
                        options={"verify_signature": False})
    assert (modern["ver"], modern["aud"]) == ("2.0", MODERN)


def test_the_v1_token_endpoint_refuses_in_entra_words(entra):
    missing = v1_token(entra)
    assert missing.status_code == 400 and missing.json()["error_codes"] == [900144], missing.text
    assert "'resource'" in missing.json()["error_description"]
    unknown = v1_token(entra, resource="https://nothing.example/")
    assert unknown.json()["error"] == "invalid_resource" and unknown.json()["error_codes"] == [500011]
    wrong_secret = v1_token(entra, resource=f"api://{LEGACY}", client_secret="nope")
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error_codes"] == [7000215], wrong_secret.text
    password = v1_token(entra, grant_type="password", resource=f"api://{LEGACY}", username="alice@contoso.example",
                        password="alice-password")
    assert password.json()["error"] == "unsupported_grant_type" and password.json()["error_codes"] == [70003]


def test_token_scenarios_fire_at_the_v1_endpoint_and_its_calls_reach_the_audit_trail_masked(entra):
    admin = f"{entra.base_url}/_admin/tenants/contoso"
    armed = httpx.post(f"{admin}/scenarios", verify=entra.verify, json={
        "endpoint": "token", "client_id": DAEMON, "error": "temporarily_unavailable", "times": 1})
    assert armed.status_code == 201, armed.text
    refused = v1_token(entra, resource=f"api://{LEGACY}")
    assert refused.status_code == 503 and refused.json()["error"] == "temporarily_unavailable", refused.text
    assert refused.json()["error_codes"] and refused.json()["correlation_id"]  # Entra's shape
    assert v1_token(entra, resource=f"api://{LEGACY}").status_code == 200  # fired once
    trail = httpx.get(f"{admin}/requests", params={"endpoint": "token"}, verify=entra.verify).json()
    assert [entry["status"] for entry in trail[-2:]] == [503, 200]
    assert trail[-1]["path"] == f"/{TENANT}/oauth2/token" and trail[-1]["client_id"] == DAEMON
    assert ["client_secret", "***"] in trail[-1]["params"] and "daemon-secret" not in str(trail)


def test_pyjwt_validates_v1_tokens_from_the_v1_document_as_a_v1_api_is_set_up(entra):
    """The validator takes jwks_uri and issuer from /<tenant>/.well-known/openid-configuration (the
    v2.0 authority without /v2.0, as Microsoft.Identity.Web derives it for a v1.0 token)."""
    discovery = f"{entra.base_url}/{TENANT}/.well-known/openid-configuration"
    app_only = v1_token(entra, resource=f"api://{LEGACY}").json()["access_token"]
    checked = pyjwt(entra, {"discovery": discovery, "token": app_only, "audience": f"api://{LEGACY}"})
    assert checked.get("claims", {}).get("appid") == DAEMON, checked
    users = msal.ConfidentialClientApplication(WEB, client_credential="web-secret", instance_discovery=False,
                                               authority=f"{entra.base_url}/{TENANT}")
    result = users.acquire_token_by_username_password("alice@contoso.example", "alice-password",
                                                      scopes=[f"api://{LEGACY}/access_as_user"])
    assert "access_token" in result, result
    checked = pyjwt(entra, {"discovery": discovery, "token": result["access_token"], "audience": f"api://{LEGACY}"})
    assert checked.get("claims", {}).get("upn") == "alice@contoso.example", checked
    # A v2.0 token is refused by a validator set up from the v1.0 document, as at Entra.
    modern = v1_token(entra, resource=f"api://{MODERN}").json()["access_token"]
    refused = pyjwt(entra, {"discovery": discovery, "token": modern, "audience": MODERN})
    assert "InvalidIssuerError" in refused.get("error", ""), refused


def test_keys_are_named_by_their_certificate_and_v1_tokens_say_so_twice_in_kid_and_x5t(entra):
    keys = {key["kid"]: key for key in get(entra, f"/{TENANT}/discovery/keys").json()["keys"]}
    for key in keys.values():  # Entra's kid is its certificate's SHA-1 thumbprint, as x5t
        certificate = base64.b64decode(key["x5c"][0])
        assert key["kid"] == key["x5t"] == \
            base64.urlsafe_b64encode(hashlib.sha1(certificate).digest()).rstrip(b"=").decode()  # noqa: S324 - RFC 7517 §4.8
    v1 = header(v1_token(entra, resource=f"api://{LEGACY}").json()["access_token"])
    assert list(v1) == ["typ", "alg", "x5t", "kid"] and v1["x5t"] == v1["kid"] in keys, v1  # Entra's order
    v2 = header(v1_token(entra, resource=f"api://{MODERN}").json()["access_token"])
    assert "x5t" not in v2 and v2["kid"] in keys


def test_jwks_rsa_and_jsonwebtoken_verify_a_v1_token_from_the_v1_key_url(entra):
    token = v1_token(entra, resource=f"api://{LEGACY}").json()["access_token"]
    verified = run_node("jwks_rsa.mjs", {"jwksUri": f"{entra.base_url}/{TENANT}/discovery/keys", "issuer": V1_ISSUER,
                                         "audience": f"api://{LEGACY}", "token": token}, ca=entra.ca)
    assert verified["ok"] and verified["claims"]["appid"] == DAEMON, verified


def test_passport_azure_ad_accepts_v1_tokens_from_the_v1_document_and_v2_tokens_from_the_v2_one(entra):
    """BearerStrategy finds a v1.0 token's key by its x5t header: the kid it looks for."""
    v1 = v1_token(entra, resource=f"api://{LEGACY}").json()["access_token"]
    job = {"identityMetadata": f"{entra.base_url}/{TENANT}/.well-known/openid-configuration", "clientID": LEGACY,
           "audience": f"api://{LEGACY}", "token": v1}
    accepted = run_node("passport_azure_ad.mjs", job, ca=entra.ca)
    assert accepted["ok"] and accepted["authenticated"], accepted
    assert (accepted["claims"]["appid"], accepted["claims"]["iss"]) == (DAEMON, V1_ISSUER)
    v2 = v1_token(entra, resource=f"api://{MODERN}").json()["access_token"]
    accepted = run_node("passport_azure_ad.mjs", {
        "identityMetadata": f"{entra.base_url}/{TENANT}/v2.0/.well-known/openid-configuration", "clientID": MODERN,
        "audience": MODERN, "token": v2}, ca=entra.ca)
    assert accepted["ok"] and accepted["authenticated"] and accepted["claims"]["azp"] == DAEMON, accepted
    # A v2.0 token at a v1.0 setup: the issuer differs, as at Entra.
    refused = run_node("passport_azure_ad.mjs", {**job, "clientID": MODERN, "audience": MODERN, "token": v2},
                       ca=entra.ca)
    assert refused["ok"] and not refused["authenticated"], refused


def test_the_v2_document_lists_entras_client_authentication_methods_and_no_region_at_the_aliases(entra):
    tenant = get(entra, f"/{TENANT}/v2.0/.well-known/openid-configuration").json()
    assert tenant["token_endpoint_auth_methods_supported"] == ["client_secret_post", "private_key_jwt",
                                                               "client_secret_basic"]
    assert tenant["tenant_region_scope"] == "NA"
    for alias in ("common", "organizations"):
        doc = get(entra, f"/{alias}/v2.0/.well-known/openid-configuration").json()
        assert doc["tenant_region_scope"] is None and doc["issuer"] == f"{entra.base_url}/{{tenantid}}/v2.0"
