"""Entra's single-page application platform: codes and refresh tokens of a `single_page_app`
registration are redeemed cross-origin only (an Origin header, as a browser sends), AADSTS9002327
otherwise; those of any other registration never cross-origin, AADSTS9002326 (docs/vendors.md,
"SPA SDKs in the browser"). msal-browser in Chromium: tests/pages/test_spa_sdks.py."""

import httpx
import pytest
import yaml

from conftest import start_server
from mock_idp.config import ConfigError, load_config
from mock_idp.personas import all_flavors

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
SPA, WEB = "44444444-4444-4444-8444-444444444444", "11111111-1111-4111-8111-111111111111"
APP_ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    folder = tmp_path_factory.mktemp("entra-spa")
    common = {"grant_types": ["password", "refresh_token"], "response_types": []}
    (folder / "seed.yaml").write_text(yaml.safe_dump({"tenants": {"contoso": {
        "flavor": "entra", "tenant_id": TENANT,
        "clients": [{"client_id": SPA, "single_page_app": True, "redirect_uris": [f"{APP_ORIGIN}/callback"], **common},
                    {"client_id": WEB, **common}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password"}]}}}))
    running = start_server(folder / "seed.yaml", folder / "data", admin=True)
    yield f"{running.base_url}/contoso/{TENANT}/oauth2/v2.0/token"
    running.stop()


def advance_clock(token_url: str, seconds: int) -> None:
    base = token_url.split("/contoso/")[0]
    body = {"advance_seconds": seconds} if seconds else {"offset_seconds": 0}
    assert httpx.post(f"{base}/_admin/tenants/contoso/clock", json=body).status_code == 200


def token(url: str, client_id: str, origin: str | None = None, **params) -> httpx.Response:
    headers = {"Origin": origin} if origin else {}
    return httpx.post(url, data={"client_id": client_id, "scope": "openid offline_access", **params}, headers=headers)


def refresh_token(url: str, client_id: str) -> str:
    # The password grant is no redemption: Entra's SPA rule is about codes and refresh tokens.
    answer = token(url, client_id, grant_type="password", username="alice@contoso.example", password="alice-password")
    assert answer.status_code == 200, answer.text
    return answer.json()["refresh_token"]


def test_a_single_page_apps_refresh_token_is_redeemed_from_the_browser_with_cors(entra):
    answer = token(entra, SPA, APP_ORIGIN, grant_type="refresh_token", refresh_token=refresh_token(entra, SPA))
    assert answer.status_code == 200, answer.text
    assert answer.json()["access_token"]


def test_a_single_page_apps_refresh_token_redeemed_without_an_origin_is_aadsts9002327(entra):
    answer = token(entra, SPA, grant_type="refresh_token", refresh_token=refresh_token(entra, SPA))
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_request" and body["error_codes"] == [9002327]
    assert body["error_description"].startswith("AADSTS9002327: Tokens issued for the 'Single-Page Application' "
                                                "client-type may only be redeemed via cross-origin requests.")


def test_a_web_apps_refresh_token_redeemed_cross_origin_is_aadsts9002326_and_stays_valid(entra):
    refresh = refresh_token(entra, WEB)
    answer = token(entra, WEB, APP_ORIGIN, grant_type="refresh_token", refresh_token=refresh)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_request" and body["error_codes"] == [9002326]
    assert body["error_description"].startswith(
        "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' "
        f"client-type. Request origin: '{APP_ORIGIN}'.")
    # Refused before anything was redeemed: the server it was meant for still can.
    assert token(entra, WEB, grant_type="refresh_token", refresh_token=refresh).status_code == 200


def test_a_single_page_apps_refresh_tokens_share_24_hours_then_aadsts700084(entra):
    first = refresh_token(entra, SPA)
    try:
        advance_clock(entra, 23 * 3600)
        renewed = token(entra, SPA, APP_ORIGIN, grant_type="refresh_token", refresh_token=first)
        assert renewed.status_code == 200, renewed.text
        # The new one carries over the first one's expiry: used 2 hours later, the 24 hours are over.
        advance_clock(entra, 2 * 3600)
        expired = token(entra, SPA, APP_ORIGIN, grant_type="refresh_token", refresh_token=renewed.json()["refresh_token"])
        assert expired.status_code == 400
        body = expired.json()
        assert body["error"] == "invalid_grant" and body["error_codes"] == [700084]
        assert body["error_description"].startswith(
            "AADSTS700084: The refresh token was issued to a single page app (SPA), and therefore has a fixed, "
            "limited lifetime of 1.00:00:00, which cannot be extended.")
        # A web app's refresh token lives on (Entra's 90 days of inactivity).
        web = refresh_token(entra, WEB)
        advance_clock(entra, 25 * 3600)
        assert token(entra, WEB, grant_type="refresh_token", refresh_token=web).status_code == 200
    finally:
        advance_clock(entra, 0)


def test_single_page_app_is_refused_on_another_persona(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump({"tenants": {"t": {"flavor": "okta", "clients": [
        {"client_id": "spa", "redirect_uris": ["https://app.example/cb"], "single_page_app": True}]}}}))
    with pytest.raises(ConfigError) as refused:
        load_config(seed, personas=all_flavors())
    assert "single_page_app" in str(refused.value) and "seed.yaml" in str(refused.value)
