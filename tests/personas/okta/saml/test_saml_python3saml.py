"""python3-saml (OneLogin's toolkit) as the service provider, in its own process, strict, with
signed assertions and messages wanted, schema validation on and signed AuthnRequests: SP-initiated
sign-in through the login form, the attributes it reads, and a tampered response refused."""

import httpx
import pytest

from .saml_support import auto_post, decoded, encoded, sign_in, sp_fixture

run_sp = sp_fixture("sp_python3saml.py")  # the SP in its own process, for this module
APP = "/app/python3saml/exk1python3saml"


@pytest.fixture(scope="module")
def sp(sp_keys) -> dict:
    return {"entity_id": "http://sp.test/python3-saml/metadata", "acs_url": "http://sp.test/python3-saml/acs",
            "slo_url": "http://sp.test/python3-saml/sls", "certificate": sp_keys[0], "private_key": sp_keys[1]}


def command(okta: str, sp: dict, do: str, **more) -> dict:
    return {"do": do, "sp": sp, "metadata_url": okta + APP + "/sso/saml/metadata", **more}


@pytest.fixture(scope="module")
def signed_in(run_sp, okta, sp) -> dict:
    """One SP-initiated sign-in of alice: what the SP asked, what the browser carried back."""
    relay_state = "https://app.example.com/after/sign-in?" + "x" * 100  # > 80 bytes, as Cognito sends
    login = run_sp(command(okta, sp, "login", relay_state=relay_state))
    with httpx.Client(timeout=10) as browser:
        page = sign_in(browser, browser.get(login["url"]))
        action, fields = auto_post(page)
    return {"login": login, "action": action, "fields": fields, "relay_state": relay_state}


def test_sp_initiated_sign_in_reaches_the_sp_with_name_id_and_attributes(run_sp, okta, sp, signed_in):
    assert signed_in["action"] == sp["acs_url"]
    assert signed_in["fields"]["RelayState"] == signed_in["relay_state"]  # byte for byte
    answer = run_sp(command(okta, sp, "acs", request_id=signed_in["login"]["request_id"],
                                                 SAMLResponse=signed_in["fields"]["SAMLResponse"]))
    assert answer["errors"] == [] and answer["authenticated"], answer["reason"]
    assert answer["name_id"] == "alice@example.com"
    assert answer["name_id_format"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert answer["attributes"] == {"email": ["alice@example.com"], "department": ["IT"], "firstName": ["Alice"],
                                    "groups": ["IT", "app-admins"]}  # the filter "IT|app-.*" leaves out Everyone
    assert answer["session_index"].startswith("id")


def test_the_sp_refuses_a_response_whose_attribute_was_changed_after_signing(run_sp, okta, sp, signed_in):
    xml = decoded(signed_in["fields"]["SAMLResponse"])
    assert ">IT</saml2:AttributeValue>" in xml
    tampered = encoded(xml.replace(">IT</saml2:AttributeValue>", ">Finance</saml2:AttributeValue>", 1))
    answer = run_sp(command(okta, sp, "acs", request_id=signed_in["login"]["request_id"],
                                                 SAMLResponse=tampered))
    assert answer["errors"] and not answer["authenticated"]
    assert "ignature" in answer["reason"], answer["reason"]


def test_the_sp_refuses_a_response_to_another_request(run_sp, okta, sp, signed_in):
    answer = run_sp(command(okta, sp, "acs", request_id="ONELOGIN_another_request",
                                                 SAMLResponse=signed_in["fields"]["SAMLResponse"]))
    assert answer["errors"] and "InResponseTo" in answer["reason"], answer["reason"]


def test_sp_initiated_logout_ends_the_session_and_posts_a_signed_logout_response(run_sp, okta, sp):
    with httpx.Client(timeout=10) as browser:
        login = run_sp(command(okta, sp, "login"))
        action, fields = auto_post(sign_in(browser, browser.get(login["url"])))
        signed_in = run_sp(command(okta, sp, "acs", request_id=login["request_id"],
                                                        SAMLResponse=fields["SAMLResponse"]))
        assert signed_in["errors"] == [], signed_in["reason"]
        # Another browser's session index: refused, and this browser stays signed in.
        other = run_sp(command(okta, sp, "logout", name_id=signed_in["name_id"],
                                                    session_index="id-of-another-session"))
        action, fields = auto_post(browser.get(other["url"]))
        refused = run_sp(command(okta, sp, "sls", request_id=other["request_id"],
                                                      SAMLResponse=fields["SAMLResponse"]))
        assert refused["status"] == "urn:oasis:names:tc:SAML:2.0:status:Requester" and refused["signed"]
        again = run_sp(command(okta, sp, "login"))
        assert "SAMLResponse" in browser.get(again["url"]).text  # still signed in: no form
        # The right one: Success, and the next sign-in needs the form again.
        logout = run_sp(command(okta, sp, "logout", name_id=signed_in["name_id"],
                                                     session_index=signed_in["session_index"]))
        action, fields = auto_post(browser.get(logout["url"]))
        assert action == sp["slo_url"]
        answer = run_sp(command(okta, sp, "sls", request_id=logout["request_id"],
                                                     SAMLResponse=fields["SAMLResponse"]))
        assert answer["errors"] == [] and answer["signed"], answer
        assert answer["status"] == "urn:oasis:names:tc:SAML:2.0:status:Success"
        after = run_sp(command(okta, sp, "login"))
        assert 'id="login-form"' in browser.get(after["url"]).text


def test_idp_initiated_sign_in_from_the_launch_url_is_accepted_by_the_strict_sp(run_sp, okta, sp):
    with httpx.Client(timeout=10) as browser:
        page = sign_in(browser, browser.get(okta + APP + "/sso/saml?RelayState=%2Fdashboard"))
        action, fields = auto_post(page)
    assert action == sp["acs_url"] and fields["RelayState"] == "/dashboard"
    answer = run_sp(command(okta, sp, "acs", SAMLResponse=fields["SAMLResponse"]))
    assert answer["errors"] == [] and answer["name_id"] == "alice@example.com", answer["reason"]
    assert answer["attributes"]["department"] == ["IT"]


REFUSALS = {"expired": "expired", "not_yet_valid": "not yet valid", "wrong_audience": "audience",
            "wrong_recipient": "SubjectConfirmation", "unsigned": "not signed", "bad_signature": "ignature"}


@pytest.mark.parametrize("defect", REFUSALS)
def test_a_defective_response_armed_by_the_admin_api_is_refused_once_then_all_is_well(run_sp, okta, sp, defect):
    armed = httpx.post(okta.rsplit("/", 1)[0] + "/_admin/tenants/okta/scenarios",
                       json={"endpoint": "saml_sso", "client_id": "exk1python3saml", "defect": defect})
    assert armed.status_code == 201, armed.text
    for attempt in ("defective", "as issued"):
        login = run_sp(command(okta, sp, "login"))
        with httpx.Client(timeout=10) as browser:
            action, fields = auto_post(sign_in(browser, browser.get(login["url"])))
        answer = run_sp(command(okta, sp, "acs", request_id=login["request_id"], SAMLResponse=fields["SAMLResponse"]))
        if attempt == "defective":
            assert answer["errors"] and REFUSALS[defect] in answer["reason"], answer["reason"]
        else:
            assert answer["errors"] == [], answer["reason"]
