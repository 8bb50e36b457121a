"""Okta's hosted sign-in with an expired password in a real headless Chromium (Debian's chromium,
driven by Playwright): the application sends the browser to /authorize, the user types the old
password, is asked for a new one ("Your password has expired"), mistypes the confirmation and is
told so, sets it, and the browser lands on the application's redirect URI with a code that the
token endpoint redeems; afterwards the Authentication API takes the new password, not the old.
The refusals over HTTP: tests/personas/okta/test_password_change_page.py."""

import contextlib
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from expired_password_support import NEW, OLD, REDIRECT, authn, authorize_url, expired_password_server, redeem
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Error as PlaywrightError

from .chromium import checked_page, launched


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = expired_password_server(tmp_path_factory.mktemp("expired-password-browser"))
    yield running
    running.stop()


@pytest.fixture
def page(chromium):
    yield from checked_page(chromium.new_context())


def to_the_app(page):
    """Waits for the browser's request to the application's redirect URI (a name that does not
    resolve here: the request is what the application would receive)."""
    return page.expect_request(lambda request: request.url.startswith(REDIRECT + "?"))


def test_an_expired_user_sets_a_new_password_and_the_app_gets_a_code_that_redeems(page, server):
    page.goto(authorize_url(server, state="browser-state"))
    page.get_by_test_id("login-username").fill("pat@example.com")
    page.get_by_test_id("login-password").fill(OLD)
    page.get_by_test_id("login-submit").click()

    title = page.get_by_test_id("password-change-title")
    title.wait_for()
    assert title.inner_text() == "Your password has expired"
    assert "at least 8 characters" in page.get_by_test_id("password-change-requirements").inner_text()
    assert page.get_by_label("New password").get_attribute("type") == "password"
    page.get_by_label("New password").fill(NEW)
    page.get_by_label("Re-enter password").fill(NEW + "?")
    page.get_by_role("button", name="Change Password").click()
    page.get_by_test_id("password-change-error").wait_for()
    assert page.get_by_test_id("password-change-error").inner_text() == "New passwords must match"

    page.get_by_label("New password").fill(NEW)
    page.get_by_label("Re-enter password").fill(NEW)
    with to_the_app(page) as landing:
        page.get_by_role("button", name="Change Password").click()

    answer = dict(parse_qsl(urlsplit(landing.value.url).query))
    assert answer["state"] == "browser-state" and answer["code"]
    tokens = redeem(server, answer["code"])
    assert tokens.status_code == 200, tokens.text
    issuer = server.tenant_url("/okta/oauth2/default")
    keys = KeySet.import_key_set(httpx.get(issuer + "/v1/keys").json())
    claims = jwt.decode(tokens.json()["id_token"], keys).claims
    assert claims["iss"] == issuer and claims["aud"] == "okta-web"
    assert claims["preferred_username"] == "pat@example.com"
    # The step opened the session, as a sign-in does: the app's next silent request gets a code.
    with to_the_app(page) as silent, contextlib.suppress(PlaywrightError):  # the app's name does not resolve
        page.goto(authorize_url(server, prompt="none", state="silent"))
    assert dict(parse_qsl(urlsplit(silent.value.url).query)).keys() >= {"code", "state"}
    # Okta's Authentication API now takes the new password only: the user is ACTIVE.
    assert authn(server, "pat@example.com", NEW).json()["status"] == "SUCCESS"
    assert authn(server, "pat@example.com", OLD).status_code == 401
