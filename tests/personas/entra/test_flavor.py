"""The Entra ID persona as MSAL for Python sees it, over --tls on port 443 with its defaults
(instance_discovery=False for an authority it does not know; the local CA trusted, nothing
switched off): client credentials with a secret and with a certificate, username/password,
authorization code after a real sign-in, on-behalf-of, and refresh through MSAL's token cache."""

import datetime
import subprocess
import sys
import uuid
from pathlib import Path
import hashlib
import json
import html
from urllib.parse import parse_qsl, urlsplit

import httpx
import msal
import pytest
from aws_support import mock_idp
from conftest import Browser, serving_on_443
from interop.node_runner import run_node
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import KeySet

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
WEB = "11111111-1111-4111-8111-111111111111"
API = "22222222-2222-4222-8222-222222222222"
DAEMON = "33333333-3333-4333-8333-333333333333"
DOWNSTREAM = "44444444-4444-4444-8444-444444444444"
DEVICE = "55555555-5555-4555-8555-555555555555"
ALICE_OID = "aaaaaaaa-0000-4000-8000-0000000a11ce"
REDIRECT = "http://localhost:3000/callback"


def certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "daemon")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
            cert.public_bytes(serialization.Encoding.PEM).decode(), cert.fingerprint(hashes.SHA1()).hex())


PRIVATE_PEM, CERT_PEM, SHA1_THUMBPRINT = certificate()


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{API}", "scopes": ["access_as_user"],
                  "permissions": ["Tasks.Read.All", "Tasks.Write.All"]},
                 {"identifier": f"api://{DOWNSTREAM}", "scopes": ["Files.Read"], "permissions": ["Files.Read.All"],
                  "app_role_assignment_required": True}],
        "clients": [
            {"client_id": WEB, "client_secret": "web-secret", "redirect_uris": [REDIRECT],
             "grant_types": ["authorization_code", "refresh_token", "password"]},
            {"client_id": API, "client_secret": "api-secret", "response_types": [],
             "grant_types": ["urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token"]},
            {"client_id": DAEMON, "certificates": [CERT_PEM], "response_types": [],
             "grant_types": ["client_credentials"]},
            {"client_id": DOWNSTREAM, "client_secret": "daemon-secret", "response_types": [],
             "grant_types": ["client_credentials"],
             "application_permissions": {f"api://{API}": ["Tasks.Read.All"]},
             # It requires assignment (its API's app_role_assignment_required): alice is assigned.
             "app_role_assigned_to": ["alice@contoso.example"]},
            {"client_id": DEVICE, "response_types": [],
             "grant_types": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"]},
        ],
        "users": [{"username": "alice@contoso.example", "password": "alice-password",
                   "claims": {"oid": ALICE_OID, "name": "Alice Smith", "roles": {API: ["Tasks.Admin"]},
                              "groups": ["0b1f3a2c-0000-4000-8000-00000000a001"]}},
                  {"username": "bob@contoso.example", "password": "bob-password",
                   "claims": {"groups": [str(uuid.UUID(int=n)) for n in range(201)]}}],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra")) as running:
        yield running


def authority(entra) -> str:
    return f"{entra.base_url}/{TENANT}"


def app(entra, client_id, credential, **options):
    return msal.ConfidentialClientApplication(client_id, client_credential=credential, authority=authority(entra),
                                              instance_discovery=False, **options)


def claims_of(entra, token: str) -> dict:
    doc = httpx.get(f"{authority(entra)}/v2.0/.well-known/openid-configuration", verify=entra.verify).json()
    keys = KeySet.import_key_set(httpx.get(doc["jwks_uri"], verify=entra.verify).json())
    claims = jwt.decode(token, keys).claims
    assert claims["iss"] == doc["issuer"] == f"{authority(entra)}/v2.0"
    return claims


def test_discovery_jwks_and_the_common_alias_look_like_entra(entra):
    doc = httpx.get(f"{authority(entra)}/v2.0/.well-known/openid-configuration", verify=entra.verify).json()
    assert doc["token_endpoint"] == f"{authority(entra)}/oauth2/v2.0/token"
    assert doc["jwks_uri"] == f"{authority(entra)}/discovery/v2.0/keys"
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    common = httpx.get(f"{entra.base_url}/common/v2.0/.well-known/openid-configuration", verify=entra.verify).json()
    assert common["issuer"] == f"{entra.base_url}/{{tenantid}}/v2.0"
    keys = httpx.get(doc["jwks_uri"], verify=entra.verify).json()["keys"]
    assert keys and all(key["issuer"] == doc["issuer"] for key in keys)


def test_client_credentials_with_a_secret(entra):
    result = app(entra, DOWNSTREAM, "daemon-secret").acquire_token_for_client([f"api://{API}/.default"])
    assert "access_token" in result, result
    claims = claims_of(entra, result["access_token"])
    assert claims["aud"] == API and claims["ver"] == "2.0" and claims["tid"] == TENANT
    assert claims["roles"] == ["Tasks.Read.All"] and claims["idtyp"] == "app" and "scp" not in claims
    assert claims["azp"] == DOWNSTREAM and claims["azpacr"] == "1"


def test_a_daemon_granted_no_app_role_gets_a_token_without_roles(entra):
    # DAEMON has no application permission on the API: Entra still issues the token, without `roles`.
    result = app(entra, DAEMON, {"private_key": PRIVATE_PEM, "public_certificate": CERT_PEM}
                 ).acquire_token_for_client([f"api://{API}/.default"])
    assert "access_token" in result, result
    claims = claims_of(entra, result["access_token"])
    assert claims["aud"] == API and claims["idtyp"] == "app" and "roles" not in claims


def test_an_api_requiring_assignment_refuses_a_daemon_without_a_role_with_aadsts501051(entra):
    result = app(entra, DAEMON, {"private_key": PRIVATE_PEM, "public_certificate": CERT_PEM}
                 ).acquire_token_for_client([f"api://{DOWNSTREAM}/.default"])
    assert result["error"] == "invalid_grant" and result["error_codes"] == [501051], result
    assert result["error_description"].startswith(
        f"AADSTS501051: Application '{DAEMON}'({DAEMON}) is not assigned to a role for the application "
        f"'api://{DOWNSTREAM}'")


def test_client_credentials_with_a_certificate_by_sha256_and_sha1_thumbprint(entra):
    by_sha256 = app(entra, DAEMON, {"private_key": PRIVATE_PEM, "public_certificate": CERT_PEM})
    result = by_sha256.acquire_token_for_client([f"api://{API}/.default"])
    assert "access_token" in result, result
    assert claims_of(entra, result["access_token"])["azpacr"] == "2"
    by_sha1 = app(entra, DAEMON, {"private_key": PRIVATE_PEM, "thumbprint": SHA1_THUMBPRINT})
    assert "access_token" in by_sha1.acquire_token_for_client([f"api://{API}/.default"])


def test_a_wrong_secret_gets_aadsts7000215(entra):
    result = app(entra, DOWNSTREAM, "wrong").acquire_token_for_client([f"api://{API}/.default"])
    assert result["error"] == "invalid_client" and result["error_codes"] == [7000215]
    assert result["error_description"].startswith("AADSTS7000215:")


def test_client_credentials_need_a_default_scope(entra):
    result = app(entra, DOWNSTREAM, "daemon-secret").acquire_token_for_client([f"api://{API}/access_as_user"])
    assert result["error"] == "invalid_scope" and result["error_codes"] == [1002012]


def test_username_password_asks_the_user_realm_and_fills_the_cache(entra):
    realm = httpx.get(f"{entra.base_url}/common/userrealm/alice@contoso.example?api-version=1.0",
                      verify=entra.verify).json()
    assert realm["account_type"] == "Managed"
    web = app(entra, WEB, "web-secret")
    result = web.acquire_token_by_username_password("alice@contoso.example", "alice-password",
                                                    scopes=[f"api://{API}/access_as_user"])
    assert "access_token" in result, result
    claims = claims_of(entra, result["access_token"])
    assert claims["aud"] == API and claims["scp"] == "access_as_user" and claims["oid"] == ALICE_OID
    assert claims["roles"] == ["Tasks.Admin"] and claims["groups"] == ["0b1f3a2c-0000-4000-8000-00000000a001"]
    assert result["id_token_claims"]["preferred_username"] == "alice@contoso.example"
    accounts = web.get_accounts()
    assert [a["home_account_id"] for a in accounts] == [f"{ALICE_OID}.{TENANT}"]
    wrong = web.acquire_token_by_username_password("alice@contoso.example", "nope", scopes=[f"api://{API}/access_as_user"])
    assert wrong["error"] == "invalid_grant" and wrong["error_codes"] == [50126]


def test_auth_code_flow_after_a_real_sign_in_then_refresh_from_the_cache(entra):
    web = app(entra, WEB, "web-secret")
    flow = web.initiate_auth_code_flow([f"api://{API}/access_as_user"], redirect_uri=REDIRECT)
    browser = Browser(verify=entra.verify)
    response = browser.authorize(flow["auth_uri"], "alice@contoso.example", "alice-password")
    callback = response.headers["location"]
    assert callback.startswith(REDIRECT), callback
    result = web.acquire_token_by_auth_code_flow(flow, dict(parse_qsl(urlsplit(callback).query)))
    assert "access_token" in result and "refresh_token" in result, result
    id_claims = claims_of(entra, result["id_token"])
    # MSAL sends the SHA-256 of its nonce and compares the ID token's with that.
    assert id_claims["nonce"] == hashlib.sha256(flow["nonce"].encode()).hexdigest()
    assert id_claims["aud"] == WEB and id_claims["oid"] == ALICE_OID and id_claims["ver"] == "2.0"
    account = web.get_accounts()[0]
    refreshed = web.acquire_token_silent([f"api://{API}/access_as_user"], account, force_refresh=True)
    assert refreshed and "access_token" in refreshed and refreshed["access_token"] != result["access_token"]
    assert refreshed.get("token_source") == "identity_provider"


def test_on_behalf_of_trades_the_users_token_for_a_downstream_one(entra):
    user_token = app(entra, WEB, "web-secret").acquire_token_by_username_password(
        "alice@contoso.example", "alice-password", scopes=[f"api://{API}/access_as_user"])["access_token"]
    middle_tier = app(entra, API, "api-secret")
    result = middle_tier.acquire_token_on_behalf_of(user_token, [f"api://{DOWNSTREAM}/Files.Read"])
    assert "access_token" in result, result
    claims = claims_of(entra, result["access_token"])
    assert claims["aud"] == DOWNSTREAM and claims["oid"] == ALICE_OID and claims["azp"] == API
    assert "roles" not in claims  # alice's app role is the middle tier's, not the downstream API's
    assert claims["scp"] == "Files.Read"
    # A token for another app is not the middle tier's to trade.
    daemon_token = app(entra, DOWNSTREAM, "daemon-secret").acquire_token_for_client(
        [f"api://{API}/.default"])["access_token"]
    refused = middle_tier.acquire_token_on_behalf_of(daemon_token, [f"api://{DOWNSTREAM}/Files.Read"])
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [500131]


def test_the_tenant_page_gives_the_msal_settings(entra):
    page = httpx.get(entra.base_url + "/_ui", verify=entra.verify)
    assert page.status_code == 200
    assert f"authority '{authority(entra)}/v2.0' without its '/v2.0', instance_discovery=False" in html.unescape(page.text)


def test_the_admin_api_mints_entra_shaped_tokens(entra):
    minted = httpx.post(f"{entra.base_url}/_admin/tenants/contoso/tokens", verify=entra.verify, json={
        "username": "alice@contoso.example", "client_id": WEB, "scope": f"openid profile api://{API}/access_as_user"})
    assert minted.status_code == 200, minted.text
    claims = claims_of(entra, minted.json()["access_token"])
    assert claims["ver"] == "2.0" and claims["aud"] == API and claims["scp"] == "access_as_user"


def test_check_token_takes_an_entra_id_token_for_appsync(entra):
    result = app(entra, WEB, "web-secret").acquire_token_by_username_password(
        "alice@contoso.example", "alice-password", scopes=[f"api://{API}/access_as_user"])
    checked = mock_idp("check-token", result["id_token"], "--for", "appsync", "--issuer", f"{authority(entra)}/v2.0",
                       "--client-id", WEB,
                       "--ca", str(entra.ca))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def validate(entra, token: str) -> dict:
    job = {"config_url": f"{authority(entra)}/v2.0/.well-known/openid-configuration", "app_client_id": API,
           "tenant_id": TENANT, "ca": str(entra.ca), "token": token, "scope": "access_as_user"}
    script = Path(__file__).parents[2] / "interop" / "entra_validator.py"
    done = subprocess.run([sys.executable, str(script)], input=json.dumps(job), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_fastapi_azure_auth_accepts_the_users_token_with_its_defaults(entra):
    web = app(entra, WEB, "web-secret")
    token = web.acquire_token_by_username_password("alice@contoso.example", "alice-password",
                                                   scopes=[f"api://{API}/access_as_user"])["access_token"]
    accepted = validate(entra, token)
    assert accepted["status"] == 200 and accepted["body"]["oid"] == ALICE_OID, accepted
    other_api = web.acquire_token_by_username_password("alice@contoso.example", "alice-password",
                                                       scopes=[f"api://{DOWNSTREAM}/Files.Read"])["access_token"]
    assert validate(entra, other_api)["status"] in (401, 403)  # another API's token: refused


def test_device_code_flow_with_msal_public_client(entra):
    pca = msal.PublicClientApplication(DEVICE, authority=authority(entra), instance_discovery=False)
    flow = pca.initiate_device_flow(scopes=[f"api://{API}/access_as_user"])
    assert flow["message"].startswith("To sign in, use a web browser to open the page"), flow
    assert "verification_uri_complete" not in flow
    browser = Browser(verify=entra.verify)
    page = browser.get(f"{flow['verification_uri']}?user_code={flow['user_code']}")
    done = browser.login(page, "alice@contoso.example", "alice-password")
    assert done.status_code == 200, done.text[:300]
    result = pca.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert claims_of(entra, result["access_token"])["azpacr"] == "0"


def test_subjects_are_pairwise_and_many_groups_become_the_overage_claim(entra):
    def mint(username, client_id):
        response = httpx.post(f"{entra.base_url}/_admin/tenants/contoso/tokens", verify=entra.verify, json={
            "username": username, "client_id": client_id, "scope": "openid profile"})
        assert response.status_code == 200, response.text
        return claims_of(entra, response.json()["id_token"])
    web, device = mint("alice@contoso.example", WEB), mint("alice@contoso.example", DEVICE)
    assert web["oid"] == device["oid"] == ALICE_OID and web["sub"] != device["sub"]
    bob = mint("bob@contoso.example", WEB)
    assert "groups" not in bob and bob["_claim_names"] == {"groups": "src1"}


def test_msal_node_with_known_authorities(entra):
    host = urlsplit(entra.base_url).hostname
    job = {"authority": authority(entra), "host": host, "clientId": DOWNSTREAM, "clientSecret": "daemon-secret",
           "scopes": [f"api://{API}/.default"]}
    daemon = run_node("msal_node.mjs", job, ca=entra.ca)
    assert daemon["ok"], daemon
    assert claims_of(entra, daemon["accessToken"])["roles"] == ["Tasks.Read.All"]
    user = run_node("msal_node.mjs", {**job, "clientId": WEB, "clientSecret": "web-secret",
                                      "scopes": [f"api://{API}/access_as_user"],
                                      "username": "alice@contoso.example", "password": "alice-password"}, ca=entra.ca)
    assert user["ok"], user
    assert user["homeAccountId"] == f"{ALICE_OID}.{TENANT}"
    assert claims_of(entra, user["accessToken"])["scp"] == "access_as_user"


def test_graph_style_userinfo_and_the_v2_logout(entra):
    token = app(entra, WEB, "web-secret").acquire_token_by_username_password(
        "alice@contoso.example", "alice-password", scopes=["User.Read"])["access_token"]
    assert claims_of(entra, token)["aud"] == "00000003-0000-0000-c000-000000000000"  # Graph's
    info = httpx.get(f"{authority(entra)}/oidc/userinfo", headers={"Authorization": f"Bearer {token}"},
                     verify=entra.verify)
    assert info.status_code == 200, info.text
    assert info.json()["name"] == "Alice Smith" and info.json()["sub"]
    logout = httpx.get(f"{authority(entra)}/oauth2/v2.0/logout", verify=entra.verify)
    assert logout.status_code == 200


def test_the_common_authority_signs_users_into_the_directory(entra):
    common = msal.ConfidentialClientApplication(WEB, client_credential="web-secret", instance_discovery=False,
                                                authority=f"{entra.base_url}/common")
    result = common.acquire_token_by_username_password("alice@contoso.example", "alice-password",
                                                       scopes=[f"api://{API}/access_as_user"])
    assert "access_token" in result, result
    claims = claims_of(entra, result["access_token"])  # iss names the directory, not "common"
    assert claims["tid"] == TENANT and common.get_accounts()[0]["home_account_id"] == f"{ALICE_OID}.{TENANT}"


@pytest.mark.parametrize("case, params, code", [
    ("two resources", {"grant_type": "password", "username": "alice@contoso.example", "password": "alice-password",
                       "scope": f"api://{API}/access_as_user api://{DOWNSTREAM}/Files.Read"}, 28000),
    ("unknown resource", {"grant_type": "password", "username": "alice@contoso.example",
                          "password": "alice-password", "scope": "api://nobody/x"}, 500011),
    ("unknown scope", {"grant_type": "password", "username": "alice@contoso.example",
                       "password": "alice-password", "scope": f"api://{API}/nope"}, 650053),
    ("obo without requested_token_use", {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                         "assertion": "x", "scope": f"api://{DOWNSTREAM}/Files.Read"}, 900144),
    ("obo with garbage", {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "not.a.jwt",
                          "requested_token_use": "on_behalf_of", "scope": f"api://{DOWNSTREAM}/Files.Read"}, 50013),
    ("no grant type", {}, 900144),
])
def test_bad_token_requests_get_aadsts_codes(entra, case, params, code):
    client = (API, "api-secret") if "assertion" in params else (WEB, "web-secret")
    response = httpx.post(f"{authority(entra)}/oauth2/v2.0/token", verify=entra.verify,
                          data={**params, "client_id": client[0], "client_secret": client[1]})
    assert response.status_code in (400, 401), (case, response.text)
    body = response.json()
    assert body["error_codes"] == [code] and body["error_description"].startswith(f"AADSTS{code}:"), (case, body)
    assert body["trace_id"] and body["correlation_id"]


def redirected_error(entra, flow, **changes) -> dict:
    """Follow the authorization request as a browser would, up to the client's redirect URI."""
    parts = urlsplit(flow["auth_uri"])
    query = {**dict(parse_qsl(parts.query)), **changes}
    response = httpx.get(f"{parts.scheme}://{parts.netloc}{parts.path}", params=query, verify=entra.verify)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return dict(parse_qsl(location.query or location.fragment))  # token response types answer in the fragment


def test_an_invalid_scope_is_redirected_to_the_client_as_aadsts70011(entra):
    web = app(entra, WEB, "web-secret")
    flow = web.initiate_auth_code_flow([f"api://{API}/.default", f"api://{API}/access_as_user"], redirect_uri=REDIRECT)
    params = redirected_error(entra, flow)
    assert params["state"] == flow["state"] and params["error"] == "invalid_scope"
    assert params["error_uri"] == "https://login.microsoftonline.com/error?code=70011"
    assert "error_codes" not in params and "Trace ID: " in params["error_description"]
    result = web.acquire_token_by_auth_code_flow(flow, params)  # MSAL hands the error to the app
    assert result["error"] == "invalid_scope"
    assert result["error_description"].startswith("AADSTS70011: The provided value for the input parameter 'scope' "
                                                   "is not valid.")


def test_a_response_type_the_app_may_not_use_is_redirected_as_aadsts700054(entra):
    flow = app(entra, WEB, "web-secret").initiate_auth_code_flow([f"api://{API}/access_as_user"],
                                                                 redirect_uri=REDIRECT)
    params = redirected_error(entra, flow, response_type="token")
    assert params["error"] == "unsupported_response_type", params
    assert params["error_description"].startswith("AADSTS700054: response_type 'token' is not enabled for the "
                                                   "application."), params


def shown_error(entra, **query) -> str:
    response = httpx.get(f"{authority(entra)}/oauth2/v2.0/authorize", verify=entra.verify,
                         params={"response_type": "code", "scope": "openid", **query})
    assert response.status_code == 400 and "location" not in response.headers, response.headers
    return html.unescape(response.text)


def test_an_unknown_application_is_shown_aadsts700016_and_never_redirected(entra):
    unknown = "66666666-6666-4666-8666-666666666666"
    page = shown_error(entra, client_id=unknown, redirect_uri=REDIRECT)
    assert f"AADSTS700016: Application with identifier '{unknown}' was not found in the directory" in page
    assert "Correlation Id: " in page


def test_an_unregistered_redirect_uri_is_shown_aadsts50011_and_never_redirected(entra):
    page = shown_error(entra, client_id=WEB, redirect_uri="https://evil.example/callback")
    assert ("AADSTS50011: The redirect URI 'https://evil.example/callback' specified in the request does not match "
            f"the redirect URIs configured for the application '{WEB}'.") in page


def test_the_admin_api_grants_app_roles_the_api_defines_and_the_daemon_gets_them(entra):
    clients = f"{entra.base_url}/_admin/tenants/contoso/clients"
    extra = "77777777-7777-4777-8777-777777777777"
    body = {"client_id": extra, "client_secret": "extra-secret", "response_types": [],
            "grant_types": ["client_credentials"], "application_permissions": {f"api://{API}": ["Tasks.Wrte.All"]}}
    refused = httpx.post(clients, json=body, verify=entra.verify)
    assert refused.status_code == 400, refused.text
    assert f"application_permissions.api://{API}[0]" in refused.text and "did you mean 'Tasks.Write.All'" in refused.text
    body["application_permissions"] = {f"api://{API}": ["Tasks.Write.All"]}
    assert httpx.post(clients, json=body, verify=entra.verify).status_code == 201
    try:
        result = app(entra, extra, "extra-secret").acquire_token_for_client([f"api://{API}/.default"])
        assert claims_of(entra, result["access_token"])["roles"] == ["Tasks.Write.All"], result
    finally:
        httpx.delete(f"{clients}/{extra}", verify=entra.verify)
