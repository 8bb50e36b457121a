"""Auth0 Organizations at /authorize, against the real server (tests/seeds/organizations.yaml): a
member signs in through `organization=` and gets tokens with org_id (and org_name where the
tenant allows organization names), kept on refresh; auth0-python's TokenVerifier, in its own
process, checks them as a backend does. An unknown organization, a name where only ids are taken
and a user who is not a member get Auth0's errors at the client's redirect URI."""

import json
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import SEEDS, Browser, start_server
from flavor_support import claims_of

REDIRECT_URI = "http://localhost:3000/callback"
ACME = "org_acme000000000001"
VERIFIER = Path(__file__).parents[2] / "interop" / "auth0_org_verifier.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("organizations"))
    yield running
    running.stop()


def discovery(server, tenant: str) -> dict:
    return httpx.get(server.tenant_url(f"/{tenant}/.well-known/openid-configuration")).json()


def sign_in(server, tenant: str, username: str, **params) -> tuple[dict, str]:
    """The query the browser is sent back to the client with, and the nonce sent."""
    nonce = secrets.token_urlsafe(8)
    query = {"response_type": "code", "client_id": "b2b-app", "redirect_uri": REDIRECT_URI, "state": "st8",
             "scope": "openid profile email offline_access", "nonce": nonce, **params}
    browser = Browser()
    response = browser.authorize(discovery(server, tenant)["authorization_endpoint"] + "?" + urlencode(query),
                                 username, username.split("@")[0] + "-password")
    browser.http.close()
    assert response.status_code == 302, response.text[:500]
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return dict(parse_qsl(urlsplit(location).query)), nonce


def tokens(server, tenant: str, **form) -> dict:
    response = httpx.post(discovery(server, tenant)["token_endpoint"],
                          data={"client_id": "b2b-app", "client_secret": "b2b-app-secret", **form})
    assert response.status_code == 200, response.text
    return response.json()


def verify(server, tenant: str, token: str, nonce: str, *organizations: str) -> list[dict]:
    """auth0-python's TokenVerifier.verify(token, nonce=..., organization=...) in its own process,
    once per expected organization."""
    config = discovery(server, tenant)
    job = {"jwks_uri": config["jwks_uri"], "issuer": config["issuer"], "audience": "b2b-app",
           "token": token, "nonce": nonce, "organizations": organizations}
    done = subprocess.run([sys.executable, str(VERIFIER)], input=json.dumps(job), capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_a_member_signs_in_through_the_organization_and_every_token_carries_its_id(server):
    query, nonce = sign_in(server, "auth0", "alice@acme.example.com", organization=ACME,
                           audience="https://reports.example.com")
    issued = tokens(server, "auth0", grant_type="authorization_code", code=query["code"], redirect_uri=REDIRECT_URI)
    verified, other = verify(server, "auth0", issued["id_token"], nonce, ACME, "org_initech")
    assert verified["ok"], verified
    assert verified["claims"]["org_id"] == ACME and "org_name" not in verified["claims"]
    access = claims_of(issued["access_token"], discovery(server, "auth0"))
    assert access["org_id"] == ACME and "org_name" not in access
    # A backend expecting another organization refuses the token, in auth0-python's words.
    assert not other["ok"] and "Organization (org_id) claim mismatch" in other["error"]
    # A refresh keeps the organization: the grant was signed in through it.
    refreshed = tokens(server, "auth0", grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert claims_of(refreshed["id_token"], discovery(server, "auth0"))["org_id"] == ACME
    assert claims_of(refreshed["access_token"], discovery(server, "auth0"))["org_id"] == ACME


def test_without_an_organization_the_tokens_carry_none(server):
    query, _ = sign_in(server, "auth0", "alice@acme.example.com")
    issued = tokens(server, "auth0", grant_type="authorization_code", code=query["code"], redirect_uri=REDIRECT_URI)
    for token in (issued["id_token"], issued["access_token"]):
        assert not {"org_id", "org_name"} & set(claims_of(token, discovery(server, "auth0")))


def test_where_names_are_allowed_the_name_signs_in_and_the_tokens_carry_org_name(server):
    query, nonce = sign_in(server, "auth0-names", "alice@acme.example.com", organization="ACME")
    issued = tokens(server, "auth0-names", grant_type="authorization_code", code=query["code"],
                    redirect_uri=REDIRECT_URI)
    by_name, by_id = verify(server, "auth0-names", issued["id_token"], nonce, "Acme", ACME)  # names lower-cased
    assert by_name["ok"] and by_id["ok"], (by_name, by_id)
    assert (by_name["claims"]["org_id"], by_name["claims"]["org_name"]) == (ACME, "acme")
    assert claims_of(issued["access_token"], discovery(server, "auth0-names"))["org_name"] == "acme"


@pytest.mark.parametrize("tenant, organization, description", [
    ("auth0", "acme", "authorization request parameter organization must be an organization id"),
    ("auth0", "org_unknown", "parameter organization is invalid: no organization found for 'org_unknown'"),
    ("auth0-names", "umbrella", "parameter organization is invalid: no organization found for 'umbrella'"),
])
def test_an_organization_the_tenant_does_not_know_is_refused_before_the_login_page(server, tenant, organization,
                                                                                   description):
    query = {"response_type": "code", "client_id": "b2b-app", "redirect_uri": REDIRECT_URI, "state": "st8",
             "scope": "openid", "organization": organization}
    response = httpx.get(discovery(server, tenant)["authorization_endpoint"], params=query)
    assert response.status_code == 302  # no login page: sent back to the client
    assert dict(parse_qsl(urlsplit(response.headers["location"]).query)) == {
        "error": "invalid_request", "error_description": description, "state": "st8"}


def test_a_user_who_is_not_a_member_is_sent_back_with_access_denied(server):
    query, _ = sign_in(server, "auth0", "carol@initech.example.com", organization=ACME)
    assert query["error"] == "access_denied" and query["state"] == "st8" and "code" not in query
    user_id, organization = query["error_description"].removeprefix("user ").split(" is not part of the ")
    assert user_id.startswith("auth0|") and organization == f"{ACME} organization"
