"""private_key_jwt: a client authenticates with a JWT it signed (RFC 7523 §2.2 and §3, OIDC Core
§9), checked by authlib's `JWTBearerClientAssertion` with the persona's rules (`ClientAssertionRules`):
which algorithms, which `aud`, how far ahead `exp` may lie, whether `jti` is required.

Each failure is `invalid_client` with a case (`assertion_expired`, ...) the persona may reword.
A `jti` is recorded through the store until the assertion expires, so no replica takes it twice.
Assertions are checked on real time, not the tenant's clock: the client signs with its own clock,
and a test that moves the tenant's clock to expire tokens must still be able to refresh them.
"""

import hashlib
import time

from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..config.fields import certificate_key
from ..web.base_urls import rebase
from .errors import InvalidClientError, with_case
from ..web import json_body

METHOD = "private_key_jwt"
LEEWAY = 60  # seconds of clock skew allowed either way (authlib's default)
# A header may carry the client's certificate chain (x5c, RFC 7515 §4.1.6), as vendor SDKs send it:
# joserfc's 512-byte default header bound is too small for that.
MAX_HEADER = 16 * 1024


def registry(algorithms=None) -> jws.JWSRegistry:
    bounded = jws.JWSRegistry(algorithms=list(algorithms) if algorithms else None)
    bounded.max_header_length = MAX_HEADER
    return bounded


def refused(description: str, case: str) -> InvalidClientError:
    # RFC 6749 §5.2: invalid_client "MAY" be a 401; it is, as for a wrong secret (and as the vendors answer).
    return with_case(InvalidClientError(description=description, status_code=401), case)


class AssertionCheck(JWTBearerClientAssertion):
    """One request's check (authlib keeps per-check state on the instance)."""

    CLIENT_AUTH_METHOD = METHOD

    def __init__(self, issuer, request):
        super().__init__(validate_jti=issuer.flavor.client_assertion.jti_required, leeway=LEEWAY)
        self.issuer, self.request = issuer, request
        self.rules = issuer.flavor.client_assertion

    def __call__(self, query_client, request):
        data = request.payload.data
        if data.get("client_assertion_type") is None and data.get("client_assertion") is None:
            return None  # another method's request
        if data.get("client_assertion_type") != self.CLIENT_ASSERTION_TYPE or not data.get("client_assertion"):
            raise refused("client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer "
                          "and client_assertion a JWT.", "assertion_type")
        if METHOD not in self.issuer.flavor.token_endpoint_auth_methods_supported:
            raise refused("private_key_jwt is not a client authentication method of this server.",
                          "auth_method_not_registered")
        _, claims = self.extract_assertion(data["client_assertion"])
        if isinstance(claims.get("sub"), str) and query_client(claims["sub"]) is None:
            raise refused("The client_assertion's sub names no client of this server.", "unknown_client")
        try:
            client = super().__call__(query_client, request)
        except InvalidClientError as error:
            if getattr(error, "case", None) is None:
                with_case(error, "assertion_invalid")
            raise
        # RFC 7521 §4.2: a client_id sent along must name the client the assertion authenticates.
        if data.get("client_id") and data["client_id"] != client.client_id:
            raise refused("client_id differs from the client_assertion's sub.", "assertion_invalid")
        return client

    def authenticate_client(self, client):
        if client.check_endpoint_auth_method(METHOD, "token"):
            return client
        raise refused("The client is not registered for private_key_jwt (its token_endpoint_auth_method).",
                      "auth_method_not_registered")

    def resolve_client_public_key(self, client):
        config = client.config
        if config.certificates:
            return KeySet([certificate_key(pem) for pem in config.certificates])
        if config.jwks is not None:
            return KeySet.import_key_set(config.jwks)
        if config.jwks_uri is not None:
            keys = self.issuer.server.client_keys.get(config.jwks_uri)
            if keys is None:
                raise refused(f"The client's jwks_uri could not be read: "
                              f"{self.issuer.server.client_keys.failure(config.jwks_uri)}", "assertion_keys")
            return keys
        raise refused("The client has no registered keys (jwks or jwks_uri) for private_key_jwt.",
                      "auth_method_not_registered")

    def process_assertion_claims(self, assertion, resolve_key):
        headers, _ = self.extract_assertion(assertion)
        token, error = None, None
        keys = candidate_keys(resolve_key, headers)
        if self.rules.kid_required_with_many_keys and len(resolve_key.keys) > 1 and not any(
                isinstance(headers.get(name), str) for name in ("kid", "x5t", "x5t#S256")):
            keys = []  # which of its keys? (the vendor does not guess)
        if not keys:
            raise refused("No key of the client has the client_assertion's kid (or certificate thumbprint).",
                          "assertion_unknown_key")
        for key in keys:
            try:
                token = jwt.decode(assertion, key, registry=registry(self.rules.algorithms))
                break
            except JoseError as failure:
                error = failure.error
        if token is None:
            raise refused(f"The client_assertion is not signed by a key of the client with an allowed "
                          f"algorithm ({', '.join(self.rules.algorithms)}): {error}", "assertion_signature")
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims):
        now = int(time.time())
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool):  # RFC 7519 §2: NumericDate may have fractions
            raise refused("The client_assertion has no exp.", "assertion_invalid")
        if exp <= now - LEEWAY:
            raise refused("The client_assertion has expired.", "assertion_expired")
        if exp > now + self.rules.max_lifetime + LEEWAY:
            raise refused(f"The client_assertion's exp is more than {self.rules.max_lifetime} seconds ahead.",
                          "assertion_lifetime")
        aud = claims.get("aud")
        if not any(a in self.get_audiences() for a in (aud if isinstance(aud, list) else [aud])):
            raise refused("The client_assertion's aud is not this server.", "assertion_audience")
        try:
            super().verify_claims(claims)
        except InvalidClientError as error:
            if getattr(error, "case", None) is None:
                with_case(error, "assertion_invalid")
            raise
        if not self.rules.jti_required and "jti" in claims:
            self.validate_jti(claims, claims["jti"])  # optional, but a jti sent is used once (RFC 7523 §3 item 7)

    def validate_jti(self, claims, jti) -> bool:
        if not self.rules.reject_replay:
            return True
        client_id = claims["sub"]
        key = hashlib.sha256(f"{self.issuer.key}\0{client_id}\0{jti}".encode()).hexdigest()
        if not self.issuer.store.use_assertion(key, self.issuer.key, int(claims["exp"]) + LEEWAY):
            raise refused("The client_assertion's jti was used before.", "assertion_replayed")
        return True

    def get_audiences(self) -> list[str]:
        issuer, kinds = self.issuer, self.rules.audiences
        urls = []
        if "issuer" in kinds:
            urls.append(issuer.issuer)
        if "token_endpoint" in kinds:
            urls.append(issuer.endpoint_url("token_endpoint"))
        endpoint = getattr(self.request, "endpoint_name", None)
        if "endpoint" in kinds and endpoint:
            urls.append(issuer.endpoint_url(endpoint))
        # A client on an internal base (another container) signs the URL it calls.
        tenant = getattr(issuer, "tenant", None)
        for base in getattr(tenant, "internal_bases", ()):
            urls += [rebase(url, tenant.base_url, base) for url in urls if url != issuer.issuer]
        return [url for url in urls if url]

    def extract_assertion(self, assertion):
        headers, claims = read_unverified(assertion)
        if isinstance(claims.get("sub"), str) and "iss" in claims and claims["iss"] != claims["sub"]:
            raise refused("The client_assertion's iss and sub must both be the client id.", "assertion_invalid")
        return headers, claims


def read_unverified(assertion: str) -> tuple[dict, dict]:
    """The header and claims of an assertion before its signature is checked (to find its client)."""
    try:
        compact = jws.extract_compact(assertion.encode(), registry=registry())
        claims = json_body.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise refused("The client_assertion is not a JWT.", "assertion_malformed") from None
    if not isinstance(claims, dict):
        raise refused("The client_assertion's payload is not a JSON object.", "assertion_malformed")
    return compact.headers(), claims


KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


def candidate_keys(keys: KeySet, headers: dict) -> list:
    """The client's keys that may have signed: the one its `kid` names, else those of the
    algorithm's key type (a client with one key often sends no kid; RFC 7515 §4.1.4 makes it optional)."""
    for thumbprint in ("x5t#S256", "x5t"):  # a certificate's; some SDKs pad the base64url with "="
        if isinstance(headers.get(thumbprint), str):
            wanted = headers[thumbprint].rstrip("=")
            return [key for key in keys.keys if key.get(thumbprint) == wanted]
    kid, alg = headers.get("kid"), headers.get("alg")
    if isinstance(kid, str):
        return [key for key in keys.keys if key.kid == kid]
    kty = KEY_TYPES.get(alg[:2]) if isinstance(alg, str) else None
    return [key for key in keys.keys if key.key_type == kty]


def authenticate_with_assertion(issuer):
    """The client authentication function authlib's server registers for private_key_jwt."""
    return lambda query_client, request: AssertionCheck(issuer, request)(query_client, request)
