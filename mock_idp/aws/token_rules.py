"""The checks every JWT consumer makes, each returning a Rule: parse, kid, signature, times, iss."""

import json
import re
import time

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from joserfc.util import to_bytes

from .provider import Provider, fetch_provider
from .verdict import Rule, Verdict, failed, passed

ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


def parse(token: str) -> tuple[dict, dict] | Rule:
    """(header, claims) of a compact JWS, or the failed rule AppSync reports as unparsable."""
    fix = "pass the raw token: three base64url parts separated by dots, no 'Bearer ' prefix"
    try:
        signature = jws.extract_compact(to_bytes(token.strip()))
        claims = json.loads(signature.payload)
    except (JoseError, ValueError, TypeError) as error:
        return failed("jwt", f"not a signed JWT ({error})", fix)
    if not isinstance(claims, dict):
        return failed("jwt", "the payload is not a JSON object", fix)
    return dict(signature.protected), claims


def kid_rule(header: dict, provider: Provider) -> Rule:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return failed("kid", "the token header has no kid", "sign with a key that has a kid and put it in the header")
    if provider.key_for(kid) is None:
        return failed("kid", f"no key with kid {kid!r} in {provider.discovery.get('jwks_uri')}",
                      "sign with a key the issuer publishes (a token from another issuer or a rotated-out key?)")
    return passed("kid", f"key {kid!r} found in the JWKS")


def signature_rule(token: str, header: dict, provider: Provider, algorithms: list[str]) -> Rule:
    alg = header.get("alg")
    if alg not in algorithms:
        return failed("signature", f"alg {alg!r} is not one of {', '.join(algorithms)}",
                      "sign with RS256 (the algorithm every AWS consumer accepts)")
    try:
        key = JWKRegistry.import_key(provider.key_for(header.get("kid")))
        jws.deserialize_compact(token.strip(), key, algorithms=[alg])
    except (JoseError, ValueError, TypeError) as error:
        return failed("signature", f"{alg} signature does not verify ({error})",
                      "the token was altered or signed by another key: get a fresh one from the issuer")
    return passed("signature", f"{alg} signature verifies")


def times_rules(claims: dict, at: float | None) -> list[Rule]:
    now = time.time() if at is None else at
    exp, nbf = claims.get("exp"), claims.get("nbf")
    rules = []
    if not isinstance(exp, (int, float)):
        rules.append(failed("exp", "the token has no numeric exp", "issue tokens with an exp claim"))
    elif now >= exp:
        rules.append(failed("exp", f"expired {int(now - exp)} s ago", "get a fresh token"))
    else:
        rules.append(passed("exp", f"expires in {int(exp - now)} s"))
    if nbf is not None and (not isinstance(nbf, (int, float)) or now < nbf):
        rules.append(failed("nbf", f"not valid before {nbf} (now {int(now)})",
                            "check the clocks: the token is not valid yet"))
    return rules


def issuer_rule(claims: dict, provider: Provider, configured: str) -> Rule:
    iss, discovered = claims.get("iss"), provider.discovery.get("issuer")
    if iss != discovered:
        return failed("iss", f"iss {iss!r} is not byte-equal to the discovery issuer {discovered!r}",
                      "use a token from this issuer, or make the issuer put its discovery 'issuer' in iss")
    if iss != configured:
        hint = " (trailing slash)" if iss.rstrip("/") == configured.rstrip("/") else ""
        return failed("iss", f"iss {iss!r} differs from the configured issuer {configured!r}{hint}",
                      f"configure the issuer as exactly {iss!r}")
    return passed("iss", f"iss equals the discovery issuer {iss!r}")


def begin(consumer: str, token: str, issuer: str, provider: Provider | None,
          verify: bool | str) -> tuple[Verdict, Provider | None]:
    """Parse the token and fetch the issuer: the verdict so far, and the provider if both worked."""
    verdict = Verdict(consumer)
    parsed = parse(token)
    if isinstance(parsed, Rule):
        verdict.add(parsed)
        return verdict, None
    verdict.header, verdict.claims = parsed
    verdict.add(passed("jwt", f"a signed JWT ({verdict.header.get('alg')})"))
    provider = provider or fetch_provider(issuer, verify=verify)
    verdict.rules += provider.rules
    return verdict, provider if provider.ok else None


def identity(claims: dict) -> dict:
    """$context.identity for OIDC-authorized requests: the token's sub and iss, and every claim."""
    return {"sub": claims.get("sub"), "issuer": claims.get("iss"), "claims": claims}


def require_regex(label: str, pattern: str | None) -> None:
    """A configured pattern that is not a regular expression is a config error (ValueError)."""
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{label} {pattern!r} is not a regular expression: {error}") from None
