"""An okta tenant with SAML apps (tests/seeds/saml.yaml), served once per module of this folder,
and a service provider's key pair made for the session: the apps that want signed requests get
its certificate (`sp_certificate`) in a copy of the seed."""

import datetime
from pathlib import Path

import pytest
import yaml
from conftest import SEEDS, start_server
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

SIGNED_REQUESTS = ("exk1python3saml",)  # the apps whose requests must be signed


def key_pair(name: str) -> tuple[str, str]:
    """(certificate PEM, private key PEM) of a fresh self-signed SP certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return (certificate.public_bytes(serialization.Encoding.PEM).decode(),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode())


@pytest.fixture(scope="session")
def sp_keys() -> tuple[str, str]:
    return key_pair("python3-saml SP")


@pytest.fixture(scope="session")
def saml_seed(tmp_path_factory, sp_keys) -> Path:
    seed = yaml.safe_load((SEEDS / "saml.yaml").read_text())
    for app in seed["tenants"]["okta"]["saml_apps"]:
        if app["app_id"] in SIGNED_REQUESTS:
            app["sp_certificate"] = sp_keys[0]
    path = tmp_path_factory.mktemp("saml-seed") / "saml.yaml"
    path.write_text(yaml.safe_dump(seed, sort_keys=False))
    return path


@pytest.fixture(scope="session")
def saml_server(tmp_path_factory, saml_seed):
    running = start_server(saml_seed, tmp_path_factory.mktemp("saml-data"), admin=True)  # scenarios
    yield running
    running.stop()


@pytest.fixture(scope="session")
def okta(saml_server) -> str:
    return saml_server.tenant_url("/okta")
