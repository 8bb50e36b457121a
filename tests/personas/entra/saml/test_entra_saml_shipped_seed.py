"""The shipped seed's Entra tenant has an enterprise app with SAML single sign-on: its federation
metadata names Entra's IdP, and its AuthnRequest-less My Apps tile reaches the login page."""

import httpx

TID = "0c0ffee0-0000-4000-8000-00000000e17a"
APP_ID = "66666666-6666-4666-8666-666666666666"


def test_the_shipped_entra_tenant_serves_its_saml_apps_metadata_and_tile(seed_server):
    entra = seed_server.tenant_url("/entra")
    document = httpx.get(f"{entra}/{TID}/federationmetadata/2007-06/federationmetadata.xml", params={"appid": APP_ID})
    assert document.status_code == 200 and f'entityID="https://sts.windows.net/{TID}/"' in document.text
    assert f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ' \
           f'Location="{entra}/{TID}/saml2"/>' in document.text
    assert 'id="login-form"' in httpx.get(f"{entra}/api/signin/{APP_ID}").text
