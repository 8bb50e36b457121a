"""The personas of the shipped seed and how a relying party gets their tokens (plain httpx, so the
vendor libraries under test only ever verify)."""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

REDIRECT_URI = "http://localhost:3000/callback"
IMPLICIT_REDIRECT_URI = "http://localhost:3000/implicit/callback"


@dataclass(frozen=True)
class Persona:
    """One authorization server of the seed and the confidential web client registered on it."""

    name: str
    path: str  # issuer, relative to the server's base URL (Auth0 keeps its trailing slash)
    client_id: str
    client_secret: str
    scope: str
    access_audience: str | None  # the `aud` the access tokens carry ("{issuer}" = the issuer)
    extra: dict = field(default_factory=dict)  # more authorization request parameters


PERSONAS = {
    "okta-custom-as": Persona("okta-custom-as", "/okta/oauth2/default", "0oa-appsync-web",
                              "appsync-web-secret", "openid profile email offline_access",
                              "api://default"),
    "okta-org-as": Persona("okta-org-as", "/okta", "0oa-appsync-web", "appsync-web-secret",
                           "openid profile email offline_access", "{issuer}"),
    "auth0": Persona("auth0", "/auth0/", "auth0-web", "auth0-web-secret",
                     "openid profile email offline_access", "https://customers.example.com",
                     {"audience": "https://customers.example.com"}),
    "cognito": Persona("cognito", "/cognito", "cognito-app-client", "cognito-app-secret-0123456789",
                       "openid profile email", None),
    "generic": Persona("generic", "/default", "demo-web", "demo-web-secret",
                       "openid profile email offline_access", "demo-web"),
}


def s256(verifier: str) -> str:
    """RFC 7636 §4.2, computed here rather than by a library under test."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def discovery_of(issuer: str, verify=True) -> dict:
    # OIDC Discovery §4: the issuer plus /.well-known/... with any trailing slash removed.
    return httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", verify=verify).json()


def redirect_params(response: httpx.Response) -> dict:
    assert response.status_code in (302, 303), response.text[:500]
    parts = urlsplit(response.headers["location"])
    return dict(parse_qsl(parts.fragment or parts.query))


def code_flow(browser, issuer: str, persona: Persona, verify=True) -> dict:
    """Authorization code + PKCE through the login form; the token response plus the nonce."""
    discovery = discovery_of(issuer, verify)
    verifier, state, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = {"response_type": "code", "client_id": persona.client_id, "redirect_uri": REDIRECT_URI,
             "scope": persona.scope, "state": state, "nonce": nonce,
             "code_challenge": s256(verifier), "code_challenge_method": "S256", **persona.extra}
    params = redirect_params(browser.authorize(discovery["authorization_endpoint"] + "?" + urlencode(query)))
    assert params.get("state") == state, params
    form = {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier}
    response = httpx.post(discovery["token_endpoint"], data=form, auth=(persona.client_id, persona.client_secret),
                          verify=verify)
    assert response.status_code == 200, response.text
    return {**response.json(), "nonce": nonce}
