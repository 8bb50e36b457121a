"""The tenant's signing key as the X.509 certificate a SAML IdP publishes (Okta: a self-signed
10-year certificate, O=Okta, OU=SSOProvider, CN=<org>; personas/certificates.py makes it)."""

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ...certificates import certificate_pem as self_signed, private_key


def okta_subject(org: str) -> tuple:
    return ((NameOID.COUNTRY_NAME, "US"), (NameOID.STATE_OR_PROVINCE_NAME, "California"),
            (NameOID.LOCALITY_NAME, "San Francisco"), (NameOID.ORGANIZATION_NAME, "Okta"),
            (NameOID.ORGANIZATIONAL_UNIT_NAME, "SSOProvider"), (NameOID.COMMON_NAME, org),
            (NameOID.EMAIL_ADDRESS, "info@okta.com"))


def certificate_pem(org: str, kid: str, private_pem: str, created_at: int) -> str:
    return self_signed(okta_subject(org), kid, private_pem, created_at)


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
