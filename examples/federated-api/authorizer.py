"""An API Gateway Lambda TOKEN authorizer for a Cognito user pool federated to mock_idp ("Okta").

API Gateway calls `handler(event, context)` with `{"type": "TOKEN", "authorizationToken":
"Bearer <Cognito ID token>", "methodArn": "arn:aws:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<path>"}`
and expects `{"principalId", "policyDocument", "context"}`. This one:

1. verifies the ID token against the pool's JWKS (joserfc): signature, `iss`, `aud` (the app
   client), `exp`, `token_use` = id;
2. allows the resource only to the departments listed for it in the resources table
   (`{"Resource": "/blog", "Departments": ["IT", "Finance"]}`), read from `custom:department`;
3. counts the caller's calls in the quota table (`{PrincipalId, CallLimit, Calls, TTL}`, TTL at the
   next midnight UTC) and denies past the limit with "Daily call limit of N has exceeded for <user>".

A bad token raises Exception("Unauthorized"), which API Gateway answers with 401. Configuration from
the environment (see `Settings`); boto3 reaches DynamoDB at DYNAMODB_ENDPOINT (ministack) when set.
"""

import os
import time
from dataclasses import dataclass

import boto3
import httpx
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

DAY = 86_400


@dataclass(frozen=True)
class Settings:
    user_pool_id: str
    app_client_id: str
    region: str = "us-east-1"
    jwks_uri: str | None = None          # default: the pool's, derived from the issuer
    dynamodb_endpoint: str | None = None
    resources_table: str = "ApiResources"
    quota_table: str = "ApiQuota"
    daily_call_limit: int = 100

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @classmethod
    def from_environment(cls) -> "Settings":
        env = os.environ
        return cls(env["USER_POOL_ID"], env["APP_CLIENT_ID"], env.get("AWS_REGION", "us-east-1"),
                   env.get("JWKS_URI"), env.get("DYNAMODB_ENDPOINT"), env.get("RESOURCES_TABLE", "ApiResources"),
                   env.get("QUOTA_TABLE", "ApiQuota"), int(env.get("DAILY_CALL_LIMIT", "100")))


_keys: dict[str, KeySet] = {}


def pool_keys(settings: Settings) -> KeySet:
    """The pool's JWKS, fetched once per warm Lambda (Cognito's keys do not rotate by themselves)."""
    uri = settings.jwks_uri or settings.issuer + "/.well-known/jwks.json"
    if uri not in _keys:
        _keys[uri] = KeySet.import_key_set(httpx.get(uri, timeout=5).json())
    return _keys[uri]


def verified_claims(token: str, settings: Settings) -> dict:
    token = token.removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, pool_keys(settings), algorithms=["RS256"]).claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": settings.issuer},
                              aud={"essential": True, "value": settings.app_client_id},
                              token_use={"essential": True, "value": "id"},
                              exp={"essential": True}).validate(claims)
    except (JoseError, ValueError) as error:
        raise Exception("Unauthorized") from error  # API Gateway's 401
    return claims


def resource_of(method_arn: str) -> str:
    """`/blog` from arn:aws:execute-api:region:account:api/stage/GET/blog."""
    return "/" + method_arn.split(":", 5)[5].split("/", 3)[3]


def policy(principal: str, effect: str, method_arn: str, **context) -> dict:
    return {"principalId": principal,
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}]},
            "context": context}


def count_call(dynamodb, settings: Settings, principal: str, now: float) -> tuple[bool, int]:
    """(within the limit, the limit) after counting this call; a new day starts a new count."""
    table = dynamodb.Table(settings.quota_table)
    item = table.get_item(Key={"PrincipalId": principal}).get("Item")
    if item is None or int(item["TTL"]) <= now:
        tomorrow = int(now // DAY + 1) * DAY
        table.put_item(Item={"PrincipalId": principal, "CallLimit": settings.daily_call_limit, "Calls": 1,
                             "TTL": tomorrow})
        return True, settings.daily_call_limit
    try:
        table.update_item(Key={"PrincipalId": principal}, UpdateExpression="SET Calls = Calls + :one",
                          ConditionExpression="Calls < CallLimit", ExpressionAttributeValues={":one": 1})
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False, int(item["CallLimit"])
    return True, int(item["CallLimit"])


def handler(event: dict, context, settings: Settings | None = None, now: float | None = None) -> dict:
    settings = settings or Settings.from_environment()
    claims = verified_claims(event["authorizationToken"], settings)
    principal = claims.get("cognito:username") or claims["sub"]
    department = claims.get("custom:department", "")
    dynamodb = boto3.resource("dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint)
    resource = resource_of(event["methodArn"])
    rule = dynamodb.Table(settings.resources_table).get_item(Key={"Resource": resource}).get("Item")
    if rule is None or department not in rule.get("Departments", []):
        return policy(principal, "Deny", event["methodArn"], department=department,
                      message=f"{department or 'No department'} has no access to {resource}")
    within, limit = count_call(dynamodb, settings, principal, time.time() if now is None else now)
    if not within:
        return policy(principal, "Deny", event["methodArn"], department=department,
                      message=f"Daily call limit of {limit} has exceeded for {principal}")
    return policy(principal, "Allow", event["methodArn"], department=department, email=claims.get("email", ""))
