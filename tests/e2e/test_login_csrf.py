"""Login CSRF (issue 18, finding 7): a sign-in is accepted from our own pages only, and a form's token
completes only the authorization request it was shown for, so a cookie and token pair an attacker
fetched (and tossed into the victim's browser from another port) signs no one in. The same in a
real Chromium: tests/pages/test_cross_origin.py."""

from urllib.parse import urlencode

import httpx
import pytest

from conftest import Browser

from .helpers import REDIRECT_URI, request_device_code
from .test_page_security import login_form_fields, post_login

QUERY = {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "openid"}


def login_page(browser: Browser, discovery: dict, state: str) -> httpx.Response:
    return browser.get(discovery["authorization_endpoint"] + "?" + urlencode({**QUERY, "state": state}))


def signed_in(browser: Browser, discovery: dict) -> bool:
    answer = browser.get(discovery["authorization_endpoint"] + "?" + urlencode({**QUERY, "prompt": "none"}))
    return "code=" in answer.headers.get("location", "")


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:1"},  # another port of this host
    {"Origin": "http://evil.example"},
    {"Origin": "null"},  # a sandboxed frame
    {"Sec-Fetch-Site": "same-site"},  # what Chromium says of another port of this host
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
])
def test_a_sign_in_posted_by_another_sites_page_is_refused_with_an_error_page(core_discovery, headers):
    browser = Browser()
    action, fields = login_form_fields(login_page(browser, core_discovery, "st"))
    browser.http.headers.update(headers)

    refused = post_login(browser.http, action, fields)

    assert refused.status_code == 403 and "location" not in refused.headers
    assert refused.headers["content-type"].startswith("text/html")
    assert "another site" in refused.text and 'id="login-form"' not in refused.text
    assert not any("mock_idp_sso_" in cookie for cookie in refused.headers.get_list("set-cookie"))
    for name in headers:
        del browser.http.headers[name]
    assert not signed_in(browser, core_discovery)


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin", "Origin": "null"},  # Chromium under Referrer-Policy no-referrer
    {"Sec-Fetch-Site": "same-origin"},
    {"Origin": "{base}"},  # a browser without Fetch Metadata
    {},  # no browser: curl, an SDK, MockIdP.login
])
def test_a_sign_in_from_our_own_page_goes_on(core_server, core_discovery, headers):
    browser = Browser()
    page = login_page(browser, core_discovery, "st")
    assert page.headers["referrer-policy"] == "same-origin"  # so our own form posts a real Origin
    browser.http.headers.update({k: v.format(base=core_server.base_url) for k, v in headers.items()})
    assert post_login(browser.http, *login_form_fields(page)).status_code == 302


def test_a_tossed_cookie_and_token_complete_no_other_authorization_request(core_discovery):
    attacker, victim = Browser(), Browser()
    action, attackers_fields = login_form_fields(login_page(attacker, core_discovery, "attackers-state"))
    # Tossed: the attacker's CSRF cookie is now the victim's (cookies ignore ports).
    for cookie in attacker.http.cookies.jar:
        victim.http.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)
    _, victims_fields = login_form_fields(login_page(victim, core_discovery, "victims-state"))
    attackers_token = dict(attackers_fields)["csrf_token"]
    assert dict(victims_fields)["csrf_token"] != attackers_token  # same cookie, other request: other token

    forged = [(k, attackers_token if k == "csrf_token" else v) for k, v in victims_fields]
    refused = post_login(victim.http, action, forged)
    assert refused.status_code == 403 and "location" not in refused.headers
    assert not signed_in(victim, core_discovery)
    # Any parameter changed under the token is another request, too.
    tampered = [(k, "openid email" if k == "scope" else v) for k, v in victims_fields]
    assert post_login(victim.http, action, tampered).status_code == 403
    assert post_login(victim.http, action, victims_fields).status_code == 302  # the victim's own form works


def test_the_device_page_neither_signs_in_nor_allows_on_another_sites_post(core_discovery):
    device = request_device_code(core_discovery, "demo-device").json()
    browser = Browser()
    browser.login(browser.get(device["verification_uri_complete"]), "bob", "bob-password")  # signed in
    other = request_device_code(core_discovery, "demo-device").json()
    for fields in ({"user_code": other["user_code"], "decision": "allow"},
                   {"user_code": other["user_code"], "username": "bob", "password": "bob-password"}):
        refused = browser.http.post(device["verification_uri"], data=fields,
                                    headers={"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"})
        assert refused.status_code == 403 and "another site" in refused.text
    assert "Signed in as bob" in browser.get(other["verification_uri_complete"]).text  # still pending
