"""HTTPS: a local CA and a server certificate made once in the data dir, or the user's own pair.

Cognito accepts an OIDC identity provider on https only, and aws-jwt-verify fetches JWKS over
https only: `serve --tls` gives both a certificate that clients trust once they trust our CA.
"""

import datetime
import fcntl
import ipaddress
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"
CA_LIFETIME = datetime.timedelta(days=3650)
# Browsers and Apple's TLS stack refuse server certificates valid for more than 398 days.
CERT_LIFETIME = datetime.timedelta(days=397)
RENEW_BEFORE = datetime.timedelta(days=30)
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")


class TlsError(Exception):
    """A certificate or key the server cannot use: one line, naming the file."""


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    ca: Path | None  # our local CA; None for a certificate the user brings


def tls_dir(data_dir: Path) -> Path:
    return data_dir / "tls"


def certificate_hosts(base_url: str | None, extra: list[str]) -> list[str]:
    """The names the server certificate covers: the public host, loopback, every --tls-san."""
    hosts = []
    if base_url and urlsplit(base_url).hostname:
        hosts.append(urlsplit(base_url).hostname)
    hosts += [*DEFAULT_HOSTS, *extra]
    return list(dict.fromkeys(h.strip().lower() for h in hosts if h.strip()))


def ensure_ca(data_dir: Path) -> Path:
    """The local CA's certificate file, created on first use."""
    with locked(tls_dir(data_dir)):
        load_or_create_ca(tls_dir(data_dir))
    return tls_dir(data_dir) / CA_FILE


def local_certificate(data_dir: Path, hosts: list[str]) -> TlsFiles:
    """Our CA and a server certificate for `hosts`, reused while it covers them and is fresh."""
    folder = tls_dir(data_dir)
    with locked(folder):
        ca_cert, ca_key = load_or_create_ca(folder)
        cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
        if not reusable(cert_path, key_path, ca_cert, hosts):
            key = ec.generate_private_key(ec.SECP256R1())
            write_private(key_path, key)
            cert_path.write_bytes(server_certificate(key, ca_cert, ca_key, hosts).public_bytes(
                serialization.Encoding.PEM))
    return TlsFiles(cert=cert_path, key=key_path, ca=folder / CA_FILE)


def user_certificate(cert_path: Path, key_path: Path | None) -> TlsFiles:
    """The user's certificate and key, checked the way a TLS handshake would fail on them."""
    if key_path is None:
        raise TlsError(f"{cert_path}: --tls-cert needs --tls-key (the certificate's private key)")
    cert = read_certificate(cert_path)
    key = read_private_key(key_path)
    if public_bytes(key.public_key()) != public_bytes(cert.public_key()):
        raise TlsError(f"{key_path}: this key does not belong to the certificate {cert_path}")
    now = datetime.datetime.now(datetime.timezone.utc)
    if cert.not_valid_after_utc <= now:
        raise TlsError(f"{cert_path}: the certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC")
    if cert.not_valid_before_utc > now:
        raise TlsError(f"{cert_path}: the certificate is not valid before "
                       f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")
    return TlsFiles(cert=cert_path, key=key_path, ca=None)


def trust_lines(ca: Path) -> list[str]:
    """What makes common clients trust our CA (Python, requests, Node, curl)."""
    return [
        f"export SSL_CERT_FILE={ca}",
        f"export REQUESTS_CA_BUNDLE={ca}",
        f"export NODE_EXTRA_CA_CERTS={ca}",
        f"curl --cacert {ca} ...",
    ]


# -- the local CA -----------------------------------------------------------------------------------

def load_or_create_ca(folder: Path):
    cert_path, key_path = folder / CA_FILE, folder / CA_KEY_FILE
    if cert_path.exists() and key_path.exists():
        return read_certificate(cert_path), read_private_key(key_path)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mock_idp local CA"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mock_idp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_private(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def server_certificate(key, ca_cert, ca_key, hosts: list[str]) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + CERT_LIFETIME)
        .add_extension(x509.SubjectAlternativeName([general_name(h) for h in hosts]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def reusable(cert_path: Path, key_path: Path, ca_cert, hosts: list[str]) -> bool:
    if not (cert_path.exists() and key_path.exists()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    covered = {str(n.value).lower() for n in names}
    fresh = cert.not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc) > RENEW_BEFORE
    return cert.issuer == ca_cert.subject and fresh and {str(general_name(h).value) for h in hosts} <= covered


# -- files ------------------------------------------------------------------------------------------

@contextmanager
def locked(folder: Path):
    """One process at a time makes the CA (replicas starting together share the data dir); a
    folder we cannot write is a one-line error naming it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / ".lock", "w")
    except OSError as error:
        raise TlsError(f"{folder}: cannot write the local CA here ({error.strerror or error})") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        except OSError as error:
            raise TlsError(f"{error.filename or folder}: cannot write ({error.strerror or error})") from None


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise TlsError(f"{path}: cannot read the file ({error.strerror or error})") from None


def read_certificate(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(read_bytes(path))
    except ValueError:
        raise TlsError(f"{path}: not a PEM certificate (expected -----BEGIN CERTIFICATE-----)") from None


def read_private_key(path: Path):
    try:
        return serialization.load_pem_private_key(read_bytes(path), password=None)
    except TypeError:
        raise TlsError(f"{path}: the key is encrypted; give an unencrypted PEM key") from None
    except ValueError:
        raise TlsError(f"{path}: not a PEM private key (expected -----BEGIN PRIVATE KEY-----)") from None


def write_private(path: Path, key) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def public_bytes(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def server_files(settings) -> TlsFiles:
    """The certificate `serve` uses for these settings (the user's, else our local one)."""
    if settings.tls_cert is not None or settings.tls_key is not None:
        if settings.tls_cert is None:
            raise TlsError(f"{settings.tls_key}: --tls-key needs --tls-cert (the certificate)")
        return user_certificate(settings.tls_cert, settings.tls_key)
    return local_certificate(settings.data_dir, certificate_hosts(settings.public_base_url, settings.tls_san))
