"""pysaml2 as most apps configure it (entity id, IdP metadata URL, endpoints; every security
setting its own default: the Response must be signed, unsolicited Responses refused) against an
Okta app with Okta's defaults (NameID Unspecified, Response and assertion signed): SP-initiated
sign-in, IdP-initiated sign-in (refused by default, accepted with allow_unsolicited), and single
logout started by the SP (global_logout by HTTP-Redirect, the signed LogoutResponse POSTed back)."""

import httpx
import pytest

from .saml_support import auto_post, sign_in, sp_fixture

run_sp = sp_fixture("sp_pysaml2.py")  # the SP in its own process, for this module
APP = "/app/pysaml2defaults/exk1pysaml2defaults"
SP = {"entity_id": "http://sp.test/pysaml2-defaults/metadata", "acs_url": "http://sp.test/pysaml2-defaults/acs",
      "slo_url": "http://sp.test/pysaml2-defaults/slo"}
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"


def command(okta: str, do: str, **more) -> dict:
    return {"do": do, "sp": SP, "metadata_url": okta + APP + "/sso/saml/metadata", "defaults": True, **more}


def sp_initiated(run_sp, okta: str, browser: httpx.Client, session: str) -> dict:
    login = run_sp(command(okta, "login", session=session))
    action, fields = auto_post(sign_in(browser, browser.get(login["url"])))
    assert action == SP["acs_url"]
    answer = run_sp(command(okta, "acs", session=session, request_id=login["request_id"],
                            SAMLResponse=fields["SAMLResponse"]))
    assert "error" not in answer, answer
    assert answer["in_response_to"] == login["request_id"]
    return answer


def test_sp_initiated_sign_in_passes_pysaml2s_defaults_with_the_unspecified_name_id(run_sp, okta):
    with httpx.Client(timeout=10) as browser:
        answer = sp_initiated(run_sp, okta, browser, "sign-in")
    assert answer["name_id"] == "alice@example.com"  # Okta's default NameID: the Okta username (login)
    assert answer["name_id_format"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


def test_idp_initiated_sign_in_is_refused_by_default_and_accepted_when_allowed(run_sp, okta):
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(okta + APP + "/sso/saml")))
    assert action == SP["acs_url"]
    refused = run_sp(command(okta, "acs", SAMLResponse=fields["SAMLResponse"]))
    assert "Unsolicited" in refused.get("error", ""), refused  # pysaml2's default: no unsolicited Responses
    accepted = run_sp(command(okta, "acs", SAMLResponse=fields["SAMLResponse"], allow_unsolicited=True))
    assert accepted.get("name_id") == "alice@example.com" and accepted["in_response_to"] is None, accepted


def test_sp_initiated_single_logout_ends_both_sessions(run_sp, okta):
    with httpx.Client(timeout=10) as browser:
        signed_in = sp_initiated(run_sp, okta, browser, "logout")
        logout = run_sp(command(okta, "logout", session="logout", name_id_code=signed_in["name_id_code"]))
        assert logout["url"].startswith(okta + APP + "/slo/saml?SAMLRequest="), logout
        action, fields = auto_post(browser.get(logout["url"]))
        assert action == SP["slo_url"]
        answer = run_sp(command(okta, "sls", session="logout", SAMLResponse=fields["SAMLResponse"],
                                name_id_code=signed_in["name_id_code"]))
        assert answer["status"] == SUCCESS and answer["signed"] and not answer["logged_in"], answer
        # The IdP's session ended too: the next sign-in shows the form.
        again = run_sp(command(okta, "login"))
        assert 'id="login-form"' in browser.get(again["url"]).text
