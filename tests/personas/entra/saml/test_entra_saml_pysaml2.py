"""pysaml2, in its own process (xmlsec1 verifies), configured as its documentation starts an SP
(entity id, our Entra app's federation metadata URL, endpoints; every security setting its default,
which wants the Response signed): an app set to "Sign SAML response and assertion" passes, with its
own claim next to Entra's; an app on Entra's default (the assertion alone signed) is refused, as
such an Entra app is by a default pysaml2; IdP-initiated from My Apps needs allow_unsolicited;
global_logout at Entra's one SAML URL ends both sessions."""

import httpx

from ...okta.saml.saml_support import ALICE, auto_post, sign_in, sp_fixture
from .conftest import TID

run_sp = sp_fixture("sp_pysaml2.py")  # the SP in its own process, for this module
BOTH_SIGNED = "7a1f0c2e-0000-4000-8000-0000000005a2"
ASSERTION_SIGNED = "7a1f0c2e-0000-4000-8000-0000000005a1"  # Entra's default
SPS = {BOTH_SIGNED: {"entity_id": "http://sp.test/pysaml2/metadata", "acs_url": "http://sp.test/pysaml2/acs",
                     "slo_url": "http://sp.test/pysaml2/slo"},
       ASSERTION_SIGNED: {"entity_id": "http://sp.test/python3-saml/metadata",
                          "acs_url": "http://sp.test/python3-saml/acs", "slo_url": "http://sp.test/python3-saml/slo"}}
USER = ("alice@contoso.example", ALICE[1])


def command(entra: str, app_id: str, do: str, **more) -> dict:
    metadata = f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml?appid={app_id}"
    return {"do": do, "sp": SPS[app_id], "metadata_url": metadata, "defaults": True, **more}


def sp_initiated(run_sp, entra: str, app_id: str) -> tuple[dict, dict]:
    login = run_sp(command(entra, app_id, "login"))
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(login["url"]), USER))
    assert action == SPS[app_id]["acs_url"]
    return login, run_sp(command(entra, app_id, "acs", request_id=login["request_id"],
                                 SAMLResponse=fields["SAMLResponse"]))


def test_sp_initiated_sign_in_with_the_response_signed_passes_pysaml2s_defaults(run_sp, entra):
    login, answer = sp_initiated(run_sp, entra, BOTH_SIGNED)
    assert "error" not in answer, answer
    assert answer["in_response_to"] == login["request_id"]
    assert answer["name_id"] == "alice@contoso.example"
    assert answer["name_id_format"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    # pysaml2's attribute maps know the AD FS claim types Entra uses, by their friendly names; by
    # default it drops the names it does not know (Entra's tenantid…, the app's department).
    assert answer["attributes"] == {"emailAddress": ["alice@contoso.example"], "givenName": ["Alice"],
                                    "surname": ["Admin"], "name": ["alice@contoso.example"]}


def test_with_unknown_attributes_allowed_entras_claims_and_the_apps_own_come_through(run_sp, entra):
    login = run_sp(command(entra, BOTH_SIGNED, "login"))
    with httpx.Client(timeout=10) as browser:
        _, fields = auto_post(sign_in(browser, browser.get(login["url"]), USER))
    answer = run_sp({**command(entra, BOTH_SIGNED, "acs", request_id=login["request_id"],
                               SAMLResponse=fields["SAMLResponse"]), "defaults": False})
    claims = answer["attributes"]
    assert claims["department"] == ["IT"]  # the app's own claim, after Entra's defaults
    assert claims["http://schemas.microsoft.com/identity/claims/tenantid"] == [TID]
    assert claims["http://schemas.microsoft.com/identity/claims/objectidentifier"] == [
        "aaaaaaaa-0000-4000-8000-0000000a11ce"]


def test_entras_default_assertion_only_signature_is_refused_by_pysaml2s_defaults(run_sp, entra):
    _, answer = sp_initiated(run_sp, entra, ASSERTION_SIGNED)
    assert "error" in answer and "sign" in answer["error"].lower(), answer


def test_idp_initiated_from_my_apps_needs_allow_unsolicited(run_sp, entra):
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(f"{entra}/api/signin/{BOTH_SIGNED}"), USER))
    assert action == SPS[BOTH_SIGNED]["acs_url"]
    refused = run_sp(command(entra, BOTH_SIGNED, "acs", SAMLResponse=fields["SAMLResponse"]))
    assert "Unsolicited" in refused.get("error", ""), refused
    accepted = run_sp(command(entra, BOTH_SIGNED, "acs", SAMLResponse=fields["SAMLResponse"], allow_unsolicited=True))
    assert accepted.get("name_id") == "alice@contoso.example" and accepted["in_response_to"] is None, accepted


def test_global_logout_at_entras_saml_url_ends_both_sessions(run_sp, entra):
    with httpx.Client(timeout=10) as browser:
        login = run_sp(command(entra, BOTH_SIGNED, "login", session="slo"))
        _, fields = auto_post(sign_in(browser, browser.get(login["url"]), USER))
        signed_in = run_sp(command(entra, BOTH_SIGNED, "acs", session="slo", request_id=login["request_id"],
                                   SAMLResponse=fields["SAMLResponse"]))
        code = signed_in["name_id_code"]
        logout = run_sp(command(entra, BOTH_SIGNED, "logout", session="slo", name_id_code=code))
        assert logout["url"].startswith(f"{entra}/{TID}/saml2?SAMLRequest="), logout  # the Logout URL is the Login URL
        action, fields = auto_post(browser.get(logout["url"]))
        assert action == SPS[BOTH_SIGNED]["slo_url"]
        done = run_sp(command(entra, BOTH_SIGNED, "sls", session="slo", SAMLResponse=fields["SAMLResponse"],
                              name_id_code=code))
        assert done["status"] == "urn:oasis:names:tc:SAML:2.0:status:Success" and not done["logged_in"], done
        assert 'id="login-form"' in browser.get(run_sp(command(entra, BOTH_SIGNED, "login"))["url"]).text
