"""python3-saml (OneLogin's toolkit), in its own process, as its README starts it: strict, the SP's
entity id and URLs, our Entra app's federation metadata (…/federationmetadata.xml?appid=), every
security setting its default (and once with wantAssertionsSigned, which Entra's default meets):
SP-initiated sign-in through the login form, the Response read with Entra's claims; IdP-initiated
from the My Apps launch URL; single logout at Entra's one SAML URL."""

import httpx
import pytest

from ...okta.saml.saml_support import ALICE, auto_post, sign_in, sp_fixture
from .conftest import TID

run_sp = sp_fixture("sp_python3saml.py")  # the SP in its own process, for this module
APP_ID = "7a1f0c2e-0000-4000-8000-0000000005a1"
SP = {"entity_id": "http://sp.test/python3-saml/metadata", "acs_url": "http://sp.test/python3-saml/acs",
      "slo_url": "http://sp.test/python3-saml/slo"}
USER = ("alice@contoso.example", ALICE[1])
EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
WS, MS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/", "http://schemas.microsoft.com/identity/claims/"


def command(entra: str, do: str, **more) -> dict:
    metadata = f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml?appid={APP_ID}"
    return {"do": do, "sp": SP, "metadata_url": metadata, "defaults": True, **more}


def sp_initiated(run_sp, entra: str, browser: httpx.Client, security: dict) -> dict:
    login = run_sp(command(entra, "login", security=security))
    assert login["url"].startswith(f"{entra}/{TID}/saml2?SAMLRequest="), login
    action, fields = auto_post(sign_in(browser, browser.get(login["url"]), USER))
    assert action == SP["acs_url"]
    return run_sp(command(entra, "acs", security=security, request_id=login["request_id"],
                          SAMLResponse=fields["SAMLResponse"]))


@pytest.mark.parametrize("security", [{}, {"wantAssertionsSigned": True}], ids=["defaults", "assertion-signed"])
def test_sp_initiated_sign_in_gives_entras_name_id_and_claims(run_sp, entra, security):
    with httpx.Client(timeout=10) as browser:
        answer = sp_initiated(run_sp, entra, browser, security)
    assert answer["errors"] == [] and answer["authenticated"], answer["reason"]
    assert (answer["name_id"], answer["name_id_format"]) == ("alice@contoso.example", EMAIL)
    claims = {name: values for name, values in answer["attributes"].items()}
    assert claims[MS + "tenantid"] == [TID]
    assert claims[MS + "objectidentifier"] == ["aaaaaaaa-0000-4000-8000-0000000a11ce"]
    assert claims[MS + "displayname"] == ["Alice Admin"]
    assert claims[MS + "identityprovider"] == [f"https://sts.windows.net/{TID}/"]
    assert claims["http://schemas.microsoft.com/claims/authnmethodsreferences"] == [
        "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"]
    assert (claims[WS + "givenname"], claims[WS + "surname"]) == (["Alice"], ["Admin"])
    assert claims[WS + "emailaddress"] == claims[WS + "name"] == ["alice@contoso.example"]


def test_idp_initiated_sign_in_from_the_my_apps_launch_url(run_sp, entra):
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(f"{entra}/api/signin/{APP_ID}"), USER))
    assert action == SP["acs_url"]
    answer = run_sp(command(entra, "acs", security={"wantAssertionsSigned": True}, SAMLResponse=fields["SAMLResponse"]))
    assert answer["errors"] == [] and answer["name_id"] == "alice@contoso.example", answer["reason"]


def test_single_logout_at_entras_saml_url_ends_the_session(run_sp, entra):
    with httpx.Client(timeout=10) as browser:
        answer = sp_initiated(run_sp, entra, browser, {})
        logout = run_sp(command(entra, "logout", name_id=answer["name_id"], session_index=answer["session_index"],
                                name_id_format=EMAIL))
        assert logout["url"].startswith(f"{entra}/{TID}/saml2?SAMLRequest="), logout
        action, fields = auto_post(browser.get(logout["url"]))
        assert action == SP["slo_url"]
        done = run_sp(command(entra, "sls", request_id=logout["request_id"], SAMLResponse=fields["SAMLResponse"]))
        assert done["errors"] == [] and done["status"] == "urn:oasis:names:tc:SAML:2.0:status:Success", done
        again = run_sp(command(entra, "login"))
        assert 'id="login-form"' in browser.get(again["url"]).text


def test_a_defective_response_armed_by_the_admin_api_is_refused_once(run_sp, entra):
    admin = entra.rsplit("/", 1)[0] + "/_admin/tenants/entra"
    armed = httpx.post(admin + "/scenarios", json={"endpoint": "saml_sso", "client_id": APP_ID, "defect": "unsigned"})
    assert armed.status_code == 201, armed.text
    security = {"wantAssertionsSigned": True}
    with httpx.Client(timeout=10) as browser:
        refused = sp_initiated(run_sp, entra, browser, security)
        assert refused["errors"] and "not signed" in refused["reason"], refused
        accepted = sp_initiated(run_sp, entra, browser, security)  # the session's one-click answer
    assert accepted["errors"] == [], accepted["reason"]
    trail = httpx.get(admin + "/requests", params={"endpoint": "saml_sso"}).json()
    assert trail[-1]["path"].endswith(f"/{TID}/saml2") and "<samlp:AuthnRequest" in trail[-1]["saml_request"]
    assert "<Assertion" in trail[-1]["saml_response"]
