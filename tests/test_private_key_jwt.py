"""private_key_jwt (RFC 7523 §2.2, OIDC Core §9) with authlib's own client, against the generic,
Okta and Auth0 personas: the vendors' audiences, lifetimes and algorithms; replays and expired,
foreign or badly signed assertions refused with invalid_client."""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time

import httpx
import pytest
import yaml
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from conftest import start_server
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

RSA = RSAKey.generate_key(2048, parameters={"kid": "client-rsa"})
EC = ECKey.generate_key("P-256", parameters={"kid": "client-ec"})
PUBLISHED = RSAKey.generate_key(2048, parameters={"kid": "published"})
STRANGER = RSAKey.generate_key(2048, parameters={"kid": "client-rsa"})
UNREGISTERED = RSAKey.generate_key(2048, parameters={"kid": "not-registered"})
KID = {"kid": "client-rsa"}


def public_jwks(*keys) -> dict:
    return KeySet(list(keys)).as_dict(private=False)


class JwksServer:
    """A client's own web server publishing its JWK Set (what a jwks_uri points at)."""

    def __init__(self, body: bytes):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                outer.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        self.body, self.hits = body, 0
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"


@pytest.fixture(scope="module")
def jwks_server():
    server = JwksServer(json.dumps(public_jwks(PUBLISHED)).encode())
    yield server
    server.httpd.shutdown()


def service(client_id: str, **extra) -> dict:
    return {"client_id": client_id, "grant_types": ["client_credentials"], "response_types": [],
            "token_endpoint_auth_method": "private_key_jwt", **extra}


@pytest.fixture(scope="module")
def huge_jwks_server():
    """A jwks_uri answering far more than any JWK Set of a few keys: 1 MB of padding in a key set."""
    server = JwksServer(json.dumps({"keys": [], "padding": "x" * 1_000_000}).encode())
    yield server
    server.httpd.shutdown()


@pytest.fixture(scope="module")
def server(tmp_path_factory, jwks_server, huge_jwks_server):
    inline = {"jwks": public_jwks(RSA, EC)}
    seed = {"tenants": {
        "generic": {"clients": [service("svc", **inline), service("published", jwks_uri=jwks_server.url),
                                service("unreachable", jwks_uri="http://127.0.0.1:9/jwks.json"),
                                service("huge", jwks_uri=huge_jwks_server.url),
                                {"client_id": "secret-client", "client_secret": "s3cret",
                                 "grant_types": ["client_credentials"], "response_types": []}]},
        "okta": {"flavor": "okta", "authorization_servers": [{"id": "default", "scopes": ["customers:read"]}],
                 "clients": [service("0oa-svc", **inline)]},
        "auth0": {"flavor": "auth0", "apis": [{"identifier": "https://api.example.com"}],
                  "clients": [service("auth0-svc", audience="https://api.example.com",
                                           client_grants={"https://api.example.com": []}, **inline)]},
    }}
    folder = tmp_path_factory.mktemp("pkjwt")
    (folder / "seed.yaml").write_text(yaml.safe_dump(seed))
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


def discovery(server, issuer_path: str) -> dict:
    return httpx.get(server.base_url + issuer_path + "/.well-known/openid-configuration").json()


def authlib_token(token_endpoint: str, client_id: str, key=RSA, scope=None, audience=None, **auth):
    method = PrivateKeyJWT(audience or token_endpoint, **auth)  # authlib signs `aud` = its first argument
    client = OAuth2Client(client_id, key, token_endpoint_auth_method=method)
    with client:
        return client.fetch_token(token_endpoint, grant_type="client_credentials", scope=scope)


def assertion(client_id: str, aud: str, key=RSA, alg="RS256", header=None, **claims) -> str:
    return private_key_jwt_sign(key, client_id, aud, alg=alg, claims=claims or None,
                                header={**(header or {}), "alg": alg})


def post(url: str, client_id: str, client_assertion: str, **extra) -> httpx.Response:
    return httpx.post(url, data={"grant_type": "client_credentials", "client_assertion": client_assertion,
                                 "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                 **extra})


def test_generic_discovery_lists_private_key_jwt_and_its_algorithms(server):
    doc = discovery(server, "/generic")
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    assert {"RS256", "PS256", "ES256"} <= set(doc["token_endpoint_auth_signing_alg_values_supported"])


def test_authlib_client_gets_a_token_from_generic_with_rsa_and_ec_keys(server):
    doc = discovery(server, "/generic")
    token = authlib_token(doc["token_endpoint"], "svc")
    claims = jwt.decode(token["access_token"], KeySet.import_key_set(httpx.get(doc["jwks_uri"]).json())).claims
    assert claims["sub"] == "svc" and claims["iss"] == doc["issuer"]
    assert authlib_token(doc["token_endpoint"], "svc", key=EC, alg="ES256")["access_token"]


def test_generic_takes_the_issuer_as_audience_too(server):
    doc = discovery(server, "/generic")
    response = post(doc["token_endpoint"], "svc", assertion("svc", doc["issuer"]))
    assert response.status_code == 200, response.text


def test_replayed_assertion_is_refused(server):
    doc = discovery(server, "/generic")
    signed = assertion("svc", doc["token_endpoint"])
    assert post(doc["token_endpoint"], "svc", signed).status_code == 200
    again = post(doc["token_endpoint"], "svc", signed)
    assert again.status_code in (400, 401) and again.json()["error"] == "invalid_client"
    assert "jti" in again.json()["error_description"]


@pytest.mark.parametrize("case, make", [
    ("expired", lambda ep: assertion("svc", ep, iat=int(time.time()) - 900, exp=int(time.time()) - 300)),
    ("too long", lambda ep: assertion("svc", ep, exp=int(time.time()) + 7 * 3600)),
    ("foreign audience", lambda ep: assertion("svc", "https://elsewhere.example/token")),
    ("wrong key", lambda ep: assertion("svc", ep, key=STRANGER)),
    ("iss is not sub", lambda ep: assertion("svc", ep, iss="someone-else")),
    ("unknown client", lambda ep: assertion("nobody", ep)),
    ("no jti", lambda ep: jwt.encode({"alg": "RS256"}, {"iss": "svc", "sub": "svc", "aud": ep,
                                                        "exp": int(time.time()) + 60}, RSA)),
    ("not a JWT", lambda ep: "not-a-jwt"),
    ("alg none", lambda ep: "eyJhbGciOiJub25lIn0." + __import__("base64").urlsafe_b64encode(json.dumps(
        {"iss": "svc", "sub": "svc", "aud": ep, "exp": int(time.time()) + 60, "jti": "x"}).encode()).decode().rstrip("=")
        + "."),
    ("sub not a string", lambda ep: assertion("svc", ep, sub=123)),
    ("huge header", lambda ep: jwt.encode({"alg": "RS256", "x5c": ["A" * 40000]},
                                          {"iss": "svc", "sub": "svc", "aud": ep, "exp": int(time.time()) + 60}, RSA)),
])
def test_bad_assertions_are_invalid_client(server, case, make):
    doc = discovery(server, "/generic")
    response = post(doc["token_endpoint"], "svc", make(doc["token_endpoint"]))
    assert response.status_code in (400, 401), (case, response.text)
    assert response.json()["error"] == "invalid_client", case


def test_a_secret_client_cannot_use_an_assertion_nor_a_key_client_a_secret(server):
    doc = discovery(server, "/generic")
    assert post(doc["token_endpoint"], "secret-client", assertion("secret-client", doc["token_endpoint"])).json()["error"] == "invalid_client"
    response = httpx.post(doc["token_endpoint"], data={"grant_type": "client_credentials"}, auth=("svc", "guess"))
    assert response.json()["error"] == "invalid_client"


def test_an_unreachable_jwks_uri_is_invalid_client_not_a_hang(server):
    doc = discovery(server, "/generic")
    started = time.monotonic()
    response = post(doc["token_endpoint"], "unreachable", assertion("unreachable", doc["token_endpoint"]))
    assert response.json()["error"] == "invalid_client" and "jwks_uri" in response.json()["error_description"]
    assert time.monotonic() - started < 10


def test_a_jwks_uri_answering_too_much_is_read_no_further_and_refused(server):
    doc = discovery(server, "/generic")
    response = post(doc["token_endpoint"], "huge", assertion("huge", doc["token_endpoint"]))
    assert response.json()["error"] == "invalid_client"
    assert "more than 65536 bytes" in response.json()["error_description"], response.json()


def test_keys_from_a_jwks_uri_are_fetched_once_and_used(server, jwks_server):
    doc = discovery(server, "/generic")
    before = jwks_server.hits
    for _ in range(2):
        assert authlib_token(doc["token_endpoint"], "published", key=PUBLISHED)["access_token"]
    assert jwks_server.hits - before <= 1
    refused = post(doc["token_endpoint"], "published", assertion("published", doc["token_endpoint"], key=RSA))
    assert refused.json()["error"] == "invalid_client"


def test_okta_takes_the_endpoint_url_as_audience_only(server):
    doc = discovery(server, "/okta/oauth2/default")
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    # The client has two keys: Okta wants the kid of the one that signed.
    token = authlib_token(doc["token_endpoint"], "0oa-svc", scope="customers:read", headers={"kid": "client-rsa"})
    assert token["access_token"]
    issuer_aud = post(doc["token_endpoint"], "0oa-svc", assertion("0oa-svc", doc["issuer"], header=KID),
                      scope="customers:read")
    assert issuer_aud.json()["error"] == "invalid_client"
    # Okta refuses PS256 (RSA and EC keys, RS* and ES* algorithms only).
    ps256 = post(doc["token_endpoint"], "0oa-svc", assertion("0oa-svc", doc["token_endpoint"], alg="PS256", header=KID),
                 scope="customers:read")
    assert ps256.json()["error"] == "invalid_client"


def test_okta_introspection_takes_its_own_url_as_audience(server):
    doc = discovery(server, "/okta/oauth2/default")
    token = authlib_token(doc["token_endpoint"], "0oa-svc", scope="customers:read",
                          headers={"kid": "client-rsa"})["access_token"]
    response = httpx.post(doc["introspection_endpoint"], data={
        "token": token, "client_assertion": assertion("0oa-svc", doc["introspection_endpoint"], header=KID),
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"})
    assert response.status_code == 200 and response.json()["active"] is True


def confused_hs256(aud: str) -> str:
    """The algorithm-confusion attack: HS256 "signed" with the client's public key as the secret
    (made by hand: JOSE libraries refuse to use a public key as an HMAC key)."""
    def part(data: dict | bytes) -> str:
        raw = data if isinstance(data, bytes) else json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    signing_input = part({"alg": "HS256", "kid": "client-rsa"}) + "." + part(
        {"iss": "0oa-svc", "sub": "0oa-svc", "aud": aud, "exp": int(time.time()) + 60, "jti": str(time.time())})
    mac = hmac.new(RSA.as_pem(private=False), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + part(mac)


@pytest.mark.parametrize("case, make, description", [
    ("expired", lambda ep: assertion("0oa-svc", ep, header=KID, iat=int(time.time()) - 900,
                                     exp=int(time.time()) - 300), "The client_assertion token is expired."),
    ("over an hour", lambda ep: assertion("0oa-svc", ep, header=KID, exp=int(time.time()) + 2 * 3600),
     "The client_assertion token has an expiration too far into the future."),
    ("the issuer as aud", lambda ep: assertion("0oa-svc", ep.rsplit("/v1/token", 1)[0], header=KID),
     "The audience claim for client_assertion must be the endpoint invoked for the request."),
    ("a kid the client lacks", lambda ep: assertion("0oa-svc", ep, key=UNREGISTERED, header={"kid": "not-registered"}),
     "The client_assertion JWT kid is invalid."),
    ("no kid, two keys", lambda ep: assertion("0oa-svc", ep), "The client_assertion JWT kid is invalid."),
    ("another key, its kid", lambda ep: assertion("0oa-svc", ep, key=STRANGER, header=KID),
     "The client_assertion signature is invalid."),
    ("HS256 keyed with the public key", lambda ep: confused_hs256(ep), "The client_assertion signature is invalid."),
])
def test_okta_refuses_bad_assertions_with_401_in_its_words(server, case, make, description):
    doc = discovery(server, "/okta/oauth2/default")
    response = post(doc["token_endpoint"], "0oa-svc", make(doc["token_endpoint"]), scope="customers:read")
    assert response.status_code == 401, (case, response.text)
    assert response.json() == {"error": "invalid_client", "error_description": description}, case


def test_okta_refuses_a_replayed_jti_though_jti_is_optional(server):
    doc = discovery(server, "/okta/oauth2/default")
    signed = assertion("0oa-svc", doc["token_endpoint"], header=KID)
    assert post(doc["token_endpoint"], "0oa-svc", signed, scope="customers:read").status_code == 200
    again = post(doc["token_endpoint"], "0oa-svc", signed, scope="customers:read")
    assert again.status_code == 401 and again.json()["error"] == "invalid_client", again.text
    # Without a jti nothing can tell a replay: Okta takes it (jti is optional).
    bare = jwt.encode({"alg": "RS256", "kid": "client-rsa"}, {"iss": "0oa-svc", "sub": "0oa-svc",
                      "aud": doc["token_endpoint"], "exp": int(time.time()) + 60}, RSA)
    for _ in range(2):
        assert post(doc["token_endpoint"], "0oa-svc", bare, scope="customers:read").status_code == 200


def test_auth0_takes_the_tenant_url_and_five_minutes(server):
    doc = httpx.get(server.base_url + "/auth0/.well-known/openid-configuration").json()
    assert doc["token_endpoint_auth_signing_alg_values_supported"] == ["RS256", "RS384", "PS256"]
    token = authlib_token(doc["token_endpoint"], "auth0-svc", audience=doc["issuer"],
                          claims={"exp": int(time.time()) + 120})
    token_endpoint = doc["token_endpoint"]
    assert token["access_token"]
    # authlib's default audience is the token endpoint: Auth0 wants its tenant URL.
    wrong_aud = post(token_endpoint, "auth0-svc", assertion("auth0-svc", token_endpoint, exp=int(time.time()) + 120))
    assert wrong_aud.status_code == 401 and wrong_aud.json()["error"] == "access_denied"
    too_long = post(token_endpoint, "auth0-svc", assertion("auth0-svc", doc["issuer"]))  # authlib's hour
    assert too_long.status_code == 401
