"""A real headless Chromium signs in to an Entra SAML app started by python3-saml (its own process,
default security but wantAssertionsSigned): the SP's AuthnRequest URL, Entra's login page filled in,
the Response auto-posted to the app's Reply URL (caught at the browser: sp.test does not resolve)
and accepted by the SP with the user's claims."""

from urllib.parse import parse_qs

import pytest
from pages.chromium import launched

from ...okta.saml.saml_support import sp_fixture
from .conftest import TID

run_sp = sp_fixture("sp_python3saml.py")
APP_ID = "7a1f0c2e-0000-4000-8000-0000000005a1"
SP = {"entity_id": "http://sp.test/python3-saml/metadata", "acs_url": "http://sp.test/python3-saml/acs",
      "slo_url": "http://sp.test/python3-saml/slo"}
SECURITY = {"wantAssertionsSigned": True}


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


def test_sp_initiated_sign_in_in_chromium(run_sp, entra, chromium):
    metadata = f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml?appid={APP_ID}"
    command = {"sp": SP, "metadata_url": metadata, "defaults": True, "security": SECURITY}
    login = run_sp({**command, "do": "login", "relay_state": "http://sp.test/python3-saml/home"})
    posted = []

    def acs(route):  # the SP's ACS: what the browser posts there
        posted.append(route.request.post_data)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>signed in</title>")

    context = chromium.new_context()
    try:
        page = context.new_page()
        page.route("http://sp.test/**", acs)
        page.goto(login["url"])
        page.get_by_test_id("login-username").fill("alice@contoso.example")
        page.get_by_test_id("login-password").fill("alice-password")
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("http://sp.test/python3-saml/acs")
    finally:
        context.close()
    form = parse_qs(posted[0])
    assert form["RelayState"] == ["http://sp.test/python3-saml/home"]
    answer = run_sp({**command, "do": "acs", "request_id": login["request_id"],
                     "SAMLResponse": form["SAMLResponse"][0]})
    assert answer["errors"] == [] and answer["authenticated"], answer["reason"]
    assert answer["name_id"] == "alice@contoso.example"
    assert answer["attributes"]["http://schemas.microsoft.com/identity/claims/displayname"] == ["Alice Admin"]
