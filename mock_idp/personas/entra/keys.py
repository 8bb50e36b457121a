"""Entra's signing keys as its JWKS publishes them: each RSA key with its self-signed certificate
(`x5c`) and that certificate's SHA-1 thumbprint (`x5t`), subject CN=accounts.accesscontrol.windows.net
(docs/vendors.md, "Entra ID JWKS certificates")."""

from cryptography.x509.oid import NameOID

from ..certificates import certificate_pem, der_base64, sha1_thumbprint

SUBJECT = ((NameOID.COMMON_NAME, "accounts.accesscontrol.windows.net"),)


def certificate_members(ring, kid: str) -> dict[str, object]:
    """`x5t` and `x5c` of the published key `kid` (none for a key that is not RSA)."""
    row = next((row for row in ring.rows if row.kid == kid and row.algorithm == "RS256"), None)
    if row is None:
        return {}
    pem = certificate_pem(SUBJECT, row.kid, row.private_pem, row.created_at)
    return {"x5t": sha1_thumbprint(pem), "x5c": [der_base64(pem)]}
