"""The SAML signing certificate is the tenant's signing key: the admin API's rotation changes it
as it changes the JWKS, the replaced key's certificate stays in the metadata for its grace, and
the certificate is the same bytes after a restart (SPs cache metadata)."""

import base64
import re

import httpx
import pytest
from conftest import start_server
from cryptography import x509

METADATA = "/okta/app/pysaml2/exk1pysaml2/sso/saml/metadata"


def certificates(base_url: str) -> list[str]:
    return re.findall(r"<ds:X509Certificate>([^<]+)</ds:X509Certificate>", httpx.get(base_url + METADATA).text)


def public_numbers(der_base64: str) -> int:
    pem = "-----BEGIN CERTIFICATE-----\n" + der_base64.strip() + "\n-----END CERTIFICATE-----\n"
    return x509.load_pem_x509_certificate(pem.encode()).public_key().public_numbers().n


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("saml-rotation")


def test_rotation_changes_the_certificate_and_keeps_the_old_one_for_its_grace(saml_seed, data_dir):
    server = start_server(saml_seed, data_dir, admin=True)
    try:
        before = certificates(server.base_url)
        assert len(before) == 1
        jwks_n = httpx.get(server.base_url + "/okta/oauth2/v1/keys").json()["keys"][0]["n"]
        assert public_numbers(before[0]).to_bytes(256, "big") == base64.urlsafe_b64decode(jwks_n + "==")
        rotated = httpx.post(server.base_url + "/_admin/tenants/okta/keys/rotate", json={"grace_seconds": 600})
        assert rotated.status_code == 200, rotated.text
        after = certificates(server.base_url)
        assert len(after) == 2 and after[1] == before[0] and after[0] != before[0]
    finally:
        server.stop()
    # Restarted on the same data: the very same certificates, byte for byte.
    again = start_server(saml_seed, data_dir, admin=True)
    try:
        assert certificates(again.base_url) == after
    finally:
        again.stop()
