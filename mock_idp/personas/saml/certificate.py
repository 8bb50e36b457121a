"""The tenant's signing key as the X.509 certificate a SAML IdP publishes: self-signed, with the
subject the persona gives (SamlIdP.subject); personas/certificates.py makes it."""

from cryptography.hazmat.primitives.asymmetric import rsa

from ..certificates import certificate_pem as self_signed, private_key
from .idp import idp_of


def certificate_pem(tenant, row) -> str:
    return self_signed(idp_of(tenant).subject(tenant), row.kid, row.private_pem, row.created_at)


def signing_material(tenant) -> tuple[rsa.RSAPrivateKey, str]:
    """(private key, certificate PEM) of the key the tenant signs with now."""
    row = tenant.keys.signing_row
    return private_key(row.private_pem), certificate_pem(tenant, row)


def published_certificates(tenant) -> list[str]:
    """PEMs of every published key, the signing one first (rotated keys stay during their grace)."""
    ring = tenant.keys
    rows = [ring.signing_row] + [row for row in ring.rows if row.kid != ring.signing_row.kid]
    return [certificate_pem(tenant, row) for row in rows if row.algorithm == "RS256"]
