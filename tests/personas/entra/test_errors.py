"""Entra's token endpoint errors as Microsoft documents them and as captured from real tenants
(docs/vendors.md, "Entra ID errors, checked"): for each situation the AADSTS code, the OAuth
`error` and HTTP status Entra pairs with it, and the body's members."""

import base64
import datetime
import hashlib
import re
import time
import uuid
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml
from conftest import Browser, make_app_client
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import RSAKey

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
TOKEN = f"/{TENANT}/oauth2/v2.0/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate() -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "daemon")])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(KEY.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(KEY, hashes.SHA256()))


CERT = certificate()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT, "display_name": "Contoso",
        "apis": [{"identifier": "api://tasks", "scopes": ["Tasks.Read"]}],
        "clients": [
            {"client_id": "web", "name": "Web", "client_secret": "secret", "redirect_uris": ["http://localhost/cb"],
             "grant_types": ["authorization_code", "refresh_token", "password"]},
            {"client_id": "public", "grant_types": ["password"], "response_types": []},
            {"client_id": "daemon", "grant_types": ["client_credentials"],
             "certificates": [CERT.public_bytes(serialization.Encoding.PEM).decode()]}],
        "users": [{"username": "alice@contoso.example", "password": "pw"}]}}}
    folder = tmp_path_factory.mktemp("entra-errors")
    (folder / "seed.yaml").write_text(yaml.safe_dump(seed))
    with make_app_client(folder / "seed.yaml", folder / "data") as app:
        yield app


def assertion(thumbprint=None, **claims) -> str:
    now = int(time.time())
    payload = {"iss": "daemon", "sub": "daemon", "aud": "http://127.0.0.1:8000" + TOKEN, "exp": now + 300,
               "nbf": now, "jti": str(uuid.uuid4()), **claims}
    thumbprint = thumbprint or base64.urlsafe_b64encode(CERT.fingerprint(hashes.SHA256())).decode()
    key = RSAKey.import_key(KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    return jwt.encode({"alg": "PS256", "x5t#S256": thumbprint}, payload, key, algorithms=["PS256"])


PASSWORD = {"grant_type": "password", "username": "alice@contoso.example", "password": "pw", "client_id": "web",
            "client_secret": "secret", "scope": "api://tasks/Tasks.Read"}
DAEMON = {"grant_type": "client_credentials", "scope": "api://tasks/.default", "client_id": "daemon",
          "client_assertion_type": ASSERTION_TYPE}


@pytest.mark.parametrize("case, request_body, status, error, code, text", [
    ("a wrong secret", {**PASSWORD, "client_secret": "wrong"}, 401, "invalid_client", 7000215,
     "Invalid client secret provided."),
    ("no credentials", {k: v for k, v in PASSWORD.items() if k != "client_secret"}, 401, "invalid_client", 7000218,
     "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
    ("an unknown application", {**PASSWORD, "client_id": "nobody"}, 400, "unauthorized_client", 700016,
     "Application with identifier 'nobody' was not found in the directory 'contoso'. This can happen if"),
    ("a public client sending a secret", {**PASSWORD, "client_id": "public"}, 401, "invalid_client", 700025,
     "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."),
    ("a wrong password", {**PASSWORD, "password": "wrong"}, 400, "invalid_grant", 50126,
     "Error validating credentials due to invalid username or password."),
    ("no grant type", {k: v for k, v in PASSWORD.items() if k != "grant_type"}, 400, "invalid_request", 900144,
     "The request body must contain the following parameter: 'grant_type'."),
    ("a scope without /.default", {**DAEMON, "scope": "api://tasks/Tasks.Read", "client_assertion": "{assertion}"},
     400, "invalid_scope", 1002012, "The provided value for scope api://tasks/Tasks.Read is not valid. Client "
                                    "credential flows must have a scope value with /.default suffixed"),
    ("two resources", {**PASSWORD, "scope": "api://tasks/Tasks.Read User.Read"}, 400, "invalid_scope", 28000,
     "Provided value for the input parameter scope is not valid because it contains more than one resource. "
     "Scope api://tasks/Tasks.Read User.Read is not valid."),
    ("an unknown resource", {**PASSWORD, "scope": "api://nothing/x"}, 400, "invalid_resource", 500011,
     "The resource principal named api://nothing was not found in the tenant named Contoso."),
    ("a scope the API lacks", {**PASSWORD, "scope": "api://tasks/Tasks.Write"}, 400, "invalid_client", 650053,
     "The application 'Web' asked for scope 'Tasks.Write' that doesn't exist on the resource 'tasks'."),
    ("an expired client assertion", {**DAEMON, "client_assertion": "{expired}"}, 401, "invalid_client", 700024,
     "Client assertion is not within its valid time range."),
    ("a client assertion for another audience", {**DAEMON, "client_assertion": "{elsewhere}"}, 401,
     "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer."),
    ("a client assertion signed by another key", {**DAEMON, "client_assertion": "{forged}"}, 401,
     "invalid_client", 700027, "Client assertion contains an invalid signature."),
    ("a client assertion of a certificate the app lacks", {**DAEMON, "client_assertion": "{unknown}"}, 401,
     "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The key was not found."),
    ("a client assertion that is no JWT", {**DAEMON, "client_assertion": "not-a-jwt"}, 400, "invalid_request",
     50027, "JWT token is invalid or malformed."),
])
def test_token_errors_carry_entras_code_error_and_status(client, case, request_body, status, error, code, text):
    made = {"{assertion}": assertion(), "{expired}": assertion(exp=int(time.time()) - 3600),
            "{elsewhere}": assertion(aud="https://login.example/token"), "{forged}": assertion()[:-6] + "AAAAAA",
            "{unknown}": assertion(thumbprint=base64.urlsafe_b64encode(b"\x01" * 32).decode())}
    response = client.post(TOKEN, data={k: made.get(v, v) for k, v in request_body.items()})
    body = response.json()
    assert (response.status_code, body["error"], body["error_codes"]) == (status, error, [code]), (case, body)
    assert body["error_description"].startswith(f"AADSTS{code}: {text}"), (case, body)
    # reference-error-codes: the description ends with the ids; they and the time are members too.
    # Each on a line of its own (CRLF), as the reference's sample and MSAL's fixtures show them.
    assert re.search(r"[.\]]\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d "
                     r"\d\d:\d\d:\d\dZ$", body["error_description"]), body
    assert body["error_uri"] == f"https://login.microsoftonline.com/error?code={code}"
    assert body["trace_id"] and body["correlation_id"] and body["timestamp"]


VERIFIER = "v" * 50


def code_redemption(client, scope: str) -> dict:
    """Sign alice in for `scope` (the in-process app, as a browser sees it): the code's token request."""
    browser = Browser()
    browser.http = client
    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
    signed_in = browser.authorize(str(httpx.URL(f"http://127.0.0.1:8000/{TENANT}/oauth2/v2.0/authorize", params={
        "client_id": "web", "response_type": "code", "redirect_uri": "http://localhost/cb", "scope": scope,
        "state": "s", "code_challenge": challenge, "code_challenge_method": "S256"})), "alice@contoso.example", "pw")
    assert signed_in.status_code == 302, signed_in.text[:300]
    query = dict(parse_qsl(urlsplit(signed_in.headers["location"]).query))
    assert "code" in query, query
    return {"grant_type": "authorization_code", "code": query["code"], "redirect_uri": "http://localhost/cb",
            "client_id": "web", "client_secret": "secret", "code_verifier": VERIFIER}


def test_an_authorization_for_two_resources_is_granted_and_its_code_refused_as_aadsts28000(client):
    refused = client.post(TOKEN, data=code_redemption(client, "openid api://tasks/Tasks.Read User.Read"))
    assert refused.status_code == 400 and refused.json()["error_codes"] == [28000], refused.text


def test_a_code_redeemed_twice_is_aadsts54005(client):
    redeem = code_redemption(client, "openid")
    assert client.post(TOKEN, data=redeem).status_code == 200
    again = client.post(TOKEN, data=redeem)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", again.text
    assert again.json()["error_description"].startswith("AADSTS54005: OAuth2 Authorization code was already "
                                                         "redeemed, please retry with a new valid code")


def test_an_error_quotes_the_clients_request_id_as_its_correlation_id(client):
    sent = str(uuid.uuid4())
    body = client.post(TOKEN, data={**PASSWORD, "password": "wrong"}, headers={"client-request-id": sent}).json()
    assert body["correlation_id"] == sent and f"\r\nCorrelation ID: {sent}\r\n" in body["error_description"]
    assert body["trace_id"] != sent
    # Not a GUID: Entra makes its own.
    body = client.post(TOKEN, data={**PASSWORD, "password": "wrong"}, headers={"client-request-id": "x"}).json()
    assert uuid.UUID(body["correlation_id"])


def test_a_silent_sign_in_without_a_session_is_redirected_as_aadsts50058(client):
    client.cookies.clear()  # no session
    refused = client.get(f"/{TENANT}/oauth2/v2.0/authorize", params={
        "client_id": "web", "response_type": "code", "redirect_uri": "http://localhost/cb", "scope": "openid",
        "state": "s", "prompt": "none"}, follow_redirects=False)
    params = dict(parse_qsl(urlsplit(refused.headers["location"]).query))
    assert params["error"] == "login_required" and params["state"] == "s", params
    assert params["error_description"].startswith(
        "AADSTS50058: A silent sign-in request was sent but no user is signed in. The cookies"), params
    assert params["error_uri"] == "https://login.microsoftonline.com/error?code=50058"
