"""`mock-idp doctor`: what each consumer (AppSync, Cognito federation, @okta/jwt-verifier,
aws-jwt-verify) would reject about a provider, found from its discovery document and JWKS alone.

What each consumer checks, from its documentation or source:
- AppSync: fetches `<issuer>/.well-known/openid-configuration` from AWS; discovery `issuer` must
  equal the configured issuer exactly; keys by `kid` from `jwks_uri`.
- Cognito user-pool federation: HTTPS only and ports 80/443 only for the OIDC endpoints, a `kid`
  on every published key, RSA/ECDSA/HMAC signatures, `client_secret_post` at the token endpoint.
- @okta/jwt-verifier: issuer must start with https; keys from `<issuer>/v1/keys` unless `jwksUri`
  is passed; RS256 only, found by `kid` (jwks-rsa takes keys whose `use` is `sig` or absent).
- aws-jwt-verify: JWKS fetched with node:https only; default `jwksUri` is the issuer's path plus
  `/.well-known/jwks.json`; a JWK's `use`, when present, must be `sig`; the token's alg must equal
  the JWK's `alg` when the JWK has one; kty RSA, EC or OKP.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .endpoint_rules import (BACK_CHANNEL, algorithm_rule, endpoint_urls, https_rule, jwks_keys_rule,
                             port_rule, public_host_rule)
from .provider import Provider, fetch_provider
from .verdict import Rule, failed, passed

CONSUMERS = ("appsync", "cognito-federation", "okta-jwt-verifier", "aws-jwt-verify")
AWS_JWT_VERIFY_ALGS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA")


@dataclass
class ConsumerReport:
    consumer: str
    rules: list[Rule] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(rule.ok for rule in self.rules)

    def as_dict(self) -> dict:
        return {"consumer": self.consumer, "ok": self.ok,
                "rules": [rule.__dict__ for rule in self.rules]}


def issuer_equal_rule(url: str, provider: Provider) -> Rule:
    issuer = provider.discovery.get("issuer")
    if issuer == url:
        return passed("issuer", f"discovery issuer equals {url!r}")
    hint = " (trailing slash)" if isinstance(issuer, str) and issuer.rstrip("/") == url.rstrip("/") else ""
    return failed("issuer", f"discovery issuer {issuer!r} is not byte-equal to {url!r}{hint}",
                  f"configure the consumer with exactly {issuer!r}")


def keys(provider: Provider) -> list[dict]:
    return provider.jwks.get("keys", []) if provider.jwks else []


def default_jwks_rule(consumer: str, expected: str, provider: Provider) -> Rule:
    served = provider.discovery.get("jwks_uri")
    if served == expected:
        return passed("jwksUri", f"the default {expected} is the JWKS")
    return failed("jwksUri", f"{consumer} looks for keys at {expected}, the JWKS is at {served}",
                  f"pass jwksUri: {served!r} to the verifier")


def appsync(url: str, provider: Provider) -> list[Rule]:
    urls = endpoint_urls(provider, ("jwks_uri",))
    return [issuer_equal_rule(url, provider),
            https_rule(urls, "AppSync calls the issuer from AWS over the internet: give it an https --base-url"),
            public_host_rule(urls, "AppSync"), jwks_keys_rule(provider), algorithm_rule(provider)]


def cognito_federation(url: str, provider: Provider) -> list[Rule]:
    urls = endpoint_urls(provider)
    missing = [name for name in ("authorization_endpoint",) + BACK_CHANNEL if name not in urls]
    methods = provider.discovery.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    rules = [issuer_equal_rule(url, provider),
             failed("endpoints", f"discovery lacks {', '.join(missing)}", "publish them in the discovery document")
             if missing else passed("endpoints", "authorization, token, userinfo and jwks endpoints published"),
             https_rule(urls, "Cognito only calls https OIDC endpoints: serve mock_idp over TLS on 443"),
             # The published key must name itself fully: kid (documented), use and alg.
             port_rule(urls), public_host_rule(urls, "Cognito"), jwks_keys_rule(provider, ("kid", "use", "alg")),
             algorithm_rule(provider, ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"))]
    rules.append(passed("client_secret_post", "token endpoint accepts client_secret_post")
                 if "client_secret_post" in methods else
                 failed("client_secret_post", f"token_endpoint_auth_methods_supported is {methods}",
                        "accept client_secret_post: Cognito sends the secret in the form body, never basic"))
    return rules


def okta_jwt_verifier(url: str, provider: Provider) -> list[Rule]:
    rsa = [key for key in keys(provider) if key.get("kty") == "RSA" and key.get("use", "sig") == "sig"]
    return [issuer_equal_rule(url, provider),
            passed("https", "issuer is https") if url.startswith("https://") else
            failed("https", f"'Your Okta URL must start with https. Current value: {url}'",
                   "serve the issuer over https (testing.disableHttpsCheck is not for real set-ups)"),
            default_jwks_rule("@okta/jwt-verifier", url.rstrip("/") + "/v1/keys", provider),
            passed("keys", f"{len(rsa)} RSA signing key(s) for RS256")
            if rsa and all(key.get("kid") for key in rsa) else
            failed("keys", "no RSA key with a kid and use sig (or no use)",
                   "publish RS256 keys with a kid: the verifier accepts RS256 only")]


def jwk_problems(key: dict) -> list[str]:
    """What aws-jwt-verify's assertIsValidJwk and header check would object to in one key."""
    problems = []
    if key.get("use") not in (None, "sig"):
        problems.append(f"use {key.get('use')!r} is not 'sig'")
    if key.get("kty") not in ("RSA", "EC", "OKP"):
        problems.append(f"kty {key.get('kty')!r} is not RSA, EC or OKP")
    if key.get("alg") not in (None,) + AWS_JWT_VERIFY_ALGS:
        problems.append(f"alg {key.get('alg')!r} is not supported")
    return problems


def aws_jwt_verify(url: str, provider: Provider) -> list[Rule]:
    split = urlsplit(url)
    default = urlunsplit((split.scheme, split.netloc, split.path.rstrip("/") + "/.well-known/jwks.json", "", ""))
    bad = [f"{key.get('kid')}: {', '.join(jwk_problems(key))}" for key in keys(provider) if jwk_problems(key)]
    return [issuer_equal_rule(url, provider),
            https_rule(endpoint_urls(provider, ("jwks_uri",), issuer=False),
                       "the default fetcher uses node:https only: serve the JWKS over https"),
            default_jwks_rule("aws-jwt-verify", default, provider),
            jwks_keys_rule(provider),
            failed("jwk", "; ".join(bad), "publish use 'sig', kty RSA/EC/OKP and a supported alg") if bad
            else passed("jwk", "every JWK is a usable signing key")]


CHECKS = {"appsync": appsync, "cognito-federation": cognito_federation,
          "okta-jwt-verifier": okta_jwt_verifier, "aws-jwt-verify": aws_jwt_verify}


def setup_rules(consumer: str, url: str, provider: Provider) -> list[Rule]:
    """How fetching the provider went, then `consumer`'s checks of what was fetched (none when the
    discovery document or JWKS could not be had: there is nothing to check)."""
    return list(provider.rules) + (CHECKS[consumer](url, provider) if provider.ok else [])


def doctor(url: str, client_id: str | None = None, verify: bool | str = True,
           provider: Provider | None = None, client_rules=None) -> list[ConsumerReport]:
    """One report per consumer. `client_rules(consumer) -> [Rule]` adds a tenant client's checks."""
    provider = provider or fetch_provider(url, verify=verify)
    reports = []
    for consumer in CONSUMERS:
        report = ConsumerReport(consumer, setup_rules(consumer, url, provider))
        if client_rules is not None:
            report.rules += client_rules(consumer)
        reports.append(report)
    return reports
