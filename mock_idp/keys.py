"""Signing keys: load or generate (RS256 2048-bit, or ES256 P-256), persist in the store, rotate,
sign, publish as JWKS.

A rotation adds a key that signs from then on; the keys it replaces stay in the JWKS for a grace
period (relying parties still verify the tokens they signed), then leave it. Every replica sees
a rotation on its next request (the tenant's keys version, tenants.Tenant.keys).

A persona may sign some kinds of token with keys of their own (its `signing_key_roles`, e.g.
("access", "id")): the newest keys not retired take the roles in generation order, a rotation
replaces them all at once, and the first role's key signs every kind without a key of its own.
"""

import base64
import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, KeySet, RSAKey

from .config import ConfigError, ConfigIssue
from .storage.models import SigningKey
from .storage.store import Store

ALGORITHMS = ("RS256", "ES256")
# joserfc builds a registry of the allowed algorithms on every call it is not given one (~8 us).
REGISTRIES = {algorithm: jws.JWSRegistry(algorithms=[algorithm]) for algorithm in ALGORITHMS}
VERIFYING = jws.JWSRegistry(algorithms=list(ALGORITHMS))


class KeyRing:
    """The published keys of one tenant; the newest keys not retired sign, one per role.
    `key_id(row)`: the kid the JWKS and the tokens name a key by, where a persona names it otherwise
    than its row (Entra: by its certificate's thumbprint)."""

    def __init__(self, rows: list[SigningKey], now: float | None = None, roles: tuple[str, ...] = ("all",),
                 key_id: Callable[[SigningKey], str] | None = None):
        now = time.time() if now is None else now
        published = [row for row in rows if row.remove_at is None or row.remove_at > now]
        published.sort(key=lambda row: row.generation, reverse=True)
        active = [row for row in published if row.retired_at is None] or published
        # The newest keys, one per role, in the order they were added (a rotation adds them in the
        # order of the roles); a role without one (never, once load_key_ring made them) takes the first's.
        signing = sorted(active[:len(roles)], key=lambda row: row.generation)
        self.roles = roles
        self.role_rows = {role: signing[i] if i < len(signing) else signing[0] for i, role in enumerate(roles)}
        self.signing_row = signing[0]
        self.algorithm = self.signing_row.algorithm
        self.kids = {row.kid: key_id(row) if key_id else row.kid for row in published}  # row kid -> published kid
        keys = {self.kids[row.kid]: stored_key(row, self.kids[row.kid]) for row in published}
        self._signers = {role: keys[self.kids[row.kid]] for role, row in self.role_rows.items()}
        self._signing_key = keys[self.kids[self.signing_row.kid]]
        self.private_keys = KeySet(list(keys.values()))
        self.rows = published
        # When the next retired key leaves the JWKS: the ring is rebuilt then.
        self.valid_until = min((row.remove_at for row in published if row.remove_at is not None), default=None)
        # Serialised once per rotation: the JWKS endpoint serves these bytes.
        self.jwks = {"keys": [key.as_dict(private=False) for key in keys.values()]}
        self.jwks_bytes = json.dumps(self.jwks, separators=(",", ":")).encode()

    @property
    def kid(self) -> str:
        """The first role's key (the one that signs every kind of token without a key of its own)."""
        return self._signing_key.kid

    @property
    def signing_kids(self) -> dict[str, str]:
        """The (published) kid that signs each role's tokens."""
        return {role: self.kids[row.kid] for role, row in self.role_rows.items()}

    def sign(self, claims: dict, typ: str | None = "JWT", defect: str | None = None,
             header_members: dict | None = None, role: str | None = None) -> str:
        """A signed JWT, by the key of `role` (a kind of token: "access", "id") if the persona gives
        it one, else by the first; a `defect` (oauth.shape.SIGNATURE_DEFECTS) spoils it on purpose;
        `header_members`: more JOSE header parameters (a persona's, e.g. Entra's `x5t`)."""
        key = self._signers.get(role, self._signing_key) if role else self._signing_key
        algorithm = key.alg or self.algorithm
        header = {"alg": algorithm, **(header_members or {}), "kid": key.kid}
        if defect == "alg_none":
            # RFC 7519 §6: an unsecured JWT, which a relying party must refuse.
            return ".".join(_b64(json.dumps(part, separators=(",", ":")).encode())
                            for part in ({"alg": "none", **({"typ": typ} if typ else {})}, claims)) + "."
        if defect == "unknown_kid":
            header["kid"] = "unknown-" + secrets.token_hex(8)
        if defect == "bad_signature":
            head, payload, signature = self.sign(claims, typ, header_members=header_members, role=role).split(".")
            flipped = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
            flipped[0] ^= 0xFF
            return ".".join((head, payload, _b64(bytes(flipped))))
        if typ:
            header["typ"] = typ
            return jwt.encode(header, claims, key, registry=REGISTRIES[algorithm])
        # jwt.encode always adds typ "JWT"; Okta and Cognito tokens carry no typ at all.
        payload = json.dumps(claims, separators=(",", ":")).encode()
        return jws.serialize_compact(header, payload, key, registry=REGISTRIES[algorithm])

    def verify(self, token: str) -> dict | None:
        """The token's claims if we signed it (signature only; callers check exp and audience)."""
        try:
            return jwt.decode(token, self.private_keys, registry=VERIFYING).claims
        except (JoseError, ValueError, TypeError):
            return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_key(algorithm: str = "RS256") -> RSAKey | ECKey:
    parameters = {"use": "sig", "alg": algorithm}
    if algorithm == "ES256":
        return ECKey.generate_key("P-256", parameters=parameters, auto_kid=True)
    return RSAKey.generate_key(2048, parameters=parameters, auto_kid=True)


def imported_key(pem: str | None = None, jwk: dict | None = None, kid: str | None = None) -> RSAKey | ECKey:
    """A private key given as PEM or as a JWK (ValueError if it is not one we can sign with)."""
    try:
        if jwk is not None:
            key = JWKRegistry.import_key(jwk)
        else:
            loaded = serialization.load_pem_private_key(pem.encode(), password=None)
            key_type = ECKey if isinstance(loaded, ec.EllipticCurvePrivateKey) else RSAKey
            key = key_type.import_key(loaded)
    except (JoseError, ValueError, TypeError) as error:
        raise ValueError(f"not a private key: {error}") from None
    if not isinstance(key, (RSAKey, ECKey)) or not key.is_private:
        raise ValueError("not an RSA or EC private key")
    if isinstance(key, ECKey) and key.curve_name != "P-256":
        raise ValueError(f"ES256 needs a P-256 key, not {key.curve_name}")
    algorithm = "ES256" if isinstance(key, ECKey) else "RS256"
    kid = kid or (jwk or {}).get("kid") or key.thumbprint()
    return type(key).import_key(key.as_dict(private=True), parameters={"use": "sig", "alg": algorithm, "kid": kid})


def key_row(key: RSAKey | ECKey, key_set: str, generation: int = 1) -> SigningKey:
    return SigningKey(kid=key.kid, key_set=key_set, generation=generation, algorithm=key.alg or "RS256",
                      private_pem=key.as_pem(private=True).decode(), created_at=int(time.time()))


def load_key_ring(store: Store, key_set: str, seeded: RSAKey | ECKey | None = None,
                  now: float | None = None, roles: tuple[str, ...] = ("all",),
                  key_id: Callable[[SigningKey], str] | None = None) -> KeyRing:
    """The key set's ring at `now` (the tenant's clock; real time by default); its first key
    generated (or the seed file's) when it has none yet, and a key for each role that lacks one."""
    rows = store.signing_keys(key_set)
    if not rows:
        # Racing replicas each add a generation-1 key: the database keeps one, all read it back.
        store.add(key_row(seeded or generate_key(), key_set))
        rows = store.signing_keys(key_set)
    elif seeded is not None and seeded.kid not in {row.kid for row in rows}:
        # The seed file names a key the database lacks (a new seed, or a reset dropped it): it signs,
        # for the first role, and new keys for the others.
        store.rotate_signing_keys(role_rows(seeded, key_set, len(roles)), grace=0,
                                  now=int(time.time() if now is None else now))
        rows = store.signing_keys(key_set)
    active = [row for row in rows if row.retired_at is None]
    if active and len(active) < len(roles):
        # A first key alone (new, or all a reset kept): the other roles' keys join it, retiring none.
        # At the generations after the newest: a replica doing the same at once takes them first, or fails.
        newest = max(rows, key=lambda row: row.generation)
        store.add_signing_keys([key_row(generate_key(newest.algorithm), key_set, newest.generation + i)
                                for i in range(1, len(roles) - len(active) + 1)])
        rows = store.signing_keys(key_set)
    return KeyRing(list(rows), now, roles, key_id)


def role_rows(first: RSAKey | ECKey, key_set: str, count: int) -> list[SigningKey]:
    """The rows of a rotation: `first` for the first role, new keys of its algorithm for the others."""
    return [key_row(first, key_set)] + [key_row(generate_key(first.alg or "RS256"), key_set) for _ in range(count - 1)]


def seed_signing_key(tenant: str, config, algorithms: tuple[str, ...], seed_file: Path) -> RSAKey | ECKey:
    """The key a seed file's `signing_key` names, or a ConfigError naming the file and the key."""
    field = "pem_file" if config.pem_file else "jwk_file"
    path = seed_file.parent / getattr(config, field)
    where = f"tenants.{tenant}.signing_key.{field}"
    try:
        text = path.read_text(encoding="utf-8")
        key = imported_key(pem=text, kid=config.kid) if field == "pem_file" else \
            imported_key(jwk=json.loads(text), kid=config.kid)
    except OSError as error:
        raise ConfigError([ConfigIssue(str(seed_file), None, where, f"cannot read {path}: {error.strerror}")]) from None
    except ValueError as error:
        raise ConfigError([ConfigIssue(str(seed_file), None, where, f"{path}: {error}")]) from None
    if key.alg not in algorithms:
        raise ConfigError([ConfigIssue(str(seed_file), None, where, f"{path}: a {key.alg} key, but this "
                                       f"persona signs with {', '.join(algorithms)} only")])
    return key


def stored_key(row: SigningKey, kid: str | None = None) -> RSAKey | ECKey:
    # Keys we generated ourselves: skipping OpenSSL's RSA consistency check takes ~30 ms off
    # loading each one at start-up.
    private_key = serialization.load_pem_private_key(row.private_pem.encode(), password=None,
                                                     unsafe_skip_rsa_key_validation=True)
    key_type = ECKey if row.algorithm == "ES256" else RSAKey
    return key_type.import_key(private_key, parameters={"use": "sig", "alg": row.algorithm, "kid": kid or row.kid})
