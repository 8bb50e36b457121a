"""The tenant's signing key as the X.509 certificate a SAML IdP publishes (Okta: a self-signed
10-year certificate, O=Okta, OU=SSOProvider, CN=<org>).

Made from the key row alone (serial from the kid, validity from when the key was made), so a
restart or another replica serves the very same certificate, and the admin API's key rotation
changes it as it changes the JWKS.
"""

import datetime
import functools
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

LIFETIME = datetime.timedelta(days=3650)


def signing_material(tenant) -> tuple[rsa.RSAPrivateKey, str]:
    """(private key, certificate PEM) of the key the tenant signs with now."""
    row = tenant.keys.signing_row
    return private_key(row.private_pem), certificate_pem(tenant.name, row.kid, row.private_pem, row.created_at)


def published_certificates(tenant) -> list[str]:
    """PEMs of every published key, the signing one first (rotated keys stay during their grace)."""
    ring = tenant.keys
    rows = [ring.signing_row] + [row for row in ring.rows if row.kid != ring.signing_row.kid]
    return [certificate_pem(tenant.name, row.kid, row.private_pem, row.created_at)
            for row in rows if row.algorithm == "RS256"]


def der_base64(pem: str) -> str:
    """The body of a PEM: what <ds:X509Certificate> holds."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


@functools.lru_cache(maxsize=64)
def private_key(pem: str) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem.encode(), password=None)


@functools.lru_cache(maxsize=64)
def certificate_pem(org: str, kid: str, private_pem: str, created_at: int) -> str:
    key = private_key(private_pem)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "San Francisco"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Okta"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SSOProvider"),
        x509.NameAttribute(NameOID.COMMON_NAME, org),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "info@okta.com"),
    ])
    start = datetime.datetime.fromtimestamp(created_at, datetime.timezone.utc) - datetime.timedelta(minutes=5)
    serial = int.from_bytes(hashlib.sha256(kid.encode()).digest()[:16], "big") >> 1  # positive, 127 bits
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(serial).not_valid_before(start).not_valid_after(start + LIFETIME)
                   .sign(key, hashes.SHA256()))  # RSA PKCS#1 v1.5: the same bytes every time
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
