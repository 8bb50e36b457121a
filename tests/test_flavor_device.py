"""The device flow (RFC 8628) as each persona runs it: Okta's /v1/device/authorize and /activate,
Auth0's /oauth/device/code with its audience and 403/429 answers, none on Cognito."""

import re

import httpx
import pytest
from conftest import Browser
from e2e.helpers import DEVICE_GRANT, poll_token, request_device_code
from flavor_support import PERSONAS, assert_shape, claims_of

SCOPE = "openid profile email offline_access"
API = "https://customers.example.com"


def approve(device: dict, username: str = "alice") -> httpx.Response:
    browser = Browser()
    page = browser.get(device["verification_uri_complete"])
    done = browser.login(page, username, f"{username}-password")
    assert done.status_code == 200 and "Device activated" in done.text, done.text[:500]
    return done


def device_tokens(discovery: dict, client_id: str, **params) -> tuple[dict, dict]:
    """(device authorization response, token response) of a device alice approves."""
    started = request_device_code(discovery, client_id, SCOPE, **params)
    assert started.status_code == 200, started.text
    device = started.json()
    approve(device)
    token = poll_token(discovery, device["device_code"], client_id)
    assert token.status_code == 200, token.text
    return device, token.json()


@pytest.mark.parametrize("persona", ["okta", "okta_org"])
def test_okta_device_flow_uses_the_org_activate_page_and_okta_tokens(seed_server, persona):
    discovery = PERSONAS[persona].discovery(seed_server)
    issuer = discovery["issuer"]
    assert discovery["device_authorization_endpoint"] == issuer + (
        "/v1/device/authorize" if persona == "okta" else "/oauth2/v1/device/authorize")
    assert DEVICE_GRANT in discovery["grant_types_supported"]

    device, token = device_tokens(discovery, "0oa-device")

    # One activation page for the org, whichever authorization server asked; eight letters, no dash.
    assert device["verification_uri"] == seed_server.base_url + "/okta/activate"
    assert re.fullmatch(r"[BCDFGHJKLMNPQRSTVWXZ]{8}", device["user_code"])
    assert (device["expires_in"], device["interval"]) == (600, 5)
    access = claims_of(token["access_token"], discovery)
    assert access["cid"] == "0oa-device" and access["sub"] == "alice@example.com"
    assert access["scp"] == SCOPE.split() and access["jti"].startswith("AT.")
    id_claims = claims_of(token["id_token"], discovery)
    assert id_claims["aud"] == "0oa-device" and id_claims["sub"].startswith("00u")
    assert_shape(id_claims, persona, "id_token", extra_ok=lambda key: key in {"department", "groups"})
    assert "refresh_token" in token  # offline_access was asked


def test_okta_pending_answer_is_okta_s(seed_server):
    discovery = PERSONAS["okta"].discovery(seed_server)
    device = request_device_code(discovery, "0oa-device", SCOPE).json()
    pending = poll_token(discovery, device["device_code"], "0oa-device")
    assert pending.status_code == 400
    assert pending.json() == {"error": "authorization_pending",
                              "error_description": "The device authorization is pending. Please try again later."}


def test_auth0_device_flow_gives_an_api_token_for_the_clients_audience(seed_server):
    discovery = PERSONAS["auth0"].discovery(seed_server)
    issuer = discovery["issuer"]
    assert discovery["device_authorization_endpoint"] == issuer + "oauth/device/code"

    device, token = device_tokens(discovery, "auth0-device")

    assert device["verification_uri"] == issuer + "activate"
    assert re.fullmatch(r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}", device["user_code"])
    assert (device["expires_in"], device["interval"]) == (900, 5)
    access = claims_of(token["access_token"], discovery)
    assert access["aud"] == [API, issuer + "userinfo"] and access["azp"] == "auth0-device"
    assert access["sub"].startswith("auth0|") and access["scope"] == SCOPE
    assert claims_of(token["id_token"], discovery)["aud"] == "auth0-device"


def test_auth0_device_code_endpoint_takes_json_and_an_audience(seed_server):
    discovery = PERSONAS["auth0"].discovery(seed_server)
    started = httpx.post(discovery["device_authorization_endpoint"],
                         json={"client_id": "auth0-device", "scope": "openid", "audience": API})
    assert started.status_code == 200

    unknown = request_device_code(discovery, "auth0-device", "openid", audience="https://nope.example.com")
    assert unknown.status_code == 403
    assert unknown.json() == {"error": "access_denied",
                              "error_description": "Service not found: https://nope.example.com"}


def test_auth0_waiting_answers_are_403_and_polling_too_fast_is_429(seed_server):
    discovery = PERSONAS["auth0"].discovery(seed_server)
    device = request_device_code(discovery, "auth0-device", SCOPE).json()

    pending = poll_token(discovery, device["device_code"], "auth0-device")
    too_fast = poll_token(discovery, device["device_code"], "auth0-device")

    assert pending.status_code == 403
    assert pending.json() == {"error": "authorization_pending",
                              "error_description": "User has yet to authorize device code."}
    assert too_fast.status_code == 429 and too_fast.json()["error"] == "slow_down"

    browser = Browser()
    page = browser.get(device["verification_uri_complete"])
    browser.login(page, "frank", "frank-password")  # signs in and approves
    assert poll_token(discovery, device["device_code"], "auth0-device").status_code == 200
    spent = poll_token(discovery, device["device_code"], "auth0-device")
    assert spent.status_code == 403
    assert spent.json() == {"error": "invalid_grant", "error_description": "Invalid or expired device code."}


def test_cognito_has_no_device_flow(seed_server):
    discovery = PERSONAS["cognito"].discovery(seed_server)
    assert "device_authorization_endpoint" not in discovery
    issuer = discovery["issuer"]
    assert httpx.post(issuer + "/oauth2/device/authorize", data={"client_id": "cognito-app-client"}).status_code == 404
    assert httpx.get(issuer + "/activate").status_code == 404
    grant = httpx.post(discovery["token_endpoint"], auth=("cognito-app-client", "cognito-app-secret-0123456789"),
                       data={"grant_type": DEVICE_GRANT, "device_code": "x"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
