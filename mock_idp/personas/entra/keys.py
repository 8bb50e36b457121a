"""Entra's signing keys as its JWKS publishes them: each RSA key with its self-signed certificate
(`x5c`) and that certificate's SHA-1 thumbprint (`x5t`), subject CN=accounts.accesscontrol.windows.net,
and named by that thumbprint: `kid` == `x5t`, in the JWKS and in the tokens (docs/vendors.md,
"Entra ID JWKS certificates", "Entra ID v1.0 endpoints")."""

import json

from cryptography.x509.oid import NameOID
from joserfc.jwk import RSAKey

from ..certificates import certificate_pem, der_base64, private_key, sha1_thumbprint

SUBJECT = ((NameOID.COMMON_NAME, "accounts.accesscontrol.windows.net"),)


def certificate_members(row) -> dict[str, object]:
    """`x5t` and `x5c` of a key row (none for a key that is not RSA)."""
    if row.algorithm != "RS256":
        return {}
    pem = certificate_pem(SUBJECT, row.kid, row.private_pem, row.created_at)
    return {"x5t": sha1_thumbprint(pem), "x5c": [der_base64(pem)]}


def published_kid(row) -> str:
    """Entra names a key by its certificate's thumbprint; a key given a kid of its own (the seed's
    `signing_key.kid`, the admin API's rotation) keeps it, as a generated key's RFC 7638
    thumbprint is the only kid nobody chose."""
    members = certificate_members(row)
    if not members or row.kid != RSAKey.import_key(private_key(row.private_pem).public_key()).thumbprint():
        return row.kid
    return members["x5t"]


def signing_x5t(ring) -> str | None:
    """The `x5t` of the key that signs now: v1.0 tokens carry it in their JOSE header beside
    `kid` (access-token-claims-reference: "a legacy claim emitted only in v1.0 access tokens")."""
    return certificate_members(ring.signing_row).get("x5t")


def jwks_bytes(ring, issued_by: str | None = None) -> bytes:
    """The JWKS as Entra serves it: each key with `use`, its certificate and, at the v2.0 URL, the
    `issuer` it signs for (Microsoft.Identity.Web checks it against the token's); the v1.0 URL's
    keys name no issuer."""
    rows = {ring.kids[row.kid]: row for row in ring.rows}
    keys = [{**key, "use": "sig", **certificate_members(rows[key["kid"]]),
             **({"issuer": issued_by} if issued_by else {})} for key in ring.jwks["keys"]]
    return json.dumps({"keys": keys}, separators=(",", ":")).encode()
