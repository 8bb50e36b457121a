"""RFC 8628 device authorization grant on the generic tenant: the device asks for codes and polls,
the user signs in on the verification page in a browser and allows or denies."""

import re
import threading

import httpx

from conftest import Browser

from .helpers import (
    decide_on_page, new_verifier, poll_token, request_device_code, rp, shows_login_form, verify,
    verify_id_token,
)

USER_CODE = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")


def start(discovery, client_id="demo-device", **params) -> dict:
    response = request_device_code(discovery, client_id, **params)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def approve(device: dict, username="alice", password="alice-password") -> httpx.Response:
    """A fresh browser opens verification_uri_complete and signs in, which approves the device."""
    browser = Browser()
    page = browser.get(device["verification_uri_complete"])
    assert shows_login_form(page)
    return browser.login(page, username, password)


def test_device_signs_in_after_the_user_approves_on_the_verification_page(core_discovery, core_issuer):
    device = start(core_discovery)

    # RFC 8628 §3.2: every member, with the verification URI on this tenant.
    assert set(device) == {"device_code", "user_code", "verification_uri", "verification_uri_complete",
                           "expires_in", "interval"}
    assert USER_CODE.match(device["user_code"])
    assert device["verification_uri"] == core_issuer + "/device"
    assert device["verification_uri_complete"] == f"{core_issuer}/device?user_code={device['user_code']}"
    assert (device["expires_in"], device["interval"]) == (600, 5)

    pending = poll_token(core_discovery, device["device_code"], "demo-device")
    assert pending.status_code == 400 and pending.json()["error"] == "authorization_pending"

    page = approve(device)
    assert page.status_code == 200 and "Device activated" in page.text

    token = poll_token(core_discovery, device["device_code"], "demo-device")
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "openid profile offline_access"
    id_claims = verify_id_token(body["id_token"], core_discovery, "demo-device", nonce=None,
                                preferred_username="alice")
    verify(body["access_token"], core_discovery, sub=id_claims["sub"], client_id="demo-device")
    userinfo = httpx.get(core_discovery["userinfo_endpoint"],
                         headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.json()["sub"] == id_claims["sub"]

    # The refresh token works like any other; the device code is spent.
    refreshed = rp(core_discovery, "demo-device", scope=None).refresh_token(
        core_discovery["token_endpoint"], refresh_token=body["refresh_token"])
    assert refreshed["access_token"] != body["access_token"]
    spent = poll_token(core_discovery, device["device_code"], "demo-device")
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"


def test_signed_in_browser_is_asked_to_allow_or_deny(core_discovery):
    browser = Browser()
    first = start(core_discovery)
    browser.login(browser.get(first["verification_uri_complete"]), "bob", "bob-password")

    device = start(core_discovery, scope="openid email")
    page = browser.get(device["verification_uri_complete"])
    assert not shows_login_form(page)
    assert "Signed in as bob" in page.text and "<code>email</code>" in page.text
    denied = decide_on_page(browser, page, "deny")
    assert denied.status_code == 200 and "Device not activated" in denied.text

    refused = poll_token(core_discovery, device["device_code"], "demo-device")
    assert refused.status_code == 400 and refused.json()["error"] == "access_denied"
    after = poll_token(core_discovery, device["device_code"], "demo-device")
    assert after.json()["error"] == "invalid_grant"  # the outcome is reported once

    allowed = start(core_discovery)
    decide_on_page(browser, browser.get(allowed["verification_uri_complete"]), "allow")
    token = poll_token(core_discovery, allowed["device_code"], "demo-device").json()
    assert verify_id_token(token["id_token"], core_discovery, "demo-device")["preferred_username"] == "bob"


def test_user_code_is_typed_in_without_case_or_dash(core_discovery):
    device = start(core_discovery)
    browser = Browser()
    entry = browser.get(device["verification_uri"])
    assert entry.status_code == 200 and 'id="user-code-form"' in entry.text

    typed = device["user_code"].replace("-", " ").lower()
    page = browser.http.get(device["verification_uri"], params={"user_code": typed})
    assert shows_login_form(page)
    browser.login(page, "alice", "alice-password")
    assert poll_token(core_discovery, device["device_code"], "demo-device").status_code == 200


def test_unknown_user_code_is_refused_on_the_page(core_discovery):
    page = httpx.get(core_discovery["issuer"] + "/device", params={"user_code": "BCDF-GHJK"})
    assert page.status_code == 200 and 'role="alert"' in page.text and not shows_login_form(page)


def test_wrong_password_on_the_verification_page_keeps_the_device_pending(core_discovery):
    device = start(core_discovery)
    browser = Browser()
    page = browser.login(browser.get(device["verification_uri_complete"]), "alice", "wrong")
    assert shows_login_form(page) and 'role="alert"' in page.text
    assert poll_token(core_discovery, device["device_code"], "demo-device").json()["error"] == "authorization_pending"


def test_polling_faster_than_the_interval_gets_slow_down_with_a_longer_interval(core_discovery):
    device = start(core_discovery)
    answers = [poll_token(core_discovery, device["device_code"], "demo-device").json() for _ in range(3)]

    assert [a["error"] for a in answers] == ["authorization_pending", "slow_down", "slow_down"]
    # RFC 8628 §3.5: the interval grows by 5 seconds at each slow_down.
    assert "10 seconds" in answers[1]["error_description"]
    assert "15 seconds" in answers[2]["error_description"]


def test_expired_device_code_is_reported_once_then_invalid(core_server, core_discovery):
    from mock_idp.storage.models import DeviceAuthorization

    device = start(core_discovery)
    store = core_server.app.state.store
    row = store.get(DeviceAuthorization, device["device_code"])
    row.expires_at = 0
    store.put(row)

    expired = poll_token(core_discovery, device["device_code"], "demo-device")
    assert expired.status_code == 400 and expired.json()["error"] == "expired_token"
    assert poll_token(core_discovery, device["device_code"], "demo-device").json()["error"] == "invalid_grant"
    page = httpx.get(device["verification_uri_complete"])
    assert 'role="alert"' in page.text and not shows_login_form(page)


def test_concurrent_polls_after_approval_get_one_set_of_tokens(core_discovery):
    device = start(core_discovery)
    approve(device)
    results = []

    def poll():
        results.append(poll_token(core_discovery, device["device_code"], "demo-device").status_code)

    threads = [threading.Thread(target=poll) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [400] * 5


def test_confidential_device_client_authenticates(core_discovery):
    endpoint = core_discovery["device_authorization_endpoint"]
    anonymous = httpx.post(endpoint, data={"client_id": "demo-device-confidential", "scope": "openid"})
    assert anonymous.status_code in (400, 401) and anonymous.json()["error"] == "invalid_client"

    authenticated = httpx.post(endpoint, data={"scope": "openid"},
                               auth=("demo-device-confidential", "demo-device-secret"))
    assert authenticated.status_code == 200
    device = authenticated.json()
    approve(device)
    unauthenticated = poll_token(core_discovery, device["device_code"], "demo-device-confidential")
    assert unauthenticated.json()["error"] == "invalid_client"
    wrong_secret = httpx.post(core_discovery["token_endpoint"], auth=("demo-device-confidential", "nope"),
                              data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                                    "device_code": device["device_code"]})
    assert wrong_secret.status_code == 401 and "www-authenticate" in wrong_secret.headers
    token = httpx.post(core_discovery["token_endpoint"], auth=("demo-device-confidential", "demo-device-secret"),
                       data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                             "device_code": device["device_code"]})
    assert token.status_code == 200 and "refresh_token" not in token.json()  # no refresh grant


def test_device_endpoint_errors(core_discovery):
    unknown = request_device_code(core_discovery, "nobody")
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_client"

    not_allowed = httpx.post(core_discovery["device_authorization_endpoint"], data={"scope": "openid"},
                             auth=("demo-web", "demo-web-secret"))
    assert not_allowed.status_code == 400 and not_allowed.json()["error"] == "unauthorized_client"

    for response in (unknown, not_allowed):
        assert response.json()["error_description"]


def test_token_endpoint_device_grant_errors(core_discovery):
    device = start(core_discovery)

    missing = poll_token(core_discovery, "", "demo-device")
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    made_up = poll_token(core_discovery, new_verifier(), "demo-device")
    assert made_up.status_code == 400 and made_up.json()["error"] == "invalid_grant"
    # RFC 8628 §3.4: the device code is bound to the client that asked for it.
    other_client = httpx.post(core_discovery["token_endpoint"], auth=("demo-device-confidential", "demo-device-secret"),
                              data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                                    "device_code": device["device_code"]})
    assert other_client.status_code == 400 and other_client.json()["error"] == "invalid_grant"
    wrong_grant = httpx.post(core_discovery["token_endpoint"], auth=("demo-web", "demo-web-secret"),
                             data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                                   "device_code": device["device_code"]})
    assert wrong_grant.status_code == 400 and wrong_grant.json()["error"] == "unauthorized_client"
