"""Which authorization mode a request uses, and the identity it yields, as AppSync decides them.

A request's `Authorization` header carries a JWT (OPENID_CONNECT, AMAZON_COGNITO_USER_POOLS) or any
string (AWS_LAMBDA). A JWT whose `iss` is the user pool's goes to user-pool mode, one from the OIDC
issuer to OIDC mode; anything else goes to the Lambda authorizer when there is one. Tokens are
checked with mock_idp.aws: the same rules as `mock-idp check-token`.
"""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

from mock_idp.aws import AppSyncConfig, UserPoolConfig, check_appsync, check_user_pool, fetch_provider

OIDC, USER_POOLS, LAMBDA = "OPENID_CONNECT", "AMAZON_COGNITO_USER_POOLS", "AWS_LAMBDA"
DIRECTIVE = {OIDC: "aws_oidc", USER_POOLS: "aws_cognito_user_pools", LAMBDA: "aws_lambda"}


class Unauthorized(Exception):
    """The whole request is refused: HTTP 401 with AppSync's UnauthorizedException body."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message, self.detail = message, detail


@dataclass
class Authorized:
    mode: str
    identity: dict
    denied_fields: frozenset[str] = frozenset()  # "Type.field"


@dataclass
class ApiAuth:
    """The API's authorization settings: a default mode and the additional ones."""

    oidc: AppSyncConfig | None = None
    user_pool: UserPoolConfig | None = None
    lambda_authorizer: Callable[[dict, object], dict] | None = None
    default_mode: str = OIDC
    verify: bool | str = True
    providers: dict = field(default_factory=dict)  # issuer -> Provider, fetched once (AppSync caches keys)
    lambda_cache: dict = field(default_factory=dict)  # token -> (expires, response), ttlOverride

    def provider(self, issuer: str):
        if issuer not in self.providers or not self.providers[issuer].ok:
            self.providers[issuer] = fetch_provider(issuer, verify=self.verify)
        return self.providers[issuer]

    def authorize(self, authorization: str | None, query: str, operation: str | None, variables: dict,
                  headers: dict) -> Authorized:
        if not authorization:
            raise Unauthorized("Valid authorization header not provided.")
        token = authorization.removeprefix("Bearer ").strip()
        iss = unverified_issuer(token)
        if self.user_pool and iss == self.user_pool.issuer:
            return self.by_user_pool(token)
        if self.oidc and (iss == self.oidc.issuer or not self.lambda_authorizer):
            return self.by_oidc(token)
        if self.lambda_authorizer:
            return self.by_lambda(token, query, operation, variables, headers)
        raise Unauthorized("Unauthorized", "no authorization mode takes this token")

    def by_oidc(self, token: str) -> Authorized:
        verdict = check_appsync(token, self.oidc, provider=self.provider(self.oidc.issuer))
        if not verdict.accepted:
            raise refusal(verdict)
        return Authorized(OIDC, verdict.identity)

    def by_user_pool(self, token: str) -> Authorized:
        verdict = check_user_pool(token, self.user_pool, provider=self.provider(self.user_pool.issuer))
        if not verdict.accepted:
            raise refusal(verdict)
        return Authorized(USER_POOLS, verdict.identity)

    def by_lambda(self, token: str, query: str, operation: str | None, variables: dict, headers: dict) -> Authorized:
        cached = self.lambda_cache.get(token)
        if cached and cached[0] > time.monotonic():
            response = cached[1]
        else:
            response = self.lambda_authorizer(lambda_event(token, query, operation, variables, headers), None)
            ttl = response.get("ttlOverride", 300)  # AppSync's default authorizerResultTtlInSeconds
            if ttl:
                self.lambda_cache[token] = (time.monotonic() + ttl, response)
        if response.get("isAuthorized") is not True:
            raise Unauthorized("You are not authorized to make this call.", "the Lambda authorizer said no")
        return Authorized(LAMBDA, {"resolverContext": response.get("resolverContext") or {}},
                          frozenset(field_name(f) for f in response.get("deniedFields") or []))


def refusal(verdict) -> Unauthorized:
    failure = verdict.failures[0]
    message = "Token has expired." if failure.name == "exp" else "Unauthorized"
    return Unauthorized(message, "; ".join(f"{r.name}: {r.reason}" for r in verdict.failures))


def unverified_issuer(token: str) -> str | None:
    """The iss a JWT claims (not yet trusted: only to pick the mode), or None for other strings."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("iss")
    except (IndexError, ValueError, AttributeError):
        return None


def lambda_event(token: str, query: str, operation: str | None, variables: dict, headers: dict) -> dict:
    """The event AppSync sends a Lambda authorizer."""
    return {"authorizationToken": token,
            "requestContext": {"apiId": "local", "accountId": "000000000000", "requestId": str(uuid.uuid4()),
                               "queryString": query, "operationName": operation, "variables": variables},
            "requestHeaders": headers}


def field_name(denied: str) -> str:
    """`Type.field`, from either form AppSync takes: `Type.field` or the field's ARN (…/types/T/fields/f)."""
    if "/types/" in denied:
        type_name, _, name = denied.split("/types/", 1)[1].partition("/fields/")
        return f"{type_name}.{name}"
    return denied
