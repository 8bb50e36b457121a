"""The relying party's side of the end-to-end tests: authlib clients, JWT checks done with joserfc
against the served JWKS, and parsers for what the browser was sent back with."""

import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qsl, urlsplit

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

REDIRECT_URI = "http://localhost:3000/callback"
LOGOUT_REDIRECT_URI = "http://localhost:3000/"
CLIENTS = {
    "demo-web": {"client_secret": "demo-web-secret", "token_endpoint_auth_method": "client_secret_basic"},
    "demo-spa": {"token_endpoint_auth_method": "none"},
    "demo-device": {"token_endpoint_auth_method": "none"},
    "demo-service": {"client_secret": "demo-service-secret",
                     "token_endpoint_auth_method": "client_secret_basic"},
}


def rp(discovery: dict, client_id: str = "demo-web", scope: str = "openid profile email", **options):
    """An authlib OAuth2Client registered as one of the seeded clients."""
    settings = {**CLIENTS[client_id], **options}
    return OAuth2Client(client_id, redirect_uri=REDIRECT_URI, scope=scope,
                        token_endpoint=discovery["token_endpoint"], timeout=10, **settings)


def half_hash(value: str) -> str:
    """OIDC Core §3.3.2.11: base64url of the left half of SHA-256 (RS256) of the ASCII value."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def s256(verifier: str) -> str:
    """RFC 7636 §4.2, computed here rather than by the library under test."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def new_verifier() -> str:
    return secrets.token_urlsafe(48)  # 64 characters, within RFC 7636 §4.1's 43..128


def served_keys(discovery: dict) -> KeySet:
    return KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())


def verify(token: str, discovery: dict, aud: str | None = None, keys: KeySet | None = None,
           **expected) -> dict:
    """Signature against the served JWKS, then iss (byte-identical), aud, exp, iat and `expected`."""
    decoded = jwt.decode(token, keys or served_keys(discovery), algorithms=["RS256"])
    rules = {"iss": {"essential": True, "value": discovery["issuer"]},
             "exp": {"essential": True}, "iat": {"essential": True}}
    if aud is not None:
        rules["aud"] = {"essential": True, "value": aud}
    rules.update({name: {"essential": True, "value": value} for name, value in expected.items()})
    jwt.JWTClaimsRegistry(**rules).validate(decoded.claims)
    assert decoded.header["alg"] == "RS256" and decoded.header["kid"]
    return decoded.claims


UNCHECKED = object()


def verify_id_token(token: str, discovery: dict, client_id: str, nonce=UNCHECKED, keys: KeySet | None = None,
                    **expected) -> dict:
    """OIDC Core §3.1.3.7 checks a relying party makes on an ID token (nonce=None: must be absent)."""
    if isinstance(nonce, str):
        expected["nonce"] = nonce
    claims = verify(token, discovery, aud=client_id, keys=keys, azp=client_id, **expected)
    assert isinstance(claims["sub"], str) and claims["sub"]
    assert isinstance(claims["auth_time"], int)
    if nonce is None:
        assert "nonce" not in claims
    return claims


def redirect_params(response: httpx.Response, fragment: bool = False) -> dict:
    """The parameters of a redirect to the registered callback, from its query or fragment."""
    assert response.status_code == 302, (response.status_code, response.text[:500])
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    if fragment:
        assert not location.query, "tokens must not travel in the query string"
        return dict(parse_qsl(location.fragment, keep_blank_values=True))
    assert not location.fragment
    return dict(parse_qsl(location.query, keep_blank_values=True))


def form_post_params(response: httpx.Response) -> tuple[str, dict]:
    """(action, fields) of an OAuth 2.0 Form Post response, unescaped as a browser would."""
    assert response.status_code == 200, (response.status_code, response.text[:500])
    form = re.search(r'<form method="post" action="([^"]*)">(.*?)</form>', response.text, re.S)
    assert form, "no auto-submitting form in the response"
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))
    return html.unescape(form.group(1)), {html.unescape(n): html.unescape(v) for n, v in fields}


def shows_login_form(response: httpx.Response) -> bool:
    return response.status_code == 200 and 'id="login-form"' in response.text


def username_field_value(response: httpx.Response) -> str:
    field = re.search(r'<input type="text" id="username" name="username" value="([^"]*)"', response.text)
    assert field, "no username field on the page"
    return html.unescape(field.group(1))


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def sign_in(browser, discovery: dict, client_id: str = "demo-web", scope: str = "openid profile email",
            username: str = "alice", password: str = "alice-password", **params):
    """The whole code flow (PKCE S256) through the login form: (client, token response, nonce)."""
    client = rp(discovery, client_id, scope, code_challenge_method="S256")
    verifier = new_verifier()
    params.setdefault("nonce", new_nonce())
    url, state = client.create_authorization_url(discovery["authorization_endpoint"],
                                                 code_verifier=verifier, **params)
    response = browser.authorize(url, username, password)
    assert redirect_params(response)["state"] == state
    token = client.fetch_token(authorization_response=response.headers["location"], state=state,
                               code_verifier=verifier)
    return client, token, params["nonce"]


# -- RFC 8628 device flow: the device's requests and the user's visit to the verification page ----

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def request_device_code(discovery: dict, client_id: str, scope: str = "openid profile offline_access",
                        **params) -> httpx.Response:
    """What the device sends first (RFC 8628 §3.1); a public client names itself in the body."""
    data = {"client_id": client_id, "scope": scope, **params}
    return httpx.post(discovery["device_authorization_endpoint"], data=data)


def poll_token(discovery: dict, device_code: str, client_id: str, **params) -> httpx.Response:
    """One poll of the token endpoint (RFC 8628 §3.4)."""
    data = {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": client_id, **params}
    return httpx.post(discovery["token_endpoint"], data=data)


def decision_form_action(page: httpx.Response) -> tuple[str, str]:
    """(action, user_code) of the Allow/Deny form a signed-in browser is shown."""
    form = re.search(r'<form method="post" action="([^"]+)" id="decision-form">\s*'
                     r'<input type="hidden" name="user_code" value="([^"]*)">', page.text)
    assert form, "no Allow/Deny form on the page"
    return html.unescape(form.group(1)), html.unescape(form.group(2))


def decide_on_page(browser, page: httpx.Response, decision: str) -> httpx.Response:
    action, user_code = decision_form_action(page)
    return browser.http.post(action, data={"user_code": user_code, "decision": decision})
