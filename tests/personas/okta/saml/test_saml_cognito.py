"""Cognito user-pool federation by SAML, end to end, against ministack's local Cognito: the pool's
SAML identity provider is made from our app's metadata (MetadataFile, as the CLI and
CloudFormation take it); Cognito's hosted /oauth2/authorize sends the browser to our SSO URL with
an AuthnRequest; the user signs in on our login form; our auto-posting form delivers the Response
to the pool's /saml2/idpresponse; Cognito maps the attributes and issues its own tokens.

ministack checks no SAML signature (python3-saml and pysaml2 are the cryptographic proof); it does
send Cognito's AuthnRequest (Issuer urn:amazon:cognito:sp:<pool id>, the pool's ACS URL), which
our SSO URL checks like any other.
"""

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
import yaml
from conftest import start_server
from joserfc import jwt
from joserfc.jwk import KeySet
from ministack_support import federation_pool

from .saml_support import auto_post, sign_in

DOMAIN = "mock-saml-pool"  # unique across the session's ministack (ministack_support.py)
HOSTED_DOMAIN = f"{DOMAIN}.auth.us-east-1.amazoncognito.com"
APP_CALLBACK = "http://localhost:3000/callback"
PROVIDER = "OktaSaml"


@pytest.fixture(scope="module")
def pool(ministack):
    with federation_pool(ministack, "saml-federation", DOMAIN) as pool_id:
        yield pool_id


@pytest.fixture(scope="module")
def okta(pool, tmp_path_factory, saml_seed):
    """Our okta tenant, its cognito app naming this pool (docs/saml.md: the values Cognito needs)."""
    seed = yaml.safe_load(saml_seed.read_text())
    app = next(a for a in seed["tenants"]["okta"]["saml_apps"] if a["name"] == "cognito")
    app |= {"sp_entity_id": f"urn:amazon:cognito:sp:{pool}", "acs_url": f"https://{HOSTED_DOMAIN}/saml2/idpresponse"}
    path = tmp_path_factory.mktemp("cognito-seed") / "saml.yaml"
    path.write_text(yaml.safe_dump(seed, sort_keys=False))
    running = start_server(path, tmp_path_factory.mktemp("cognito-saml-data"))
    yield running.tenant_url("/okta")
    running.stop()


@pytest.fixture(scope="module")
def app_client(ministack, pool, okta) -> tuple[str, str]:
    cognito = ministack.client("cognito-idp")
    metadata = httpx.get(okta + "/app/cognito/exk1cognitopool/sso/saml/metadata").text
    cognito.create_identity_provider(
        UserPoolId=pool, ProviderName=PROVIDER, ProviderType="SAML",
        ProviderDetails={"MetadataFile": metadata, "IDPSignout": "false"},
        AttributeMapping={"email": "email", "custom:department": "department"})
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="saml-app", GenerateSecret=True, AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=[APP_CALLBACK], SupportedIdentityProviders=[PROVIDER])["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]


def test_cognito_federated_sign_in_by_saml_maps_email_and_department(ministack, pool, okta, app_client):
    app_id, app_secret = app_client
    state = secrets.token_urlsafe(12)
    with httpx.Client(timeout=10) as browser:
        hosted = browser.get(f"{ministack.endpoint}/oauth2/authorize?" + urlencode({
            "identity_provider": PROVIDER, "client_id": app_id, "response_type": "code",
            "redirect_uri": APP_CALLBACK, "scope": "openid email profile", "state": state}))
        assert hosted.status_code == 302, hosted.text
        to_us = hosted.headers["location"]
        assert to_us.startswith(okta + "/app/cognito/exk1cognitopool/sso/saml?SAMLRequest="), to_us
        action, fields = auto_post(sign_in(browser, browser.get(to_us)))
        assert action == f"https://{HOSTED_DOMAIN}/saml2/idpresponse"
        # The hosted domain does not resolve here: the browser's POST goes to ministack with it as Host.
        landed = browser.post(f"{ministack.endpoint}/saml2/idpresponse", data=fields, headers={"Host": HOSTED_DOMAIN})
    assert landed.status_code == 302, landed.text
    params = dict(parse_qsl(urlsplit(landed.headers["location"]).query))
    assert landed.headers["location"].startswith(APP_CALLBACK) and params["state"] == state, params
    tokens = httpx.post(f"{ministack.endpoint}/oauth2/token", auth=(app_id, app_secret), data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": APP_CALLBACK, "client_id": app_id})
    assert tokens.status_code == 200, tokens.text
    jwks = httpx.get(f"{ministack.endpoint}/{pool}/.well-known/jwks.json").json()
    claims = jwt.decode(tokens.json()["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert claims["aud"] == app_id and claims["token_use"] == "id"
    assert claims["email"] == "alice@example.com" and claims["custom:department"] == "IT"
    assert claims["cognito:username"] == f"{PROVIDER}_alice@example.com"
