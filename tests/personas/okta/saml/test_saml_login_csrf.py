"""The SAML app's login form is as safe as the OIDC one (issue 18, finding 7): another site's page
cannot post it, and its token completes only the AuthnRequest it was shown for."""

import httpx

from .saml_support import ALICE, login_form
from .test_saml_requests import OPEN_APP, authn_request, redirect_query


def test_the_saml_login_form_refuses_another_sites_post_and_another_requests_token(okta):
    sso = okta + OPEN_APP + "/sso/saml"
    with httpx.Client() as browser:
        action, fields = login_form(browser.get(sso + "?" + redirect_query(authn_request(), relay_state="mine")))
        credentials = [("username", ALICE[0]), ("password", ALICE[1])]

        foreign = browser.post(action, data=dict(fields + credentials), headers={"Sec-Fetch-Site": "same-site"})
        assert foreign.status_code == 403 and "another site" in foreign.text and "SAMLResponse" not in foreign.text

        # The form carries the request (SAMLQuery); another request under the same token is refused.
        other = [(k, v.replace("RelayState=mine", "RelayState=theirs")) for k, v in fields]
        assert other != fields
        assert browser.post(action, data=dict(other + credentials)).status_code == 403

        signed_in = browser.post(action, data=dict(fields + credentials))
        assert signed_in.status_code == 200 and "SAMLResponse" in signed_in.text
