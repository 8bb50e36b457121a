"""Field rules: redirect URIs, response types, paths, and the annotated types the models use."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema

from .errors import suggestion


# OIDC Core §3 / OAuth 2.0 Multiple Response Types: the registered combinations.
RESPONSE_TYPES = ("code", "id_token", "id_token token", "code id_token", "code token",
                  "code id_token token", "token")


def check_redirect_uri(uri: str) -> str:
    # RFC 6749 §3.1.2: the endpoint URI MUST be absolute and MUST NOT include a fragment.
    parts = urlsplit(uri)
    if not parts.scheme or any(ch.isspace() for ch in uri):
        raise ValueError(f"{uri!r} is not an absolute URI (RFC 6749 §3.1.2)")
    if parts.scheme in ("http", "https") and not parts.netloc:
        raise ValueError(f"{uri!r} has no host (RFC 6749 §3.1.2)")
    if not parts.netloc and parts.path[:1].isdigit():
        # "localhost:3000/cb" parses as scheme "localhost"; it is a URL missing "http://".
        raise ValueError(f"{uri!r} looks like host:port without a scheme (RFC 6749 §3.1.2)")
    if "#" in uri:
        raise ValueError(f"{uri!r} must not contain a fragment (RFC 6749 §3.1.2)")
    return uri


def normalise_response_type(value: str) -> str:
    # Sorting the words yields the canonical spelling for every registered combination.
    canonical = " ".join(sorted(value.split()))
    if canonical not in RESPONSE_TYPES:
        raise ValueError(f"unsupported response_type {value!r}; use one of {', '.join(RESPONSE_TYPES)}")
    return canonical


# Characters a username never holds: controls (Cc), format characters (Cf: zero-width spaces and
# joiners, bidi overrides and isolates, soft hyphen), line and paragraph separators, surrogates.
# They are invisible or reorder the text around them, so two different names would look alike.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")


def normalise_username(name: str) -> str:
    """NFC (Unicode's composed form, RFC 8264's choice for usernames): 'josé' typed as e + U+0301
    and as U+00E9 is one user. Invisible and direction-changing characters are refused."""
    for position, char in enumerate(name):
        if unicodedata.category(char) in HIDDEN_CATEGORIES:
            what = unicodedata.name(char, "a control character")
            raise ValueError(f"username must not contain invisible or control characters: U+{ord(char):04X} "
                             f"{what} at position {position}")
    return unicodedata.normalize("NFC", name)


def user_key(name: str, case_insensitive: bool) -> str:
    """The form two usernames are compared in: NFC, and case-folded where the persona ignores case."""
    name = unicodedata.normalize("NFC", name)
    return name.casefold() if case_insensitive else name


def normalise_path(path: str) -> str:
    """Leading "/", no trailing "/" except for the root."""
    if any(ch in path for ch in "?#") or any(ch.isspace() for ch in path):
        raise ValueError(f"path {path!r} must be a plain URL path (no query, fragment or spaces)")
    normalised = "/" + path.strip("/")
    if "//" in normalised:
        raise ValueError(f"path {path!r} contains an empty segment")
    return normalised


def tenant_path(name: str, path: str | None) -> str:
    return normalise_path(f"/{name}" if path is None else path)


def check_origin(origin: str) -> str:
    # RFC 6454 §7: scheme "://" host [":" port], nothing after it.
    if origin == "*":
        return origin
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
        raise ValueError(f"{origin!r} is not an origin (scheme://host[:port], e.g. http://localhost:3000)")
    return origin.rstrip("/")


RedirectUri = Annotated[str, AfterValidator(check_redirect_uri)]
Origin = Annotated[str, AfterValidator(check_origin)]
ResponseType = Annotated[str, AfterValidator(normalise_response_type)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
Username = Annotated[str, Field(min_length=1), AfterValidator(normalise_username)]
# strict: lax mode would read `true` as 1 second and "30" as 30. At most a hundred years: an
# expiry stays a timestamp the database's 64-bit columns hold (10**20 s was a 500 on each token).
MAX_SECONDS = 100 * 365 * 24 * 3600


def whole_number(value):
    # JSON Schema's "integer" is any number with a zero fractional part (JSON Schema Core 2020-12
    # §4.2.1), so 319.0 is one; booleans and numeric strings stay refused (strict below).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def WholeNumber(**bounds):  # noqa: N802 (a type, used as one)
    """An integer field within `bounds` (ge, gt, le, lt). The before-validator comes last, so the
    bounds stay JSON Schema keywords of the integer it wraps."""
    return Annotated[int, Strict(), Field(**bounds), BeforeValidator(whole_number)]


Seconds = WholeNumber(gt=0, le=MAX_SECONDS)
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials", "password", "implicit",
               "urn:ietf:params:oauth:grant-type:device_code",  # RFC 8628
               "urn:ietf:params:oauth:grant-type:token-exchange",  # RFC 8693
               "urn:ietf:params:oauth:grant-type:jwt-bearer")  # RFC 7523 §2.1 (on-behalf-of)
ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def check_grant_type(value: str) -> str:
    """One of the RFCs' grant types, or an extension grant type (RFC 6749 §4.5: an absolute URI),
    which the client's persona must serve (Flavor.extension_grant_types, config/tenant.py)."""
    if value in GRANT_TYPES or ABSOLUTE_URI.fullmatch(value):
        return value
    expected = ", ".join(repr(grant) for grant in GRANT_TYPES)
    raise ValueError(f"unknown value {value!r}, expected {expected} or a persona's extension grant type "
                     f"(an absolute URI){suggestion(value, list(GRANT_TYPES))}")


GrantType = Annotated[str, AfterValidator(check_grant_type), WithJsonSchema({"anyOf": [
    {"enum": list(GRANT_TYPES)},
    {"type": "string", "pattern": ABSOLUTE_URI.pattern, "description": "an extension grant type of the persona"}]})]
AuthMethod = Literal["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in url):
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


def check_handler_name(name: str) -> str:
    # `package.module:function` (or the Lambda runtime's `module.function`): importable names only.
    module, _, function = name.rpartition(":") if ":" in name else name.rpartition(".")
    if not module or not all(part.isidentifier() for part in module.split(".") + [function]):
        raise ValueError(f"{name!r} is not module:function or module.function")
    return name


HandlerName = Annotated[str, AfterValidator(check_handler_name)]


def check_public_jwks(jwks: dict) -> None:
    """A client's JWK Set (RFC 7517 §5) of public signing keys: a private member would mean the
    client's secret key sits in the seed, where the mock does not need it."""
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    keys = jwks.get("keys")
    if not isinstance(keys, list) or not keys:
        raise ValueError("jwks must be a JWK Set: {keys: [ {kty: RSA, n: ..., e: ...}, ... ]}")
    for index, key in enumerate(keys):
        if isinstance(key, dict) and any(member in key for member in ("d", "p", "q", "k")):
            raise ValueError(f"jwks key {index} is private or symmetric: give the public key only")
    try:
        KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ValueError(f"jwks is not a usable JWK Set: {error}") from None


HttpsOrHttpUrl = Annotated[str, AfterValidator(check_url)]
HookUrl = HttpsOrHttpUrl  # where a token hook is called


def certificate_key(pem: str):
    """The public key of a PEM certificate as a JWK carrying its thumbprints (RFC 7517 §4.8-9), so
    an assertion's x5t or x5t#S256 header finds it."""
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from joserfc.jwk import import_key

    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise ValueError("not a PEM certificate (-----BEGIN CERTIFICATE-----)") from None
    der = cert.public_bytes(serialization.Encoding.DER)
    thumb = {name: base64.urlsafe_b64encode(cert.fingerprint(algorithm)).rstrip(b"=").decode()
             for name, algorithm in (("x5t", hashes.SHA1()), ("x5t#S256", hashes.SHA256()))}  # noqa: S303 - x5t is SHA-1 by definition
    public = cert.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    key_type = "RSA" if isinstance(cert.public_key(), rsa.RSAPublicKey) else "EC" if isinstance(
        cert.public_key(), ec.EllipticCurvePublicKey) else None
    if key_type is None:
        raise ValueError("the certificate's key is neither RSA nor EC")
    return import_key(public, key_type, parameters={**thumb, "x5c": [base64.b64encode(der).decode()]})
