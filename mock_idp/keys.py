"""Signing keys: load or generate (RS256, 2048-bit), persist in the store, sign, publish as JWKS."""

import base64
import json
import secrets
import time

from cryptography.hazmat.primitives import serialization
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from .models import SigningKey
from .store import Store

ALGORITHM = "RS256"
KEY_PARAMETERS = {"use": "sig", "alg": ALGORITHM}


class KeyRing:
    """The keys of one tenant. Every key stays published; the oldest signs."""

    def __init__(self, keys: list[RSAKey]):
        self._signing_key = keys[0]
        self.private_keys = KeySet(keys)
        public = [key.as_dict(private=False) for key in keys]
        # The JWKS never changes while the server runs: serialise it once.
        self.jwks = {"keys": public}
        self.jwks_bytes = json.dumps(self.jwks, separators=(",", ":")).encode()

    @property
    def kid(self) -> str:
        return self._signing_key.kid

    def sign(self, claims: dict, typ: str | None = "JWT", defect: str | None = None) -> str:
        """A signed JWT; a `defect` (oauth.shape.SIGNATURE_DEFECTS) spoils it on purpose."""
        header = {"alg": ALGORITHM, "kid": self.kid}
        if defect == "alg_none":
            # RFC 7519 §6: an unsecured JWT, which a relying party must refuse.
            return ".".join(_b64(json.dumps(part, separators=(",", ":")).encode())
                            for part in ({"alg": "none", **({"typ": typ} if typ else {})}, claims)) + "."
        if defect == "unknown_kid":
            header["kid"] = "unknown-" + secrets.token_hex(8)
        if defect == "bad_signature":
            head, payload, signature = self.sign(claims, typ).split(".")
            flipped = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
            flipped[0] ^= 0xFF
            return ".".join((head, payload, _b64(bytes(flipped))))
        if typ:
            header["typ"] = typ
            return jwt.encode(header, claims, self._signing_key, algorithms=[ALGORITHM])
        # jwt.encode always adds typ "JWT"; Okta and Cognito tokens carry no typ at all.
        payload = json.dumps(claims, separators=(",", ":")).encode()
        return jws.serialize_compact(header, payload, self._signing_key, algorithms=[ALGORITHM])

    def verify(self, token: str) -> dict | None:
        """The token's claims if we signed it (signature only; callers check exp and audience)."""
        try:
            return jwt.decode(token, self.private_keys, algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError, TypeError):
            return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load_key_ring(store: Store, key_set: str) -> KeyRing:
    rows = store.signing_keys(key_set)
    if not rows:
        key = RSAKey.generate_key(2048, parameters=KEY_PARAMETERS, auto_kid=True)
        row = SigningKey(
            kid=key.kid,
            key_set=key_set,
            generation=1,
            private_pem=key.as_pem(private=True).decode(),
            created_at=int(time.time()),
        )
        # Racing replicas each add a generation-1 key: the database keeps one, all read it back.
        store.add(row)
        rows = store.signing_keys(key_set)
    return KeyRing([stored_key(row) for row in rows])


def stored_key(row: SigningKey) -> RSAKey:
    # Keys we generated ourselves: skipping OpenSSL's RSA consistency check takes ~30 ms off
    # loading each one at start-up.
    private_key = serialization.load_pem_private_key(row.private_pem.encode(), password=None,
                                                     unsafe_skip_rsa_key_validation=True)
    return RSAKey.import_key(private_key, parameters={**KEY_PARAMETERS, "kid": row.kid})
