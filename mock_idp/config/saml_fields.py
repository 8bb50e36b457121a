"""Field rules of a tenant's SAML apps: URLs, the SP's certificate, Okta's choices."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator

NAME_ID_FORMATS = {
    # SAML core §8.3: the identifiers of the NameID formats, by Okta's names for them.
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
}
SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def check_absolute_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "#" in url or any(c.isspace() for c in url):
        raise ValueError(f"{url!r} is not an absolute http(s) URL without a fragment")
    return url


def check_segment(value: str) -> str:
    # It is one segment of the app's URLs: /app/<name>/<app_id>/sso/saml.
    if not SEGMENT.fullmatch(value):
        raise ValueError(f"{value!r} must be letters, digits, '.', '_', '~' or '-' (it is part of the app's URLs)")
    return value


def check_certificate(pem: str) -> str:
    from cryptography import x509  # here: only seeds with a certificate pay for the import

    try:
        x509.load_pem_x509_certificate(pem.encode())
    except ValueError as error:
        raise ValueError(f"not a PEM X.509 certificate ({error})") from None
    return pem


def check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{pattern!r} is not a regular expression: {error}") from None
    return pattern


AbsoluteUrl = Annotated[str, AfterValidator(check_absolute_url)]
PathSegment = Annotated[str, AfterValidator(check_segment)]
Certificate = Annotated[str, AfterValidator(check_certificate)]
Regex = Annotated[str, AfterValidator(check_regex)]
NameIdFormat = Literal["unspecified", "emailAddress", "persistent", "transient"]
SignWhat = Literal["assertion", "response", "both"]
