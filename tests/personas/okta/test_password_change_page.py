"""Okta's hosted sign-in with an expired password, over HTTP against the real server: the right
password of a PASSWORD_EXPIRED user shows "Your password has expired" instead of signing in; the
step refuses two different passwords, a password against the policy and a form without its CSRF
token in Okta's words (4xx, the authorization request kept), and a used transaction sends the
user back to sign in. The device activation page and a SAML app's sign-in ask the same. The whole
path in a real Chromium: tests/pages/test_password_change_browser.py."""

from urllib.parse import urlencode

import httpx
import pytest
from conftest import Browser
from expired_password_support import (NEW, OLD, authn, authorize_url, code_of, expired_password_server,
                                      form_fields, hidden, post_step, redeem)

EXPIRED_TITLE = "Your password has expired"
POLICY_REFUSAL = ("Password requirements were not met. Password requirements: at least 8 characters, a lowercase "
                  "letter, an uppercase letter, a number, no parts of your username.")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = expired_password_server(tmp_path_factory.mktemp("expired-password"))
    yield running
    running.stop()


def change_step(server, browser: Browser, username: str, **extra):
    """Sign in with the expired user's right password: the step's page (asserted) and the request's state."""
    url = authorize_url(server, **extra)
    page = browser.authorize(url, username, OLD)
    assert page.status_code == 200 and EXPIRED_TITLE in page.text, page.text[:500]
    assert "location" not in page.headers and not any("mock_idp_sso_" in c for c in page.headers.get_list("set-cookie"))
    return page


def test_two_different_new_passwords_show_the_step_again_with_okta_words(server):
    browser = Browser()
    page = change_step(server, browser, "quinn@example.com", state="kept-state")

    again = post_step(browser, page, NEW, NEW + "x")

    assert again.status_code == 400 and "location" not in again.headers
    assert "New passwords must match" in again.text and EXPIRED_TITLE in again.text
    assert hidden(again, "state") == "kept-state" and hidden(again, "change_token") == hidden(page, "change_token")
    blank = post_step(browser, again, "", "")
    assert blank.status_code == 400 and "This field cannot be left blank" in blank.text
    assert authn(server, "quinn@example.com", OLD).json()["status"] == "PASSWORD_EXPIRED"  # nothing changed
    # The step shown again still completes the same authorization request.
    done = post_step(browser, blank, NEW, NEW)
    assert done.status_code in (302, 303) and code_of(done.headers["location"])["state"] == "kept-state"


def test_a_new_password_against_the_policy_is_refused_as_the_authn_api_refuses_it(server):
    browser = Browser()
    page = change_step(server, browser, "rae@example.com")

    weak = post_step(browser, page, "alllowercase", "alllowercase")

    assert weak.status_code == 400 and POLICY_REFUSAL in weak.text and EXPIRED_TITLE in weak.text
    # The same rule, in the same words, as the Authentication API's change_password cause.
    started = authn(server, "rae@example.com", OLD).json()
    refused = httpx.post(server.tenant_url("/okta") + "/api/v1/authn/credentials/change_password",
                         json={"stateToken": started["stateToken"], "oldPassword": OLD, "newPassword": "alllowercase"})
    assert refused.status_code == 403 and refused.json()["errorCauses"] == [{"errorSummary": "password: " + POLICY_REFUSAL}]
    assert authn(server, "rae@example.com", OLD).json()["status"] == "PASSWORD_EXPIRED"


@pytest.mark.parametrize("forgery", ["missing", "other request", "other transaction"])
def test_a_step_without_its_own_csrf_token_changes_nothing_and_shows_the_login_page(server, forgery):
    browser = Browser()
    page = change_step(server, browser, "sam@example.com", state="st-1")
    other = change_step(server, Browser(), "sam@example.com")  # another browser's transaction

    if forgery == "missing":
        refused = post_step(browser, page, NEW, NEW, drop=("csrf_token",))
    elif forgery == "other request":
        refused = post_step(browser, page, NEW, NEW, state="st-2")
    else:
        refused = post_step(browser, page, NEW, NEW, change_token=hidden(other, "change_token"))

    assert refused.status_code == 403 and "location" not in refused.headers
    assert "This sign-in form has expired" in refused.text and 'id="login-form"' in refused.text
    assert dict(form_fields(refused, "login-form")[1])["state"] == ("st-1" if forgery != "other request" else "st-2")
    assert authn(server, "sam@example.com", OLD).json()["status"] == "PASSWORD_EXPIRED"


def test_a_wrong_password_of_an_expired_user_is_a_wrong_password(server):
    page = Browser().authorize(authorize_url(server), "sam@example.com", "Not-the-pass1")
    assert page.status_code == 200 and "The credentials provided were invalid." in page.text
    assert EXPIRED_TITLE not in page.text


def test_a_changed_password_signs_in_once_and_its_form_replayed_asks_to_sign_in_again(server):
    browser = Browser()
    page = change_step(server, browser, "pat@example.com")

    done = post_step(browser, page, NEW, NEW)

    assert done.status_code in (302, 303)
    assert redeem(server, code_of(done.headers["location"])["code"]).status_code == 200
    replayed = post_step(Browser(), page, "Another-pass3", "Another-pass3")  # no CSRF cookie: refused
    assert replayed.status_code == 403
    replayed = post_step(browser, page, "Another-pass3", "Another-pass3")  # this browser: the transaction is over
    assert replayed.status_code == 400 and 'id="login-form"' in replayed.text
    assert "Your session has expired. Please try to sign in again." in replayed.text
    assert authn(server, "pat@example.com", NEW).json()["status"] == "SUCCESS"
    assert authn(server, "pat@example.com", "Another-pass3").status_code == 401


def test_users_of_other_personas_and_active_okta_users_sign_in_as_before(server):
    for tenant, client_id, username, password in (("auth0", "auth0-web", "ann@example.com", "Ann-pass1"),
                                                  ("okta", "okta-web", "alice@example.com", "Alice-pass1")):
        browser = Browser()
        login = browser.get(authorize_url(server, tenant, client_id))
        answer = browser.login(login, username, password)
        assert answer.status_code in (302, 303) and "code" in code_of(answer.headers["location"])
        if tenant == "auth0":  # a persona without the step: a change form posted to it is a stale form
            action, fields = form_fields(login, "login-form")
            refused = browser.http.post(action, data={**dict(fields), "change_token": "x", "new_password": NEW,
                                                      "confirm_password": NEW})
            assert refused.status_code == 403 and "This sign-in form has expired" in refused.text


def test_the_admin_request_trail_masks_the_new_passwords_and_the_transaction(server):
    browser = Browser()
    page = change_step(server, browser, "uma@example.com")
    post_step(browser, page, "Trail-pass9", "Trail-pass8")

    trail = httpx.get(server.base_url + "/_admin/tenants/okta/requests", params={"endpoint": "login"}).json()
    posted = dict(trail[-1]["params"])
    assert posted["new_password"] == posted["confirm_password"] == posted["change_token"] == "***"
    assert "Trail-pass9" not in str(trail) and hidden(page, "change_token") not in str(trail)


def test_the_device_activation_page_asks_the_same_then_activates_the_device(server):
    issuer = server.tenant_url("/okta/oauth2/default")
    device = httpx.post(issuer + "/v1/device/authorize", data={"client_id": "okta-tv", "scope": "openid"}).json()
    browser = Browser()
    page = browser.login(browser.get(device["verification_uri_complete"]), "vic@example.com", OLD)
    assert page.status_code == 200 and EXPIRED_TITLE in page.text
    assert hidden(page, "user_code") == device["user_code"]

    weak = post_step(browser, page, "short", "short")
    assert weak.status_code == 400 and POLICY_REFUSAL in weak.text
    done = post_step(browser, weak, NEW, NEW)

    assert done.status_code == 200 and "Device activated" in done.text
    token = httpx.post(issuer + "/v1/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                                                   "device_code": device["device_code"], "client_id": "okta-tv"})
    assert token.status_code == 200 and token.json()["access_token"]
    assert authn(server, "vic@example.com", NEW).json()["status"] == "SUCCESS"


def test_the_saml_sign_in_page_asks_the_same_then_posts_the_assertion(server):
    browser = Browser()
    launch = browser.get(server.tenant_url("/okta/app/expiredapp/exk1expired/sso/saml?RelayState=%2Fhome"))
    page = browser.login(launch, "wes@example.com", OLD)
    assert page.status_code == 200 and EXPIRED_TITLE in page.text

    done = post_step(browser, page, NEW, NEW)

    assert done.status_code == 200 and 'name="SAMLResponse"' in done.text and "http://sp.test/acs" in done.text
    assert authn(server, "wes@example.com", NEW).json()["status"] == "SUCCESS"
    assert authn(server, "wes@example.com", OLD).status_code == 401


@pytest.mark.parametrize("token", ["00" + "A" * 40, "x" * 20_000, "ünïcødé", ""])
def test_a_transaction_this_browser_signed_but_okta_never_started_is_a_400_not_a_500(server, token):
    """A browser may MAC any token with its own CSRF cookie (a user fiddling with their own form):
    the persona still finds no transaction, and the login page asks to sign in again."""
    from mock_idp.endpoints.sso import csrf_token

    browser = Browser()
    page = browser.get(authorize_url(server, state="odd"))
    action, fields = form_fields(page, "login-form")
    bound = [(name, value) for name, value in fields if name != "csrf_token"] + [("change_token", token)]
    cookie = next(value for name, value in browser.http.cookies.items() if "mock_idp_csrf_" in name)
    body = urlencode([*bound, ("csrf_token", csrf_token(cookie, action, bound)), ("new_password", NEW + "é"),
                      ("confirm_password", NEW + "é")])

    answer = browser.http.post(action, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert answer.status_code == 400 and "Your session has expired. Please try to sign in again." in answer.text
    assert dict(form_fields(answer, "login-form")[1])["state"] == "odd"
