"""What real Cognito does with an OIDC identity provider, where ministack is lenient.

ministack never calls userinfo, never verifies our ID token and copies unmapped claims. This
scripted relying party does exactly what Cognito's documentation says it does with an OIDC IdP
("Adding OIDC identity providers to a user pool", "OIDC user pool IdP authentication flow"):

- authorize with response_type=code and scope `openid email profile`, without PKCE or nonce;
- redeem the code at the token endpoint with client_secret_post (secret in the body, no Basic);
- read attributes from userinfo with GET or POST (`attributes_request_method`);
- verify the ID token: RS256, `kid` in the header and in the JWKS, `iss` equal to the configured
  issuer exactly, `aud` the client id, `exp` in the future;
- and map attributes as JSON types: `email_verified` is a boolean where the vendor sends one.
"""

import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import REPO, Browser, start_server
from joserfc import jws, jwt
from joserfc.jwk import KeySet

IDP_RESPONSE = "https://mock-pool.auth.us-east-1.amazoncognito.com/oauth2/idpresponse"
COGNITO_SCOPES = "openid email profile"


@dataclass(frozen=True)
class OidcIdp:
    """The values typed into Cognito's "Add identity provider: OpenID Connect" form."""

    tenant_path: str
    client_id: str
    client_secret: str
    department_claim: str


IDPS = {
    "okta": OidcIdp("/okta/oauth2/default", "0oa-cognito-federation", "cognito-federation-secret", "department"),
    "auth0": OidcIdp("/auth0/", "auth0-cognito-federation", "auth0-cognito-federation-secret",
                     "https://example.com/department"),
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    """The shipped seed over HTTPS, as Cognito demands of an OIDC identity provider."""
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("strict-rp"), tls=True)
    yield running
    running.stop()


class CognitoAsRelyingParty:
    def __init__(self, server, settings: OidcIdp):
        self.http = httpx.Client(verify=server.verify, timeout=10)
        self.issuer = server.tenant_url(settings.tenant_path)  # "Issuer URL" on the form
        self.settings = settings
        # "Auto fill through issuer URL": OIDC Discovery §4, and the issuer must match exactly.
        self.discovery = self.http.get(self.issuer.rstrip("/") + "/.well-known/openid-configuration").json()
        assert self.discovery["issuer"] == self.issuer

    def authorize_url(self, state: str) -> str:
        # No code_challenge and no nonce: Cognito sends neither to an OIDC IdP.
        return self.discovery["authorization_endpoint"] + "?" + urlencode({
            "response_type": "code", "client_id": self.settings.client_id, "redirect_uri": IDP_RESPONSE,
            "scope": COGNITO_SCOPES, "state": state})

    def redeem(self, code: str) -> dict:
        response = self.http.post(self.discovery["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": IDP_RESPONSE,
            "client_id": self.settings.client_id, "client_secret": self.settings.client_secret})
        assert response.status_code == 200, response.text
        return response.json()

    def userinfo(self, access_token: str, method: str) -> dict:
        headers = {"Authorization": f"Bearer {access_token}"}
        if method == "GET":
            response = self.http.get(self.discovery["userinfo_endpoint"], headers=headers)
        else:
            response = self.http.post(self.discovery["userinfo_endpoint"], headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    def verify_id_token(self, id_token: str) -> dict:
        header = jws.extract_compact(id_token.encode()).protected
        assert header["alg"] == "RS256", header
        jwks = KeySet.import_key_set(self.http.get(self.discovery["jwks_uri"]).json())
        assert header.get("kid") in {key.kid for key in jwks.keys}, "kid missing from the header or the JWKS"
        claims = jwt.decode(id_token, jwks, algorithms=["RS256"]).claims
        assert claims["iss"] == self.issuer  # exactly, trailing slash and all
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        assert self.settings.client_id in audience
        assert claims["exp"] > time.time()
        return claims


@pytest.fixture(scope="module", params=list(IDPS))
def federated(request, idp):
    """One sign-in of alice, as Cognito runs it against the tenant: (relying party, tokens)."""
    rp = CognitoAsRelyingParty(idp, IDPS[request.param])
    state = secrets.token_urlsafe(12)
    browser = Browser(verify=idp.verify)
    back = browser.authorize(rp.authorize_url(state))
    browser.http.close()
    assert back.status_code in (302, 303), back.text[:500]
    location = urlsplit(back.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_RESPONSE
    params = dict(parse_qsl(location.query))
    assert params["state"] == state
    return rp, rp.redeem(params["code"])


def test_the_code_is_redeemed_with_the_secret_in_the_body_for_an_id_token_cognito_accepts(federated):
    rp, tokens = federated
    claims = rp.verify_id_token(tokens["id_token"])
    assert claims["email"] == "alice@example.com"
    assert claims[rp.settings.department_claim] == "IT"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_userinfo_answers_cognito_with_get_and_with_post(federated, method):
    rp, tokens = federated
    attributes = rp.userinfo(tokens["access_token"], method)
    assert attributes["sub"] == rp.verify_id_token(tokens["id_token"])["sub"]
    assert attributes["email"] == "alice@example.com"
    assert attributes[rp.settings.department_claim] == "IT"


def test_email_verified_is_a_json_boolean_as_the_vendor_sends_it(federated):
    rp, tokens = federated
    # Cognito maps email_verified from userinfo (Okta's code-flow ID token leaves it out; Auth0's has it).
    assert rp.userinfo(tokens["access_token"], "GET")["email_verified"] is True
    id_claims = rp.verify_id_token(tokens["id_token"])
    assert id_claims.get("email_verified", True) is True
