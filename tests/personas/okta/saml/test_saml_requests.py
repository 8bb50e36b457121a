"""What the SSO URL does with each kind of AuthnRequest, good and bad: every mistake an error page
a SP's developer can act on (4xx, saying what is wrong), never a 500, never an assertion."""

import base64
import datetime
import html
import re
import secrets
import zlib
from urllib.parse import quote_plus, urlencode

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from .saml_support import auto_post, decoded, post_binding, sign_in

SIGNED_APP = "/app/python3saml/exk1python3saml"  # wants signed requests (sp_certificate)
OPEN_APP = "/app/pysaml2/exk1pysaml2"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def authn_request(acs: str = "http://sp.test/pysaml2/acs", age: int = 0, extra: str = "", root_extra: str = "") -> str:
    instant = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=age))
    return (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{secrets.token_hex(8)}" Version="2.0" '
            f'IssueInstant="{instant.strftime("%Y-%m-%dT%H:%M:%SZ")}" AssertionConsumerServiceURL="{acs}"'
            f'{root_extra}><saml:Issuer>http://sp.test/pysaml2/metadata</saml:Issuer>{extra}</samlp:AuthnRequest>')


def deflated(xml: str) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml.encode()) + compressor.flush()).decode()


def redirect_query(xml: str, relay_state: str | None = None, key_pem: str | None = None) -> str:
    """The HTTP-Redirect binding's query; signed over its octets (SAML bindings §3.4.4.1) with `key_pem`."""
    parts = [("SAMLRequest", deflated(xml))] + ([("RelayState", relay_state)] if relay_state else [])
    if key_pem:
        parts.append(("SigAlg", RSA_SHA256))
        signed = "&".join(f"{k}={quote_plus(v)}" for k, v in parts).encode()
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        parts.append(("Signature", base64.b64encode(key.sign(signed, padding.PKCS1v15(), hashes.SHA256())).decode()))
    return "&".join(f"{k}={quote_plus(v)}" for k, v in parts)


def error_of(response: httpx.Response) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert "SAMLResponse" not in response.text
    found = re.search(r"<p><strong>(.*?)</strong></p>\s*<p>(.*?)</p>", response.text, re.S)
    return html.unescape(f"{found.group(1)}: {found.group(2)}")


def test_an_unknown_app_is_a_404_page(okta):
    response = httpx.get(okta + "/app/nothing/exk1nothing/sso/saml?SAMLRequest=x")
    assert response.status_code == 404 and "Unknown SAML app" in error_of(response)


def test_an_acs_url_other_than_the_app_s_is_refused(okta):
    query = redirect_query(authn_request(acs="https://attacker.example/acs"))
    assert "Wrong ACS URL" in error_of(httpx.get(f"{okta}{OPEN_APP}/sso/saml?{query}"))


def test_an_unsigned_request_to_an_app_that_wants_signed_ones_is_refused(okta):
    query = redirect_query(authn_request(acs="http://sp.test/python3-saml/acs"))
    assert "Unsigned SAML request" in error_of(httpx.get(f"{okta}{SIGNED_APP}/sso/saml?{query}"))
    form = {"SAMLRequest": base64.b64encode(authn_request(acs="http://sp.test/python3-saml/acs").encode()).decode()}
    with httpx.Client(timeout=10) as browser:
        assert "Unsigned SAML request" in error_of(post_binding(browser, f"{okta}{SIGNED_APP}/sso/saml", form))


def test_a_request_signed_by_another_key_or_changed_after_signing_is_refused(okta, sp_keys):
    from .conftest import key_pair

    xml = authn_request(acs="http://sp.test/python3-saml/acs")
    forged = redirect_query(xml, "state", key_pair("someone else")[1])
    assert "Invalid SAML request signature" in error_of(httpx.get(f"{okta}{SIGNED_APP}/sso/saml?{forged}"))
    genuine = redirect_query(xml, "state", sp_keys[1])
    changed = genuine.replace("RelayState=state", "RelayState=other")
    assert "Invalid SAML request signature" in error_of(httpx.get(f"{okta}{SIGNED_APP}/sso/saml?{changed}"))
    # The genuine one is fine: the login page.
    assert 'id="login-form"' in httpx.get(f"{okta}{SIGNED_APP}/sso/saml?{genuine}").text


def test_an_expired_request_is_refused(okta):
    query = redirect_query(authn_request(age=3600))
    assert "Expired SAML request" in error_of(httpx.get(f"{okta}{OPEN_APP}/sso/saml?{query}"))


@pytest.mark.parametrize("query", [
    "SAMLRequest=not-base64!!",
    "SAMLRequest=" + quote_plus(base64.b64encode(b"not deflated").decode()),
    "SAMLRequest=" + quote_plus(deflated("<not-closed")),
    "SAMLRequest=" + quote_plus(deflated('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>')),
    "SAMLRequest=" + quote_plus(deflated('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')),
    "SAMLRequest=" + quote_plus(deflated('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                                         '<r>&b;&b;&b;&b;</r>')),
    "SAMLRequest=" + quote_plus(base64.b64encode(zlib.compress(b"<a>" + b" " * 10_000_000 + b"</a>")[2:-4]).decode()),
    "SAMLRequest=a&SAMLRequest=b",
    "SAMLRequest=%FF%FE",
])
def test_malformed_requests_get_an_error_page_never_a_500(okta, query):
    assert "Invalid SAML request" in error_of(httpx.get(f"{okta}{OPEN_APP}/sso/saml?{query}"))


def test_a_post_without_saml_request_or_not_a_form_is_refused(okta):
    assert "SAMLRequest" in error_of(httpx.post(f"{okta}{OPEN_APP}/sso/saml", data={"x": "y"}))
    error_of(httpx.post(f"{okta}{OPEN_APP}/sso/saml", content=b"{}", headers={"Content-Type": "application/json"}))


def test_the_sso_session_signs_in_again_without_the_form_and_force_authn_shows_it(okta):
    with httpx.Client(timeout=10) as browser:
        first = sign_in(browser, browser.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}"))
        auto_post(first)
        again = browser.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}")
        assert "SAMLResponse" in again.text and 'id="login-form"' not in again.text
        forced_query = redirect_query(authn_request(root_extra=' ForceAuthn="true"'))
        forced = browser.get(f"{okta}{OPEN_APP}/sso/saml?{forced_query}")
        assert 'id="login-form"' in forced.text


def test_is_passive_without_a_session_answers_no_passive_to_the_app(okta):
    query = redirect_query(authn_request(root_extra=' IsPassive="true"'))
    page = httpx.get(f"{okta}{OPEN_APP}/sso/saml?{query}", timeout=10)
    action, fields = auto_post(page)
    assert action == "http://sp.test/pysaml2/acs"
    assert "urn:oasis:names:tc:SAML:2.0:status:NoPassive" in decoded(fields["SAMLResponse"])


def test_the_response_page_posts_without_scripts_and_its_one_script_is_allowed_by_hash(okta):
    with httpx.Client(timeout=10) as browser:
        page = sign_in(browser, browser.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}"))
    assert "<noscript><button type=\"submit\">" in page.text
    assert "'sha256-" in page.headers["content-security-policy"] and page.headers["cache-control"] == "no-store"


def test_idp_initiated_sign_in_from_the_launch_url(okta):
    with httpx.Client(timeout=10) as browser:
        page = sign_in(browser, browser.get(f"{okta}{OPEN_APP}/sso/saml?" + urlencode({"RelayState": "/home"})))
        action, fields = auto_post(page)
    xml = decoded(fields["SAMLResponse"])
    assert action == "http://sp.test/pysaml2/acs" and fields["RelayState"] == "/home"
    assert "InResponseTo" not in xml and "<saml2:AttributeValue" in xml


def logout_request(issuer: str, age: int = 0) -> str:
    instant = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=age))
    return (f'<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{secrets.token_hex(8)}" Version="2.0" '
            f'IssueInstant="{instant.strftime("%Y-%m-%dT%H:%M:%SZ")}"><saml:Issuer>{issuer}</saml:Issuer>'
            f'<saml:NameID>alice@example.com</saml:NameID></samlp:LogoutRequest>')


def test_logout_requests_the_app_cannot_make_are_refused(okta, sp_keys):
    cognito = redirect_query(logout_request("urn:amazon:cognito:sp:us-east-1_Example"))
    no_slo = httpx.get(f"{okta}/app/cognito/exk1cognitopool/slo/saml?{cognito}")  # an app without slo_url
    assert no_slo.status_code == 404 and "no single logout" in error_of(no_slo)
    issuer = "http://sp.test/python3-saml/metadata"
    unsigned = httpx.get(f"{okta}{SIGNED_APP}/slo/saml?{redirect_query(logout_request(issuer))}")
    assert "Unsigned SAML request" in error_of(unsigned)
    other_issuer = redirect_query(logout_request("http://sp.test/someone-else"), key_pem=sp_keys[1])
    assert "not this app's SP entity ID" in error_of(httpx.get(f"{okta}{SIGNED_APP}/slo/saml?{other_issuer}"))
    expired = redirect_query(logout_request(issuer, age=3600), key_pem=sp_keys[1])
    assert "Expired SAML request" in error_of(httpx.get(f"{okta}{SIGNED_APP}/slo/saml?{expired}"))


def test_the_tenant_page_lists_each_app_with_its_metadata_url_launch_link_and_cognito_values(okta):
    page = httpx.get(okta + "/_ui").text
    section = page.split('data-testid="section-saml-apps"')[1].split("</table>")[0]
    for app in ("python3saml/exk1python3saml", "pysaml2/exk1pysaml2", "cognito/exk1cognitopool"):
        assert f'<a href="{okta}/app/{app}/sso/saml/metadata">' in section
        assert f'<a href="{okta}/app/{app}/sso/saml">IdP-initiated sign-in</a>' in section
    assert "http://www.okta.com/exk1cognitopool" in section
    assert "custom:department ← department" in html.unescape(section)


def test_the_sign_in_post_needs_our_form_s_token_and_our_own_page(okta):
    from .saml_support import login_form

    with httpx.Client(timeout=10) as browser:
        action, fields = login_form(browser.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}"))
        credentials = [("username", "alice"), ("password", "alice-password")]
        forged = [(k, "x" if k == "csrf_token" else v) for k, v in fields] + credentials
        refused = browser.post(action, data=dict(forged))
        assert refused.status_code == 403 and "SAMLResponse" not in refused.text
        cross_site = browser.post(action, data=dict(fields + credentials), headers={"Origin": "https://evil.example"})
        assert cross_site.status_code == 403 and "SAMLResponse" not in cross_site.text
        assert "SAMLResponse" in browser.post(action, data=dict(fields + credentials)).text


def test_saml_defect_scenarios_are_checked_when_armed(okta):
    scenarios = okta.rsplit("/", 1)[0] + "/_admin/tenants/okta/scenarios"
    token_defect = httpx.post(scenarios, json={"endpoint": "saml_sso", "defect": "alg_none"})
    assert token_defect.status_code == 400
    saml_defect_on_tokens = httpx.post(scenarios, json={"endpoint": "token", "defect": "wrong_recipient"})
    assert saml_defect_on_tokens.status_code == 400 and "a token defect is one of" in saml_defect_on_tokens.text


def test_a_request_scenario_fails_the_next_sso_request_of_the_app_with_its_status(okta):
    scenarios = okta.rsplit("/", 1)[0] + "/_admin/tenants/okta/scenarios"
    armed = httpx.post(scenarios, json={"endpoint": "saml_sso", "client_id": "exk1pysaml2", "status": 503})
    assert armed.status_code == 201, armed.text
    other_app = httpx.get(f"{okta}{SIGNED_APP}/sso/saml")  # another app: not this scenario's
    assert other_app.status_code == 200
    failed = httpx.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}")
    assert failed.status_code == 503 and "text/html" in failed.headers["content-type"]
    assert httpx.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}").status_code == 200


def test_the_audit_trail_shows_the_decoded_authn_request_and_response(okta):
    request_xml = authn_request()
    with httpx.Client(timeout=10) as browser:
        auto_post(sign_in(browser, browser.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(request_xml, 'rs')}")))
    trail = httpx.get(okta.rsplit("/", 1)[0] + "/_admin/tenants/okta/requests", params={"endpoint": "saml_sso"}).json()
    shown, login = trail[-2], trail[-1]
    assert shown["client_id"] == "exk1pysaml2" and shown["saml_request"] == request_xml
    assert login["path"].endswith("/sso/saml/login") and login["saml_request"] == request_xml
    assert login["username"] == "alice" and "<saml2:Assertion" in login["saml_response"]
    assert ["password", "***"] in login["params"]


def test_post_binding_from_another_site_finds_the_sso_session_and_ends_it(okta):
    """A browser sends no SameSite=Lax cookie with another site's POST (here: a request without the
    jar's cookies); our page posts it once more, same-site, and the cookie comes along."""
    cross_site = {"Origin": "http://sp.test", "Sec-Fetch-Site": "cross-site"}
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(f"{okta}{OPEN_APP}/sso/saml?"
                                                                f"{redirect_query(authn_request())}")))
        assertion = decoded(fields["SAMLResponse"])
        name_id = re.search(r"<saml2:NameID[^>]*>([^<]+)</saml2:NameID>", assertion).group(1)
        index = re.search(r'SessionIndex="([^"]+)"', assertion).group(1)
        form = {"SAMLRequest": base64.b64encode(authn_request().encode()).decode(), "RelayState": "r"}
        action, fields = auto_post(httpx.post(f"{okta}{OPEN_APP}/sso/saml", data=form, headers=cross_site))
        assert action == f"{okta}{OPEN_APP}/sso/saml" and fields["mock_idp_bounced"] == "1"
        action, fields = auto_post(browser.post(action, data=fields))  # signed in already: no form
        assert action == "http://sp.test/pysaml2/acs" and fields["RelayState"] == "r"
        logout = logout_request("http://sp.test/pysaml2/metadata").replace(
            "<saml:NameID>alice@example.com</saml:NameID>",
            f"<saml:NameID>{name_id}</saml:NameID><samlp:SessionIndex>{index}</samlp:SessionIndex>")
        form = {"SAMLRequest": base64.b64encode(logout.encode()).decode()}
        action, fields = auto_post(httpx.post(f"{okta}{OPEN_APP}/slo/saml", data=form, headers=cross_site))
        action, fields = auto_post(browser.post(action, data=fields))
        assert action == "http://sp.test/pysaml2/slo"
        assert "urn:oasis:names:tc:SAML:2.0:status:Success" in decoded(fields["SAMLResponse"])
        assert 'id="login-form"' in browser.get(f"{okta}{OPEN_APP}/sso/saml?{redirect_query(authn_request())}").text


def test_the_tenant_page_link_signs_in_and_shows_the_decoded_verified_response(okta):
    page = httpx.get(okta + "/_ui").text
    assert f'<a href="{okta}/_ui/saml/exk1pysaml2">Sign in and see the assertion</a>' in page
    with httpx.Client(timeout=10) as browser:
        shown = sign_in(browser, browser.get(f"{okta}/_ui/saml/exk1pysaml2?RelayState=%2Fhome"))
        again = browser.get(f"{okta}/_ui/saml/exk1pysaml2")  # the session: no form
    for response in (shown, again):
        assert response.status_code == 200 and 'data-testid="saml-title"' in response.text
        assert 'action="http://sp.test' not in response.text  # shown, not posted to the ACS
    text = html.unescape(shown.text)
    assert "verifies with the tenant's signing certificate" in text  # the assertion's (sign: assertion)
    assert "Attribute department</th><td><code>IT</code>" in text
    assert "<code>http://sp.test/pysaml2/metadata</code>" in text
    assert "RelayState <code>/home</code>" in text and "&lt;saml2:Assertion" in shown.text


def test_the_assertion_page_says_when_a_signature_does_not_verify(okta):
    armed = httpx.post(okta.rsplit("/", 1)[0] + "/_admin/tenants/okta/scenarios",
                       json={"endpoint": "saml_sso", "client_id": "exk1pysaml2", "defect": "bad_signature"})
    assert armed.status_code == 201
    with httpx.Client(timeout=10) as browser:
        shown = sign_in(browser, browser.get(f"{okta}/_ui/saml/exk1pysaml2"))
    assert "does not verify with the tenant&#39;s certificates" in shown.text
