"""Cognito user-pool OIDC federation, end to end, against ministack's real local Cognito.

Cognito's hosted /oauth2/authorize?identity_provider=... sends the browser to our authorization
endpoint; the user signs in on our real login form; we send the browser back to
/oauth2/idpresponse; Cognito redeems our code (client_secret_post), maps our claims onto pool
attributes and issues its own code, which the app exchanges for Cognito's tokens. The Cognito ID
token, verified against ministack's JWKS, must carry the seeded user's email and department.

The hosted domain (mock-pool.auth.us-east-1.amazoncognito.com) does not resolve here: the browser's
request to it is sent to ministack, with the domain as Host, as DNS would.
"""

import secrets
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import REPO, Browser, spare_loopback_address, start_server
from joserfc import jwt
from joserfc.jwk import KeySet
from ministack_support import federation_pool

APP_CALLBACK = "http://localhost:3000/callback"
DOMAIN = "mock-pool"
HOSTED_DOMAIN = f"{DOMAIN}.auth.us-east-1.amazoncognito.com"


@dataclass(frozen=True)
class Federation:
    """One OIDC identity provider of the pool: a tenant of ours and the client Cognito uses there."""

    provider: str
    tenant_path: str  # the issuer, relative to the server's base URL
    client_id: str
    client_secret: str
    department_claim: str  # the claim of our ID token mapped to custom:department


OKTA = Federation("MockOkta", "/okta/oauth2/default", "0oa-cognito-federation", "cognito-federation-secret",
                  "department")
# Auth0 namespaces custom claims: plain `department` would match nothing.
AUTH0 = Federation("MockAuth0", "/auth0/", "auth0-cognito-federation", "auth0-cognito-federation-secret",
                   "https://example.com/department")


@pytest.fixture(scope="module")
def plain_idp(ministack, tmp_path_factory):
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("federation-data"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def tls_idp(ministack, tmp_path_factory):
    """The seed over HTTPS on port 443, as Cognito demands, with a certificate from the CA ministack trusts."""
    host = spare_loopback_address()
    data_dir = ministack.trusted_data_dir(tmp_path_factory.mktemp("federation-tls-data"))
    running = start_server(REPO / "seed_users.yaml", data_dir, host=host, port=443, tls=True, tls_san=[host])
    assert running.base_url == f"https://{host}"
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pool(ministack):
    """A user pool with the custom attribute `department` and the hosted domain."""
    with federation_pool(ministack, "federation", DOMAIN) as pool_id:
        yield pool_id


def add_identity_provider(ministack, pool_id: str, idp, federation: Federation, name: str) -> str:
    """The OIDC identity provider and an app client that signs in through it only (the README's values)."""
    cognito = ministack.client("cognito-idp")
    issuer = idp.tenant_url(federation.tenant_path)
    discovery = httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", verify=idp.verify).json()
    cognito.create_identity_provider(
        UserPoolId=pool_id, ProviderName=name, ProviderType="OIDC",
        ProviderDetails={
            "client_id": federation.client_id, "client_secret": federation.client_secret,
            "authorize_scopes": "openid email profile", "attributes_request_method": "GET",
            "oidc_issuer": issuer,
            # ministack does not read discovery (Cognito's "manual input" form names them all).
            "authorize_url": discovery["authorization_endpoint"], "token_url": discovery["token_endpoint"],
            "attributes_url": discovery["userinfo_endpoint"], "jwks_uri": discovery["jwks_uri"],
        },
        AttributeMapping={"email": "email", "custom:department": federation.department_claim, "username": "sub"})
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=f"app-{name}", GenerateSecret=True,
        AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", "profile"], CallbackURLs=[APP_CALLBACK],
        SupportedIdentityProviders=[name])["UserPoolClient"]
    return client["ClientId"], client["ClientSecret"]


def sign_in_through(ministack, pool_id: str, idp, federation: Federation, name: str,
                    username: str = "alice") -> dict:
    """The whole chain, as a browser and the app's back end do it; Cognito's verified ID token claims."""
    app_id, app_secret = add_identity_provider(ministack, pool_id, idp, federation, name)
    return hosted_ui_sign_in(ministack, pool_id, idp, federation, name, app_id, app_secret, username)[0]


def hosted_ui_sign_in(ministack, pool_id: str, idp, federation: Federation, name: str, app_id: str,
                      app_secret: str, username: str = "alice") -> tuple[dict, dict]:
    """Hosted UI -> our login page -> idpresponse -> app: (verified ID token claims, token response)."""
    browser = Browser(verify=idp.verify)
    state = secrets.token_urlsafe(12)
    hosted = browser.get(f"{ministack.endpoint}/oauth2/authorize?" + urlencode({
        "identity_provider": name, "client_id": app_id, "response_type": "code",
        "redirect_uri": APP_CALLBACK, "scope": "openid email profile", "state": state}))
    assert hosted.status_code == 302, hosted.text
    to_us = hosted.headers["location"]
    assert to_us.startswith(idp.tenant_url(federation.tenant_path).rstrip("/")), to_us
    back = browser.authorize(to_us, username, f"{username}-password")  # our real login form
    assert back.status_code in (302, 303), back.text[:500]
    idpresponse = urlsplit(back.headers["location"])
    assert (idpresponse.scheme, idpresponse.netloc, idpresponse.path) == ("https", HOSTED_DOMAIN, "/oauth2/idpresponse")
    landed = browser.http.get(f"{ministack.endpoint}{idpresponse.path}?{idpresponse.query}",
                              headers={"Host": HOSTED_DOMAIN})
    assert landed.status_code == 302, landed.text
    app_redirect = urlsplit(landed.headers["location"])
    params = dict(parse_qsl(app_redirect.query))
    assert landed.headers["location"].startswith(APP_CALLBACK) and params["state"] == state, params
    tokens = httpx.post(f"{ministack.endpoint}/oauth2/token", data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": APP_CALLBACK,
        "client_id": app_id}, auth=(app_id, app_secret))
    assert tokens.status_code == 200, tokens.text
    browser.http.close()
    jwks = httpx.get(f"{ministack.endpoint}/{pool_id}/.well-known/jwks.json").json()
    claims = jwt.decode(tokens.json()["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert claims["aud"] == app_id and claims["token_use"] == "id"
    return claims, tokens.json()


@pytest.mark.parametrize("federation", [OKTA, AUTH0], ids=["okta", "auth0"])
def test_cognito_federated_sign_in_maps_email_and_department(federation, ministack, pool, plain_idp):
    claims = sign_in_through(ministack, pool, plain_idp, federation, federation.provider)
    assert claims["email"] == "alice@example.com"
    assert claims["custom:department"] == "IT"


def test_an_auth0_mapping_from_plain_department_finds_nothing(ministack, pool, plain_idp):
    # Why the README maps custom:department from https://example.com/department for Auth0.
    claims = sign_in_through(ministack, pool, plain_idp, replace(AUTH0, department_claim="department"),
                             "MockAuth0Plain")
    assert claims["email"] == "alice@example.com"
    assert "custom:department" not in claims


def test_cognito_federates_with_the_okta_tenant_over_https_on_port_443(ministack, pool, tls_idp):
    claims = sign_in_through(ministack, pool, tls_idp, OKTA, "MockOktaTLS", username="frank")
    assert claims["email"] == "frank@example.com"
    assert claims["custom:department"] == "Finance"
