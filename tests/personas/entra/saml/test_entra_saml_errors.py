"""Bad SAML requests at Entra's SAML URL get Entra's error page (its AADSTS code, 4xx), never a 500
nor a Response posted anywhere: an AuthnRequest from an SP that is no app of the tenant
(AADSTS700016), one naming an ACS that is not the app's Reply URL (AADSTS50011), none at all
(AADSTS750054), one that is no SAML message (AADSTS75005), an unknown app's metadata. And the URLs
around them: the tenant's metadata, the My Apps tile, the tenant page's table of the apps."""

import base64
import zlib

import httpx
import pytest

from ...okta.saml.saml_support import sp_fixture
from .conftest import TID

run_sp = sp_fixture("sp_python3saml.py")  # the SP making the requests, in its own process
APP_ID = "7a1f0c2e-0000-4000-8000-0000000005a1"
REGISTERED = {"entity_id": "http://sp.test/python3-saml/metadata", "acs_url": "http://sp.test/python3-saml/acs",
              "slo_url": "http://sp.test/python3-saml/slo"}


def request_url(run_sp, entra: str, sp: dict) -> str:
    metadata = f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml?appid={APP_ID}"
    return run_sp({"do": "login", "sp": sp, "metadata_url": metadata, "defaults": True})["url"]


def assert_entra_page(page: httpx.Response, code: str) -> None:
    assert 400 <= page.status_code < 500, (page.status_code, page.text[:500])
    assert "Sorry, but we&#39;re having trouble signing you in." in page.text, page.text
    assert f"{code}: " in page.text, page.text
    assert 'name="SAMLResponse"' not in page.text and "location" not in page.headers  # nothing posted on


def test_an_sp_that_is_no_app_of_the_tenant_gets_aadsts700016(run_sp, entra):
    unknown = {**REGISTERED, "entity_id": "http://sp.test/not-registered"}
    page = httpx.get(request_url(run_sp, entra, unknown))
    assert_entra_page(page, "AADSTS700016")
    assert "Application with identifier &#39;http://sp.test/not-registered&#39; was not found" in page.text


def test_an_acs_that_is_not_the_apps_reply_url_gets_aadsts50011(run_sp, entra):
    elsewhere = {**REGISTERED, "acs_url": "https://attacker.example/acs"}
    page = httpx.get(request_url(run_sp, entra, elsewhere))
    assert_entra_page(page, "AADSTS50011")
    assert "The redirect URI &#39;https://attacker.example/acs&#39; specified in the request" in page.text


@pytest.mark.parametrize(("method", "data", "code"), [
    ("GET", None, "AADSTS750054"),
    ("POST", {"SAMLRequest": "bm90IFhNTA=="}, "AADSTS75005"),  # base64 of "not XML"
    ("GET", {"SAMLRequest": "%%%"}, "AADSTS75005"),
])
def test_a_missing_or_malformed_request_gets_entras_page(entra, method, data, code):
    url = f"{entra}/{TID}/saml2"
    if method == "GET":
        page = httpx.get(url, params=data)
    else:  # from our own page, as the cookie bounce posts it again
        page = httpx.post(url, data={**data, "mock_idp_bounced": "1"})
    assert_entra_page(page, code)


def test_the_metadata_of_an_unknown_app_gets_aadsts700016(entra):
    page = httpx.get(f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml",
                     params={"appid": "00000000-0000-4000-8000-000000000000"})
    assert_entra_page(page, "AADSTS700016")


def test_the_tenants_metadata_names_the_idp_and_its_saml_url(entra):
    document = httpx.get(f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml")
    assert document.status_code == 200 and document.headers["content-type"].startswith("application/xml")
    assert f'entityID="https://sts.windows.net/{TID}/"' in document.text
    assert f'Location="{entra}/{TID}/saml2"' in document.text


def test_my_apps_sends_an_app_with_a_sign_on_url_there(entra):
    launch = httpx.get(f"{entra}/api/signin/7a1f0c2e-0000-4000-8000-0000000005a3")
    assert launch.status_code == 302 and launch.headers["location"] == "http://sp.test/started/login"


def test_an_old_issue_instant_is_not_evaluated(entra):
    # Entra "doesn't evaluate or use" IssueInstant: a request from 2013 still reaches the login page.
    xml = ('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="id6c1c178c166d48668"'
           ' Version="2.0" IssueInstant="2013-03-18T03:28:54.1839884Z"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:'
           f'assertion">{REGISTERED["entity_id"]}</Issuer></samlp:AuthnRequest>')
    deflater = zlib.compressobj(wbits=-15)
    request = base64.b64encode(deflater.compress(xml.encode()) + deflater.flush()).decode()
    page = httpx.get(f"{entra}/{TID}/saml2", params={"SAMLRequest": request})
    assert page.status_code == 200 and 'id="login-form"' in page.text, page.text[:2000]


def test_the_tenant_page_gives_each_apps_federation_metadata_url_and_my_apps_tile(entra):
    page = httpx.get(entra + "/_ui").text
    table = page.split('data-testid="section-entra-saml-apps"')[1].split("</table>")[0]
    app_id = "7a1f0c2e-0000-4000-8000-0000000005a3"
    metadata = f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml?appid={app_id}"
    assert f'<a href="{metadata}">' in table and f'<a href="{entra}/api/signin/{app_id}">My Apps tile</a>' in table
    assert f"https://sts.windows.net/{TID}/" in table and "http://sp.test/started/login" in table


def test_the_federation_metadata_is_signed_by_the_certificate_it_publishes(entra):
    from lxml import etree
    from signxml import XMLVerifier
    from signxml.verifier import SignatureConfiguration

    document = httpx.get(f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml", params={"appid": APP_ID})
    root = etree.fromstring(document.content)
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    assert root[0].tag == ds + "Signature"  # first, as the metadata schema wants
    published = root.find(f".//{{urn:oasis:names:tc:SAML:2.0:metadata}}KeyDescriptor//{ds}X509Certificate").text
    pem = f"-----BEGIN CERTIFICATE-----\n{published}\n-----END CERTIFICATE-----\n"
    verified = XMLVerifier().verify(root, x509_cert=pem, expect_config=SignatureConfiguration(location="./"))
    assert verified.signed_xml.get("entityID") == f"https://sts.windows.net/{TID}/"
