"""Shared by the test_flavor_* files: the seeded personas, a real code flow, JWT checks, and a
shape checker for the checked-in shapes of the real vendors (tests/shapes/<persona>/*.json)."""

import html
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

SHAPES = Path(__file__).parent / "shapes"
REDIRECT_URI = "http://localhost:3000/callback"
JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
              "array": list, "object": dict, "null": type(None)}


@dataclass(frozen=True)
class Persona:
    """A seeded authorization server: where its discovery lives and the clients seeded for it."""

    name: str
    issuer_path: str  # relative to the server root; the issuer is base_url + issuer_path
    client_id: str
    client_secret: str
    auth_method: str  # how the web client authenticates at the token endpoint
    service_id: str | None = None
    service_secret: str | None = None
    service_auth_method: str = "client_secret_basic"
    service_scope: str | None = None  # what the service asks for when a test names none
    discovery_path: str = "/.well-known/openid-configuration"

    def issuer(self, server) -> str:
        return server.base_url + self.issuer_path

    def discovery(self, server) -> dict:
        response = httpx.get(self.issuer(server).rstrip("/") + self.discovery_path)
        assert response.status_code == 200, (response.status_code, response.text)
        return response.json()


PERSONAS = {
    "okta": Persona("okta", "/okta/oauth2/default", "0oa-appsync-web", "appsync-web-secret",
                    "client_secret_basic", "0oa-service", "service-secret", service_scope="customers:read"),
    "okta_org": Persona("okta_org", "/okta", "0oa-appsync-web", "appsync-web-secret",
                        "client_secret_basic"),
    "auth0": Persona("auth0", "/auth0/", "auth0-web", "auth0-web-secret", "client_secret_basic",
                     "auth0-m2m", "auth0-m2m-secret", "client_secret_post"),
    "cognito": Persona("cognito", "/cognito", "cognito-app-client", "cognito-app-secret-0123456789",
                       "client_secret_basic", "cognito-service", "cognito-service-secret"),
}


# -- shapes ---------------------------------------------------------------------------------------

def load_shape(persona: str, document: str) -> dict:
    return json.loads((SHAPES / persona / f"{document}.json").read_text())


def shape_problems(actual: dict, shape: dict, not_emulated=frozenset(), extra_ok=lambda key: False) -> list[str]:
    """Differences between a JSON object we emit and the real vendor's shape.

    Missing: a non-optional key of the shape we do not emit (allowed only if `not_emulated`).
    Extra: a key we emit that the vendor never does (allowed only if `extra_ok(key)`).
    Mistyped: a shared key whose JSON type differs.
    """
    expected = {k: v for k, v in shape.items() if not k.startswith("$")}
    optional = set(shape.get("$optional", ()))
    problems = []
    missing = sorted(k for k in expected if k not in actual and k not in optional and k not in not_emulated)
    extra = sorted(k for k in actual if k not in expected and not extra_ok(k))
    mistyped = sorted(
        f"{k}: want {expected[k]}, got {json_type(actual[k])}"
        for k in expected if k in actual and not has_type(actual[k], expected[k])
    )
    if missing:
        problems.append(f"missing {missing}")
    if extra:
        problems.append(f"extra (the real vendor never sends these) {extra}")
    if mistyped:
        problems.append(f"mistyped {mistyped}")
    return problems


def assert_shape(actual: dict, persona: str, document: str, not_emulated=frozenset(), extra_ok=lambda key: False):
    problems = shape_problems(actual, load_shape(persona, document), not_emulated, extra_ok)
    assert not problems, f"{persona}/{document}.json: " + "; ".join(problems) + f"\nwe emitted: {actual}"


def has_type(value, json_type_name: str) -> bool:
    if isinstance(value, bool) and json_type_name in ("integer", "number"):
        return False  # JSON true is not a number
    return isinstance(value, JSON_TYPES[json_type_name])


def json_type(value) -> str:
    return next(name for name, kind in JSON_TYPES.items() if has_type(value, name))


# -- tokens ---------------------------------------------------------------------------------------

def claims_of(token: str, discovery: dict) -> dict:
    """The claims of a JWT whose signature checks against the served JWKS, and whose iss is the issuer."""
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": discovery["issuer"]},
                          exp={"essential": True}, iat={"essential": True}).validate(decoded.claims)
    return decoded.claims


def header_of(token: str, discovery: dict) -> dict:
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())
    return dict(jwt.decode(token, keys, algorithms=["RS256"]).header)


def web_client(persona: Persona, discovery: dict, scope: str) -> OAuth2Client:
    return OAuth2Client(persona.client_id, persona.client_secret, scope=scope, redirect_uri=REDIRECT_URI,
                        token_endpoint=discovery["token_endpoint"],
                        token_endpoint_auth_method=persona.auth_method, timeout=10)


def authorization_code(browser, persona: Persona, discovery: dict, scope: str = "openid profile email",
                       username: str = "alice", **params) -> str:
    """Log in through the login form: the code the browser is sent back with."""
    client = web_client(persona, discovery, scope)
    url, state = client.create_authorization_url(discovery["authorization_endpoint"],
                                                 nonce=secrets.token_urlsafe(8), **params)
    response = browser.authorize(url, username, f"{username}-password")
    assert response.status_code == 302, (response.status_code, response.text[:500])
    location = response.headers["location"]
    query = dict(parse_qsl(urlsplit(location).query))
    assert query.get("state") == state and "code" in query, location
    return query["code"]


def code_flow(browser, persona: Persona, discovery: dict, scope: str = "openid profile email",
              username: str = "alice", **params) -> dict:
    """Log in and redeem the code: the token endpoint's JSON exactly as the server sent it."""
    code = authorization_code(browser, persona, discovery, scope, username, **params)
    response = token_request(discovery, persona.client_id, persona.client_secret, persona.auth_method,
                             grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()


def token_request(discovery: dict, client_id: str, secret: str, auth_method: str, **form) -> httpx.Response:
    """A raw POST to the token endpoint, so tests see the vendor's exact status and body."""
    if auth_method == "client_secret_post":
        return httpx.post(discovery["token_endpoint"], data={**form, "client_id": client_id,
                                                             "client_secret": secret})
    return httpx.post(discovery["token_endpoint"], data=form, auth=(client_id, secret))


def client_credentials(persona: Persona, discovery: dict, **form) -> httpx.Response:
    if persona.service_scope and "scope" not in form:
        form["scope"] = persona.service_scope
    return token_request(discovery, persona.service_id, persona.service_secret, persona.service_auth_method,
                         grant_type="client_credentials", **form)


def userinfo(discovery: dict, access_token: str) -> httpx.Response:
    return httpx.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"})


# -- the login page -------------------------------------------------------------------------------

def user_buttons(page: httpx.Response) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """The one-click forms of the seeded users: username -> (action, fields)."""
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    buttons = {}
    for action, body in forms:
        fields = [(html.unescape(n), html.unescape(v))
                  for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', body)]
        username = dict(fields).get("username")
        if username and "<button" in body:
            buttons[username] = (html.unescape(action), fields)
    return buttons


def login_page_and_one_click(browser, persona: Persona, discovery: dict, username: str):
    """(login page, response to clicking `username`'s button, state sent)."""
    client = web_client(persona, discovery, "openid profile email")
    url, state = client.create_authorization_url(discovery["authorization_endpoint"])
    page = browser.get(url)
    assert page.status_code == 200, page.text[:500]
    action, fields = user_buttons(page)[username]
    clicked = browser.http.post(action, content=urlencode(fields),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    return page, clicked, state


def assert_one_click_login(browser, persona: Persona, discovery: dict, label: str, sub_of_frank=None):
    """The persona's login page names the persona and its seeded users; a user button signs in."""
    page, clicked, state = login_page_and_one_click(browser, persona, discovery, "frank")
    assert label in page.text
    for name in ("Alice Admin", "Frank Finance", "Hannah HR"):
        assert name in page.text
    assert set(user_buttons(page)) == {"alice", "frank", "hannah"}
    assert clicked.status_code == 302, clicked.text[:500]
    query = dict(parse_qsl(urlsplit(clicked.headers["location"]).query))
    assert query["state"] == state
    response = token_request(discovery, persona.client_id, persona.client_secret, persona.auth_method,
                             grant_type="authorization_code", code=query["code"], redirect_uri=REDIRECT_URI)
    assert response.status_code == 200, response.text
    claims = claims_of(response.json()["id_token"], discovery)
    assert claims.get("email") == "frank@example.com"
    return claims
