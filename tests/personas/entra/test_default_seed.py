"""The shipped seed_users.yaml's Entra tenant (at /entra, beside the other personas), as a newcomer
meets it with MSAL for Python: `mock-idp serve --tls`, the local CA trusted, instance_discovery=False.

MSAL's username/password flow first asks `https://<host>/common/userrealm/<user>` (the host
without its port: 443); a 404 there makes it take the plain password grant (msal
authority.user_realm_discovery), so the tenant needs no root path. The server here listens on
443 for that flow; the other flows need no particular port."""

import hashlib
from urllib.parse import parse_qsl, urlsplit

import httpx
import msal
import pytest
from conftest import REPO, Browser, spare_loopback_address, start_server
from joserfc import jwt
from joserfc.jwk import KeySet

SEED = REPO / "seed_users.yaml"
TENANT = "0c0ffee0-0000-4000-8000-00000000e17a"
WEB, API, DAEMON = ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
                    "33333333-3333-4333-8333-333333333333")
ALICE = "alice@contoso.example"
REDIRECT = "http://localhost:3000/callback"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    running = start_server(SEED, tmp_path_factory.mktemp("default-seed-entra"), host=spare_loopback_address(),
                           port=443, tls=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(running.ca))  # as `mock-idp ca` prints it
        yield running
    running.stop()


def authority(served) -> str:
    return f"{served.base_url}/entra/{TENANT}"


def app(served, client_id: str, secret: str) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=authority(served),
                                              instance_discovery=False)


def verified(served, token: str) -> dict:
    doc = httpx.get(f"{authority(served)}/v2.0/.well-known/openid-configuration", verify=served.verify).json()
    assert doc["issuer"] == f"{authority(served)}/v2.0"
    keys = KeySet.import_key_set(httpx.get(doc["jwks_uri"], verify=served.verify).json())
    claims = jwt.decode(token, keys).claims
    assert claims["iss"] == doc["issuer"] and claims["tid"] == TENANT and claims["ver"] == "2.0"
    return claims


def test_the_other_personas_keep_their_paths_beside_the_entra_tenant(served):
    for path in ("/okta/oauth2/default", "/auth0/", "/cognito", "/default"):
        doc = httpx.get(f"{served.base_url}{path.rstrip('/')}/.well-known/openid-configuration", verify=served.verify)
        assert doc.status_code == 200 and doc.json()["issuer"] == served.base_url + path, path
    # Nothing is served at the root's userrealm: MSAL then takes the plain password grant.
    assert httpx.get(f"{served.base_url}/common/userrealm/{ALICE}?api-version=1.0",
                     verify=served.verify).status_code == 404


def test_a_daemon_gets_an_app_only_token_with_its_app_role(served):
    result = app(served, DAEMON, "entra-daemon-secret").acquire_token_for_client([f"api://{API}/.default"])
    assert "access_token" in result, result
    claims = verified(served, result["access_token"])
    assert claims["aud"] == API and claims["roles"] == ["Tasks.Read.All"] and claims["idtyp"] == "app"


def test_username_password_then_on_behalf_of(served):
    result = app(served, WEB, "entra-web-secret").acquire_token_by_username_password(
        ALICE, "alice-password", scopes=[f"api://{API}/access_as_user"])
    assert "access_token" in result, result
    claims = verified(served, result["access_token"])
    assert claims["scp"] == "access_as_user" and claims["roles"] == ["Tasks.Admin"]
    assert result["id_token_claims"]["preferred_username"] == ALICE
    downstream = app(served, API, "entra-api-secret").acquire_token_on_behalf_of(result["access_token"],
                                                                                 ["User.Read"])
    assert "access_token" in downstream, downstream
    assert verified(served, downstream["access_token"])["azp"] == API


def test_auth_code_flow_after_signing_in_on_the_page(served):
    web = app(served, WEB, "entra-web-secret")
    flow = web.initiate_auth_code_flow([f"api://{API}/access_as_user"], redirect_uri=REDIRECT)
    signed_in = Browser(verify=served.verify).authorize(flow["auth_uri"], "frank@contoso.example", "frank-password")
    assert signed_in.status_code == 302 and signed_in.headers["location"].startswith(REDIRECT), signed_in.text[:300]
    result = web.acquire_token_by_auth_code_flow(flow, dict(parse_qsl(urlsplit(signed_in.headers["location"]).query)))
    assert "access_token" in result and "refresh_token" in result, result
    id_claims = verified(served, result["id_token"])
    assert id_claims["nonce"] == hashlib.sha256(flow["nonce"].encode()).hexdigest() and id_claims["aud"] == WEB
