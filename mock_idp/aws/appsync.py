"""AppSync's OPENID_CONNECT authorization, rule by rule.

From AppSync's OpenIDConnectConfig: `issuer` (the discovery document's issuer must exactly match
`iss`), `clientId` (a regular expression matched against `aud` or `azp`, default: any), `iatTTL`
and `authTTL` (milliseconds a token stays valid after `iat` / `auth_time`; `authTTL` needs the
`auth_time` claim). Signature, kid and exp/nbf are checked against the issuer's JWKS.
"""

import re
import time
from dataclasses import dataclass

from .provider import Provider
from .token_rules import (ASYMMETRIC, begin, identity, issuer_rule, kid_rule, require_regex, signature_rule,
                          times_rules)
from .verdict import Rule, Verdict, failed, passed


@dataclass(frozen=True)
class AppSyncConfig:
    """The API's OpenIDConnectConfig. Raises ValueError for a clientId that is not a regex."""

    issuer: str
    client_id: str | None = None
    iat_ttl_ms: int | None = None
    auth_ttl_ms: int | None = None

    def __post_init__(self):
        require_regex("clientId", self.client_id)
        for name in ("iat_ttl_ms", "auth_ttl_ms"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be a positive number of milliseconds")


def client_id_rule(claims: dict, pattern: str | None) -> Rule:
    if pattern is None:
        return passed("clientId", "no clientId configured: any aud/azp is accepted")
    aud = claims.get("aud")
    candidates = ([aud] if isinstance(aud, str) else [a for a in aud if isinstance(a, str)]
                  if isinstance(aud, list) else [])
    if isinstance(claims.get("azp"), str):
        candidates.append(claims["azp"])
    matched = next((value for value in candidates if re.fullmatch(pattern, value)), None)
    if matched is None:
        shown = ", ".join(repr(c) for c in candidates) or "none"
        return failed("clientId", f"clientId /{pattern}/ matches no aud or azp (token has {shown})",
                      "set the API's clientId to the token's aud (an ID token's aud is the client id; "
                      "an Auth0 API token's aud is the API identifier, its azp the client) or a regex matching it")
    return passed("clientId", f"clientId /{pattern}/ matches {matched!r}")


def ttl_rule(name: str, claim: str, claims: dict, ttl_ms: int | None, now: float) -> Rule:
    if ttl_ms is None:
        return passed(name, f"no {name} configured")
    value = claims.get(claim)
    if not isinstance(value, (int, float)):
        return failed(name, f"{name} is set but the token has no {claim} claim",
                      f"remove {name} from the API, or use a token that carries {claim} (an ID token)")
    age_ms = (now - value) * 1000
    if age_ms > ttl_ms:
        return failed(name, f"{claim} is {int(age_ms)} ms old, over {name} {ttl_ms} ms",
                      f"get a fresh token, or raise {name} (milliseconds, not seconds)")
    return passed(name, f"{claim} is {int(age_ms)} ms old, within {name} {ttl_ms} ms")


def check_appsync(token: str, config: AppSyncConfig, provider: Provider | None = None,
                  at: float | None = None, verify: bool | str = True) -> Verdict:
    """Would an AppSync API with `config` accept `token` in its Authorization header?"""
    verdict, provider = begin("appsync", token, config.issuer, provider, verify)
    if provider is None:
        return verdict
    now = time.time() if at is None else at
    verdict.add(issuer_rule(verdict.claims, provider, config.issuer))
    if verdict.add(kid_rule(verdict.header, provider)):
        verdict.add(signature_rule(token, verdict.header, provider, ASYMMETRIC))
    verdict.rules += times_rules(verdict.claims, now)
    verdict.add(client_id_rule(verdict.claims, config.client_id))
    verdict.add(ttl_rule("iatTTL", "iat", verdict.claims, config.iat_ttl_ms, now))
    verdict.add(ttl_rule("authTTL", "auth_time", verdict.claims, config.auth_ttl_ms, now))
    if verdict.accepted:
        verdict.identity = identity(verdict.claims)
    return verdict
