"""The device code flow's polling answers as MSAL for Python reads them (docs/vendors.md, "Entra ID,
as MSAL drives it"): pending is AADSTS70016 and MSAL polls on, a user's "Deny" ends the loop as
`authorization_declined`, an expired code is `expired_token` (AADSTS70019); each error quotes the
correlation id MSAL sent (its `client-request-id`), its ids and time on lines of their own."""

import html
import re

import httpx
import msal
import pytest
from conftest import Browser, serving_on_443

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
DEVICE = "55555555-5555-4555-8555-555555555555"
API = "22222222-2222-4222-8222-222222222222"
SCOPES = [f"api://{API}/access_as_user"]


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{API}", "scopes": ["access_as_user"]}],
        "clients": [{"client_id": DEVICE, "response_types": [],
                     "grant_types": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"]}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password"}],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra-device")) as running:
        yield running


def kiosk(entra) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(DEVICE, authority=f"{entra.base_url}/{TENANT}", instance_discovery=False)


def test_a_pending_code_is_aadsts70016_and_quotes_msals_correlation_id(entra):
    app = kiosk(entra)
    flow = app.initiate_device_flow(SCOPES)
    flow["expires_at"] = 0  # acquire_token_by_device_flow returns after its first poll
    pending = app.acquire_token_by_device_flow(flow)
    assert pending["error"] == "authorization_pending" and pending["error_codes"] == [70016], pending
    assert pending["error_description"].startswith(
        "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.\r\nTrace ID: ")
    assert pending["correlation_id"] == flow["_correlation_id"]  # the client-request-id MSAL sent
    assert f"\r\nCorrelation ID: {flow['_correlation_id']}\r\nTimestamp: " in pending["error_description"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", pending["timestamp"])


def test_a_user_who_denies_the_device_ends_msals_polling_as_authorization_declined(entra):
    app = kiosk(entra)
    flow = app.initiate_device_flow(SCOPES)
    browser = Browser(verify=entra.verify)
    first = app.initiate_device_flow(SCOPES)  # signing in on the device page allows that device
    browser.login(browser.get(f"{first['verification_uri']}?user_code={first['user_code']}"),
                  "alice@contoso.example", "alice-password")
    page = browser.get(f"{flow['verification_uri']}?user_code={flow['user_code']}")  # signed in: asked
    form = re.search(r'<form method="post" action="([^"]+)" id="decision-form">(.*?)</form>', page.text, re.S)
    assert form, page.text[:300]
    fields = [(html.unescape(n), html.unescape(v))
              for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))]
    page = browser.http.post(page.url.join(html.unescape(form.group(1))), data=dict(fields + [("decision", "deny")]))
    assert page.status_code == 200, page.text[:300]
    declined = app.acquire_token_by_device_flow(flow)  # MSAL stops polling at once on this error
    assert declined["error"] == "authorization_declined" and declined["error_codes"] == [65004], declined
    assert declined["correlation_id"] == flow["_correlation_id"]


def test_a_code_past_its_fifteen_minutes_is_expired_token(entra):
    app = kiosk(entra)
    flow = app.initiate_device_flow(SCOPES)
    assert flow["expires_in"] == 900
    moved = httpx.post(f"{entra.base_url}/_admin/tenants/contoso/clock", json={"offset_seconds": 901},
                       verify=entra.verify)
    assert moved.status_code == 200, moved.text
    try:
        expired = app.acquire_token_by_device_flow(flow)
    finally:
        httpx.post(f"{entra.base_url}/_admin/tenants/contoso/clock", json={"offset_seconds": 0}, verify=entra.verify)
    assert expired["error"] == "expired_token" and expired["error_codes"] == [70019], expired
    assert expired["error_description"].startswith("AADSTS70019: Verification code expired.")
