"""A tenant signing key as a self-signed X.509 certificate, as vendors publish theirs (a SAML
IdP's metadata, Entra's JWKS `x5c`): the subject is the vendor's, the rest made from the key row
alone (serial from the kid, validity from when the key was made), so a restart or another replica
serves the very same certificate and a key rotation changes it as it changes the JWKS."""

import base64
import datetime
import functools
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LIFETIME = datetime.timedelta(days=3650)


@functools.lru_cache(maxsize=64)
def private_key(pem: str) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem.encode(), password=None)


@functools.lru_cache(maxsize=64)
def certificate_pem(subject: tuple[tuple[x509.ObjectIdentifier, str], ...], kid: str, private_pem: str,
                    created_at: int) -> str:
    """The key's self-signed certificate; `subject`: (attribute OID, value) pairs, in order."""
    key = private_key(private_pem)
    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in subject])
    start = datetime.datetime.fromtimestamp(created_at, datetime.timezone.utc) - datetime.timedelta(minutes=5)
    serial = int.from_bytes(hashlib.sha256(kid.encode()).digest()[:16], "big") >> 1  # positive, 127 bits
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(serial).not_valid_before(start).not_valid_after(start + LIFETIME)
                   .sign(key, hashes.SHA256()))  # RSA PKCS#1 v1.5: the same bytes every time
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def der_base64(pem: str) -> str:
    """The body of a PEM: what <ds:X509Certificate> and a JWK's `x5c` hold."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def sha1_thumbprint(pem: str) -> str:
    """RFC 7517 §4.8 `x5t`: base64url of the certificate's SHA-1 digest."""
    digest = hashlib.sha1(base64.b64decode(der_base64(pem))).digest()  # noqa: S324 - the RFC's digest
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
