"""AppSync's AMAZON_COGNITO_USER_POOLS mode: a user pool's ID or access token, rule by rule.

AppSync verifies the token against the pool's keys, takes ID and access tokens alike
(`token_use`), matches `appIdClientRegex` against the app client (`aud` of an ID token,
`client_id` of an access token), and hands resolvers the identity with `username` and `groups`
(`cognito:groups`), which `@aws_cognito_user_pools(cognito_groups: [...])` is checked against.
"""

import re
import time
from dataclasses import dataclass

from .provider import Provider
from .token_rules import ASYMMETRIC, begin, issuer_rule, kid_rule, require_regex, signature_rule, times_rules
from .verdict import Rule, Verdict, failed, passed


@dataclass(frozen=True)
class UserPoolConfig:
    """The API's UserPoolConfig: the pool's issuer URL and an optional appIdClientRegex."""

    issuer: str
    app_id_client_regex: str | None = None

    def __post_init__(self):
        require_regex("appIdClientRegex", self.app_id_client_regex)


def token_use_rule(claims: dict) -> Rule:
    if claims.get("token_use") in ("id", "access"):
        return passed("token_use", f"a user pool {claims['token_use']} token")
    return failed("token_use", f"token_use is {claims.get('token_use')!r}, not id or access",
                  "send the user pool's ID or access token")


def app_client_rule(claims: dict, pattern: str | None) -> Rule:
    client = claims.get("aud") if claims.get("token_use") == "id" else claims.get("client_id")
    if pattern is None:
        return passed("appIdClientRegex", "no appIdClientRegex configured")
    if isinstance(client, str) and re.fullmatch(pattern, client):
        return passed("appIdClientRegex", f"/{pattern}/ matches app client {client!r}")
    return failed("appIdClientRegex", f"/{pattern}/ does not match app client {client!r}",
                  "set appIdClientRegex to the app client id, or a regex matching it")


def user_pool_identity(claims: dict) -> dict:
    """$context.identity in AMAZON_COGNITO_USER_POOLS mode."""
    return {"sub": claims.get("sub"), "issuer": claims.get("iss"),
            "username": claims.get("cognito:username") or claims.get("username"),
            "claims": claims, "sourceIp": [], "defaultAuthStrategy": "ALLOW",
            "groups": claims.get("cognito:groups")}


def check_user_pool(token: str, config: UserPoolConfig, provider: Provider | None = None,
                    at: float | None = None, verify: bool | str = True) -> Verdict:
    """Would an AppSync API in user-pool mode with `config` accept this token?"""
    verdict, provider = begin("appsync-user-pools", token, config.issuer, provider, verify)
    if provider is None:
        return verdict
    verdict.add(issuer_rule(verdict.claims, provider, config.issuer))
    if verdict.add(kid_rule(verdict.header, provider)):
        verdict.add(signature_rule(token, verdict.header, provider, ASYMMETRIC))
    verdict.rules += times_rules(verdict.claims, time.time() if at is None else at)
    verdict.add(token_use_rule(verdict.claims))
    verdict.add(app_client_rule(verdict.claims, config.app_id_client_regex))
    if verdict.accepted:
        verdict.identity = user_pool_identity(verdict.claims)
    return verdict
