"""MSAL's token cache against the Entra persona: a user signed in for one API, then
acquire_token_silent for that API (from the cache), for a second API and for Microsoft Graph (the
same refresh token: Entra's refresh tokens are not tied to a resource, docs/vendors.md "Entra ID,
as MSAL drives it"), and Entra's answers when the second resource is unknown or refuses the user;
and @azure/msal-node's web-app sign-in (getAuthCodeUrl with PKCE, then acquireTokenByCode)."""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import msal
import pytest
from conftest import Browser, serving_on_443
from interop.node_runner import run_node
from joserfc import jwt
from joserfc.jwk import KeySet

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
WEB, TASKS, REPORTS = ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
                       "66666666-6666-4666-8666-666666666666")
GRAPH = "00000003-0000-0000-c000-000000000000"
REDIRECT = "http://localhost:3000/callback"


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{TASKS}", "scopes": ["access_as_user"]},
                 {"identifier": f"api://{REPORTS}", "scopes": ["Reports.Read"], "app_role_assignment_required": True}],
        "clients": [
            {"client_id": WEB, "client_secret": "web-secret", "redirect_uris": [REDIRECT],
             "grant_types": ["authorization_code", "refresh_token"]},
            {"client_id": REPORTS, "client_secret": "reports-secret", "grant_types": ["client_credentials"],
             "response_types": [], "app_role_assigned_to": ["alice@contoso.example"]}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password"},
                  {"username": "bob@contoso.example", "password": "bob-password"}],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra-cache")) as running:
        yield running


def signed_in(entra, username: str) -> tuple[msal.ConfidentialClientApplication, dict]:
    """The web app after `username` signed in on the page for the Tasks API; its only account."""
    web = msal.ConfidentialClientApplication(WEB, client_credential="web-secret", instance_discovery=False,
                                             authority=f"{entra.base_url}/{TENANT}")
    flow = web.initiate_auth_code_flow([f"api://{TASKS}/access_as_user"], redirect_uri=REDIRECT)
    page = Browser(verify=entra.verify).authorize(flow["auth_uri"], username, username.split("@")[0] + "-password")
    result = web.acquire_token_by_auth_code_flow(flow, dict(parse_qsl(urlsplit(page.headers["location"]).query)))
    assert "access_token" in result, result
    [account] = web.get_accounts()
    return web, account


def claims_of(entra, token: str) -> dict:
    keys = httpx.get(f"{entra.base_url}/{TENANT}/discovery/v2.0/keys", verify=entra.verify).json()
    return jwt.decode(token, KeySet.import_key_set(keys)).claims


def test_silent_tokens_come_from_the_cache_then_from_the_refresh_token_for_other_resources(entra):
    web, account = signed_in(entra, "alice@contoso.example")
    cached = web.acquire_token_silent([f"api://{TASKS}/access_as_user"], account)
    assert cached["token_source"] == "cache"
    reports = web.acquire_token_silent([f"api://{REPORTS}/Reports.Read"], account)
    assert reports and reports["token_source"] == "identity_provider", reports
    claims = claims_of(entra, reports["access_token"])
    assert (claims["aud"], claims["scp"], claims["azp"]) == (REPORTS, "Reports.Read", WEB)
    # The Reports API checks it as Microsoft's Python samples do: PyJWT, the v2.0 discovery's
    # jwks_uri and issuer, its application id as the audience (in a process of its own).
    job = {"discovery": f"{entra.base_url}/{TENANT}/v2.0/.well-known/openid-configuration", "ca": str(entra.ca),
           "token": reports["access_token"], "audience": REPORTS}
    checked = subprocess.run([sys.executable, str(Path(__file__).parents[2] / "interop" / "pyjwt_validator.py")],
                             input=json.dumps(job), capture_output=True, text=True, timeout=60)
    assert json.loads(checked.stdout).get("claims", {}).get("scp") == "Reports.Read", (checked.stdout, checked.stderr)
    graph = web.acquire_token_silent(["User.Read"], account)
    assert graph and claims_of(entra, graph["access_token"])["aud"] == GRAPH, graph
    # Each is now in the cache, under its own resource.
    assert web.acquire_token_silent([f"api://{REPORTS}/Reports.Read"], account)["token_source"] == "cache"


def test_a_silent_request_for_an_unknown_resource_gets_aadsts500011(entra):
    web, account = signed_in(entra, "alice@contoso.example")
    refused = web.acquire_token_silent_with_error(["api://99999999-9999-4999-8999-999999999999/x"], account)
    assert refused["error"] == "invalid_resource" and refused["error_codes"] == [500011], refused


def test_a_silent_request_for_an_api_the_user_is_not_assigned_to_is_aadsts50105(entra):
    web, account = signed_in(entra, "bob@contoso.example")
    refused = web.acquire_token_silent_with_error([f"api://{REPORTS}/Reports.Read"], account)
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [50105], refused
    assert web.acquire_token_silent([f"api://{TASKS}/access_as_user"], account)["token_source"] == "cache"


def test_msal_node_web_app_signs_the_user_in_with_the_authorization_code_flow(entra):
    job = {"authority": f"{entra.base_url}/{TENANT}", "host": urlsplit(entra.base_url).hostname, "clientId": WEB,
           "clientSecret": "web-secret", "scopes": [f"api://{TASKS}/access_as_user"], "redirectUri": REDIRECT,
           "state": "node-state"}
    started = run_node("msal_node.mjs", job, ca=entra.ca)
    assert started["ok"], started
    page = Browser(verify=entra.verify).authorize(started["url"], "alice@contoso.example", "alice-password")
    callback = dict(parse_qsl(urlsplit(page.headers["location"]).query))
    assert callback["state"] == "node-state" and "code" in callback, callback
    done = run_node("msal_node.mjs", {**job, "code": callback["code"], "verifier": started["verifier"]}, ca=entra.ca)
    assert done["ok"], done
    assert claims_of(entra, done["accessToken"])["aud"] == TASKS
    assert done["idTokenClaims"]["preferred_username"] == "alice@contoso.example"
    assert done["homeAccountId"].endswith(f".{TENANT}")
