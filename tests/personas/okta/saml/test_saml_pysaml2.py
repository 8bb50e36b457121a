"""pysaml2 as the service provider, in its own process (xmlsec1 checks the signatures), wanting
signed assertions: SP-initiated sign-in by HTTP-Redirect and by HTTP-POST through the login form,
persistent NameID and attributes, and a tampered response refused."""

import httpx
import pytest

from .saml_support import auto_post, decoded, encoded, post_binding, sign_in, sp_fixture

run_sp = sp_fixture("sp_pysaml2.py")  # the SP in its own process, for this module
APP = "/app/pysaml2/exk1pysaml2"
SP = {"entity_id": "http://sp.test/pysaml2/metadata", "acs_url": "http://sp.test/pysaml2/acs"}


def command(okta: str, do: str, **more) -> dict:
    return {"do": do, "sp": SP, "metadata_url": okta + APP + "/sso/saml/metadata", **more}


def sign_in_by(run_sp, okta: str, binding: str, user=("bob", "bob-password")) -> tuple[dict, dict]:
    login = run_sp(command(okta, "login", relay_state="/after", binding=binding))
    with httpx.Client(timeout=10) as browser:
        if binding == "redirect":
            page = browser.get(login["url"])
        else:
            # As a browser posts the SP's form: from the SP's page, another site.
            page = post_binding(browser, login["action"], {"SAMLRequest": login["SAMLRequest"],
                                                           "RelayState": login["RelayState"]},
                                headers={"Origin": "http://sp.test", "Sec-Fetch-Site": "cross-site"})
        action, fields = auto_post(sign_in(browser, page, user))
    assert action == SP["acs_url"] and fields["RelayState"] == "/after"
    return login, fields


@pytest.fixture(scope="module")
def by_redirect(run_sp, okta):
    return sign_in_by(run_sp, okta, "redirect")


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_sp_initiated_sign_in_by_either_binding_gives_the_sp_the_user(run_sp, okta, binding, by_redirect):
    login, fields = by_redirect if binding == "redirect" else sign_in_by(run_sp, okta, "post")
    answer = run_sp(command(okta, "acs", request_id=login["request_id"],
                                             SAMLResponse=fields["SAMLResponse"]))
    assert "error" not in answer, answer
    assert answer["in_response_to"] == login["request_id"]
    assert answer["name_id_format"] == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    assert answer["name_id"].startswith("00u") and len(answer["name_id"]) == 20  # Okta's user id
    # bob's seed lists no group: the ".*" group filter finds Okta's built-in Everyone all the same.
    assert answer["attributes"] == {"email": ["bob@example.com"], "department": ["Sales"], "groups": ["Everyone"]}


def test_the_sp_refuses_a_tampered_assertion(run_sp, okta, by_redirect):
    login, fields = by_redirect
    xml = decoded(fields["SAMLResponse"])
    tampered = encoded(xml.replace(">Sales</saml2:AttributeValue>", ">Finance</saml2:AttributeValue>", 1))
    assert tampered != fields["SAMLResponse"]
    answer = run_sp(command(okta, "acs", request_id=login["request_id"], SAMLResponse=tampered))
    assert "error" in answer and "ignature" in answer["error"], answer
