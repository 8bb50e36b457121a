"""An AppSync Lambda authorizer (AWS_LAMBDA mode) that accepts mock_idp access tokens.

AppSync calls `handler(event, context)` with `event["authorizationToken"]` and expects
`{isAuthorized, resolverContext, deniedFields, ttlOverride}`. This one verifies the token
against an issuer's JWKS with joserfc (set AUTHORIZER_ISSUER; default: the seed's generic
tenant), hands resolvers the caller in `resolverContext`, always hides `Employee.salary` and
denies `createEmployee` to tokens without the `employees:write` scope.
"""

import os
import time

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ISSUER = os.environ.get("AUTHORIZER_ISSUER", "http://127.0.0.1:8000/default")
_keys: dict[str, tuple[float, KeySet]] = {}


def issuer_keys(issuer: str) -> KeySet:
    """The issuer's JWKS, kept for ten minutes across invocations of a warm Lambda."""
    cached = _keys.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    discovery = httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=5).json()
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"], timeout=5).json())
    _keys[issuer] = (time.monotonic() + 600, keys)
    return keys


def handler(event: dict, context) -> dict:
    issuer = os.environ.get("AUTHORIZER_ISSUER", ISSUER)
    try:
        claims = jwt.decode(event["authorizationToken"], issuer_keys(issuer), algorithms=["RS256"]).claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": issuer}, exp={"essential": True}).validate(claims)
    except (JoseError, ValueError, KeyError, httpx.HTTPError):
        return {"isAuthorized": False}
    scopes = claims.get("scope", "").split()
    denied = ["Employee.salary"]
    if "employees:write" not in scopes:
        denied.append("arn:aws:appsync:us-east-1:000000000000:apis/local/types/Mutation/fields/createEmployee")
    return {"isAuthorized": True,
            "resolverContext": {"principal": claims.get("sub"), "scope": " ".join(scopes),
                                "operation": event["requestContext"].get("operationName") or ""},
            "deniedFields": denied, "ttlOverride": 60}
