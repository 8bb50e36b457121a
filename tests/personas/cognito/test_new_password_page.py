"""Cognito's hosted UI for a user with a temporary password (FORCE_CHANGE_PASSWORD), over HTTP
against the real server: the temporary password leads to "Change Password" instead of being
refused; a new password against the pool's policy is refused in Cognito's words; a good one signs
in (the app gets its code) and is the user's password from then on, the temporary one no longer."""

import pytest
from conftest import Browser
from expired_password_support import authorize_url, code_of, expired_password_server, post_step

TEMPORARY, NEW = "Temp-pass1!", "Perm-pass2!"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = expired_password_server(tmp_path_factory.mktemp("temporary-password"))
    yield running
    running.stop()


def test_a_temporary_password_is_replaced_on_the_hosted_ui_then_the_app_gets_its_code(server):
    browser = Browser()
    page = browser.authorize(authorize_url(server, "cognito", "pool-web", state="cg"), "tom", TEMPORARY)
    assert page.status_code == 200 and "Change Password" in page.text and "Enter New Password Again" in page.text

    weak = post_step(browser, page, "Permpass22", "Permpass22")
    assert weak.status_code == 400
    assert "Password did not conform with policy: Password must have symbol characters" in weak.text
    mismatch = post_step(browser, weak, NEW, NEW + "x")
    assert mismatch.status_code == 400 and "Passwords do not match" in mismatch.text
    done = post_step(browser, mismatch, NEW, NEW)

    assert done.status_code in (302, 303) and code_of(done.headers["location"])["state"] == "cg"
    again = Browser().authorize(authorize_url(server, "cognito", "pool-web"), "tom", NEW)
    assert again.status_code in (302, 303) and "code" in code_of(again.headers["location"])
    refused = Browser().authorize(authorize_url(server, "cognito", "pool-web"), "tom", TEMPORARY)
    assert refused.status_code == 200 and "Incorrect username or password." in refused.text
