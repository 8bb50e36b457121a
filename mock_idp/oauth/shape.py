"""How issued tokens may differ from what the flows would issue: the admin API's mint options
(extra or removed claims, lifetime, iat offset) and defective tokens for negative tests."""

from dataclasses import dataclass, field
from typing import Any

# Each makes a token a careful relying party must refuse (RFC 7519 §4.1, RFC 7515, OIDC Core §3.1.3.7).
CLAIM_DEFECTS = ("expired", "not_yet_valid", "wrong_iss", "wrong_aud", "missing_claim")
SIGNATURE_DEFECTS = ("unknown_kid", "bad_signature", "alg_none")
DEFECTS = CLAIM_DEFECTS + SIGNATURE_DEFECTS
WRONG_ISSUER = "https://wrong-issuer.mock-idp.invalid/"
WRONG_AUDIENCE = "urn:mock-idp:wrong-audience"
SKEW = 300  # expired / not yet valid by more than any verifier's leeway


@dataclass(frozen=True)
class TokenShape:
    extra_claims: dict[str, Any] = field(default_factory=dict)
    remove_claims: tuple[str, ...] = ()
    lifetime: int | None = None  # seconds, for the access and ID token alike
    iat_offset: int = 0
    defect: str | None = None  # one of DEFECTS
    claim: str | None = None  # the claim `missing_claim` leaves out

    def __post_init__(self):
        if self.defect is not None and self.defect not in DEFECTS:
            raise ValueError(f"unknown defect {self.defect!r}")
        if self.defect == "missing_claim" and not self.claim:
            raise ValueError("missing_claim needs the claim to leave out")

    def issued_at(self, now: int, lifetime: int) -> int:
        """When the token says it was issued: an expired one ends before `now`, a not yet valid one
        starts after it (and the record says the same, so introspection agrees)."""
        if self.defect == "expired":
            return now - lifetime - SKEW
        if self.defect == "not_yet_valid":
            return now + SKEW
        return now + self.iat_offset

    def claims(self, claims: dict[str, Any]) -> dict[str, Any]:
        claims = {**claims, **self.extra_claims}
        if self.lifetime is not None and "iat" in claims:
            claims["exp"] = claims["iat"] + self.lifetime
        if self.defect == "expired" and "iat" in claims:
            claims["exp"] = claims["iat"] + 1  # long past: issued_at went back a lifetime and more
        if self.defect == "not_yet_valid" and "iat" in claims:
            claims["nbf"] = claims["iat"]
        if self.defect == "wrong_iss":
            claims["iss"] = WRONG_ISSUER
        if self.defect == "wrong_aud":
            claims["aud"] = WRONG_AUDIENCE
        for name in self.remove_claims + ((self.claim,) if self.defect == "missing_claim" else ()):
            claims.pop(name, None)
        return claims

    @property
    def signature_defect(self) -> str | None:
        return self.defect if self.defect in SIGNATURE_DEFECTS else None


AS_ISSUED = TokenShape()
