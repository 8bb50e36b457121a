"""Entra's refresh tokens as MSAL redeems them: each refresh brings a new one and the one used stays
valid (docs/vendors.md, "Refresh token rotation, per vendor"); and Entra's answers to a refresh
token that can no longer be used (docs/vendors.md, "Entra ID refresh token errors"): inactive past its lifetime, AADSTS700082 with
when it was issued and for how long it lay unused; revoked with the user's tokens, AADSTS50173;
one the directory never issued, AADSTS9002313."""

import re
from urllib.parse import urlsplit

import httpx
import msal
import pytest
from conftest import serving_on_443
from interop.node_runner import run_node

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
APP = "11111111-1111-4111-8111-111111111111"
API = "22222222-2222-4222-8222-222222222222"
SCOPES = [f"api://{API}/access_as_user"]


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{API}", "scopes": ["access_as_user"]}],
        "clients": [{"client_id": APP, "client_secret": "app-secret", "grant_types": ["password", "refresh_token"],
                     "response_types": []}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password"},
                  {"username": "bob@contoso.example", "password": "bob-password"}],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra-refresh")) as running:
        yield running


def app(entra):
    return msal.ConfidentialClientApplication(APP, client_credential="app-secret", instance_discovery=False,
                                              authority=f"{entra.base_url}/{TENANT}")


def signed_in(entra, username):
    result = app(entra).acquire_token_by_username_password(username, username.split("@")[0] + "-password",
                                                           scopes=SCOPES)
    assert "refresh_token" in result, result
    return result["refresh_token"]


def admin(entra, path, body):
    response = httpx.post(f"{entra.base_url}/_admin/tenants/contoso/{path}", json=body, verify=entra.verify)
    assert response.status_code == 200, response.text
    return response


def test_each_refresh_brings_a_new_refresh_token_and_the_used_one_stays_valid(entra):
    first = signed_in(entra, "alice@contoso.example")
    second = app(entra).acquire_token_by_refresh_token(first, SCOPES)
    assert second["access_token"] and second["refresh_token"] != first, second
    # Microsoft: "doesn't revoke old refresh tokens when used to fetch new access tokens".
    again = app(entra).acquire_token_by_refresh_token(first, SCOPES)
    assert again["access_token"] and again["refresh_token"] not in (first, second["refresh_token"]), again
    assert "access_token" in app(entra).acquire_token_by_refresh_token(second["refresh_token"], SCOPES)


def test_a_refresh_token_unused_past_its_lifetime_is_aadsts700082(entra):
    refresh_token = signed_in(entra, "alice@contoso.example")
    assert "access_token" in app(entra).acquire_token_by_refresh_token(refresh_token, SCOPES)
    refresh_token = signed_in(entra, "alice@contoso.example")
    admin(entra, "clock", {"advance_seconds": 91 * 86400})
    try:
        refused = app(entra).acquire_token_by_refresh_token(refresh_token, SCOPES)
    finally:
        admin(entra, "clock", {"offset_seconds": 0})
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [700082], refused
    assert re.match(r"AADSTS700082: The refresh token has expired due to inactivity\. The token was issued on "
                    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z and was inactive for 90\.00:00:00\.\r\nTrace ID: ",
                    refused["error_description"]), refused
    assert refused["error_uri"] == "https://login.microsoftonline.com/error?code=700082"
    assert refused["suberror"] == "bad_token"


def test_a_refresh_token_of_a_user_whose_tokens_were_revoked_is_aadsts50173(entra):
    refresh_token = signed_in(entra, "bob@contoso.example")
    admin(entra, "users/bob@contoso.example/revoke", {})
    refused = app(entra).acquire_token_by_refresh_token(refresh_token, SCOPES)
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [50173], refused
    assert refused["error_description"].startswith(
        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. "
        "The user might have changed or reset their password."), refused
    # Entra's suberror, which makes msal-node raise InteractionRequiredAuthError (sign in again)
    # rather than a ServerError the app does not expect.
    assert refused["suberror"] == "bad_token"
    node = run_node("msal_node.mjs", {"authority": f"{entra.base_url}/{TENANT}", "host": urlsplit(entra.base_url).hostname,
                                      "clientId": APP, "clientSecret": "app-secret", "scopes": SCOPES,
                                      "refreshToken": refresh_token}, ca=entra.ca)
    assert node["ok"] and node["errorClass"] == "InteractionRequiredAuthError", node
    assert (node["errorCode"], node["subError"]) == ("invalid_grant", "bad_token"), node
    # Signing in again gives a refresh token that works.
    assert "access_token" in app(entra).acquire_token_by_refresh_token(signed_in(entra, "bob@contoso.example"), SCOPES)


def test_a_refresh_token_never_issued_is_still_aadsts9002313(entra):
    refused = app(entra).acquire_token_by_refresh_token("not-a-refresh-token", SCOPES)
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [9002313], refused
    assert "suberror" not in refused


MFA = ("AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new "
       "location, you must use multi-factor authentication to access 'api://22222222-2222-4222-8222-222222222222'.")


def test_a_token_scenario_answers_in_entras_shape_as_an_mfa_demand_does(entra):
    armed = httpx.post(f"{entra.base_url}/_admin/tenants/contoso/scenarios", verify=entra.verify, json={
        "endpoint": "token", "error": "invalid_grant", "error_description": MFA})
    assert armed.status_code == 201, armed.text
    refused = app(entra).acquire_token_by_username_password("alice@contoso.example", "alice-password", scopes=SCOPES)
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [50076], refused
    assert refused["suberror"] == "basic_action" and refused["error_description"].startswith(MFA + "\r\nTrace ID: ")
    assert refused["error_uri"] == "https://login.microsoftonline.com/error?code=50076"
