"""Entra's signing keys as its JWKS publishes them: each RSA key with its self-signed certificate
(`x5c`) and that certificate's SHA-1 thumbprint (`x5t`), subject CN=accounts.accesscontrol.windows.net
(docs/vendors.md, "Entra ID JWKS certificates"); v1.0 tokens name it in their header too."""

import json

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


def signing_x5t(ring) -> str | None:
    """The `x5t` of the key that signs now: v1.0 tokens carry it in their JOSE header beside
    `kid` (access-token-claims-reference: "a legacy claim emitted only in v1.0 access tokens")."""
    return certificate_members(ring, ring.kid).get("x5t")


def jwks_bytes(ring, issued_by: str | None = None) -> bytes:
    """The JWKS as Entra serves it: each key with `use`, its certificate and, at the v2.0 URL, the
    `issuer` it signs for (Microsoft.Identity.Web checks it against the token's); the v1.0 URL's
    keys name no issuer."""
    keys = [{**key, "use": "sig", **certificate_members(ring, key["kid"]),
             **({"issuer": issued_by} if issued_by else {})} for key in ring.jwks["keys"]]
    return json.dumps({"keys": keys}, separators=(",", ":")).encode()
