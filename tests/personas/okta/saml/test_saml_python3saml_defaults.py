"""python3-saml (OneLogin's toolkit) as its README starts it (strict, the SP's URLs, our metadata;
every security setting its default) against an Okta app with Okta's defaults (no attribute
statements, NameID Unspecified, both signed): the toolkit's wantAttributeStatement default refuses
a Response without attributes, as it does with such a real Okta app; with it off, SP- and
IdP-initiated sign-in and single logout pass."""

import httpx

from .saml_support import auto_post, sign_in, sp_fixture

run_sp = sp_fixture("sp_python3saml.py")  # the SP in its own process, for this module
APP = "/app/pysaml2defaults/exk1pysaml2defaults"  # Okta's defaults: which SP library reads it is its own affair
SP = {"entity_id": "http://sp.test/pysaml2-defaults/metadata", "acs_url": "http://sp.test/pysaml2-defaults/acs",
      "slo_url": "http://sp.test/pysaml2-defaults/slo"}
NO_ATTRIBUTES_NEEDED = {"wantAttributeStatement": False}
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


def command(okta: str, do: str, **more) -> dict:
    return {"do": do, "sp": SP, "metadata_url": okta + APP + "/sso/saml/metadata", "defaults": True, **more}


def sp_initiated(run_sp, okta: str, browser: httpx.Client, security: dict) -> dict:
    login = run_sp(command(okta, "login", security=security))
    action, fields = auto_post(sign_in(browser, browser.get(login["url"])))
    assert action == SP["acs_url"]
    return run_sp(command(okta, "acs", security=security, request_id=login["request_id"],
                          SAMLResponse=fields["SAMLResponse"]))


def test_the_default_want_attribute_statement_refuses_an_app_without_attributes(run_sp, okta):
    with httpx.Client(timeout=10) as browser:
        answer = sp_initiated(run_sp, okta, browser, {})
    assert not answer["authenticated"] and "AttributeStatement" in answer["reason"], answer


def test_sp_initiated_sign_in_and_single_logout_with_the_toolkits_defaults(run_sp, okta):
    with httpx.Client(timeout=10) as browser:
        answer = sp_initiated(run_sp, okta, browser, NO_ATTRIBUTES_NEEDED)
        assert answer["errors"] == [] and answer["authenticated"], answer["reason"]
        assert (answer["name_id"], answer["name_id_format"]) == ("alice@example.com", UNSPECIFIED)
        logout = run_sp(command(okta, "logout", security=NO_ATTRIBUTES_NEEDED, name_id=answer["name_id"],
                                session_index=answer["session_index"], name_id_format=UNSPECIFIED))
        action, fields = auto_post(browser.get(logout["url"]))
        assert action == SP["slo_url"]
        done = run_sp(command(okta, "sls", security=NO_ATTRIBUTES_NEEDED, request_id=logout["request_id"],
                              SAMLResponse=fields["SAMLResponse"]))
        assert done["errors"] == [] and done["status"] == "urn:oasis:names:tc:SAML:2.0:status:Success", done
        again = run_sp(command(okta, "login", security=NO_ATTRIBUTES_NEEDED))
        assert 'id="login-form"' in browser.get(again["url"]).text


def test_idp_initiated_sign_in_passes_the_toolkits_defaults(run_sp, okta):
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(okta + APP + "/sso/saml")))
    answer = run_sp(command(okta, "acs", security=NO_ATTRIBUTES_NEEDED, SAMLResponse=fields["SAMLResponse"]))
    assert answer["errors"] == [] and answer["name_id"] == "alice@example.com", answer["reason"]
