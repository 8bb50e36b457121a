"""Cognito's user-pool JSON API at the tenant's root, as boto3's `cognito-idp` client calls it
with `endpoint_url=<tenant URL>`: `POST /` with `X-Amz-Target:
AWSCognitoIdentityProviderService.<Operation>` and an `application/x-amz-json-1.1` body.

This module parses and renders (AWS JSON 1.1: errors are HTTP 400 with `__type` and `message`);
the operations are plain functions in cognito_auth.py. Facts: docs/vendors.md, "Cognito
user-pool API".
"""

import json

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.routing import Route

from . import cognito_auth
from .cognito_auth import CognitoError

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
OPERATIONS = {
    "InitiateAuth": cognito_auth.initiate_auth,
    "GetUser": cognito_auth.get_user,
    "GlobalSignOut": cognito_auth.global_sign_out,
    "RevokeToken": cognito_auth.revoke_token,
}


def routes(tenant) -> list[Route]:
    async def user_pool_api(request: Request) -> JSONResponse:
        try:
            body = call(tenant, request.headers.get("x-amz-target", ""), await request.body())
            return JSONResponse(body, media_type=CONTENT_TYPE)
        except CognitoError as error:
            return JSONResponse({"__type": error.type, "message": error.message}, status_code=400,
                                media_type=CONTENT_TYPE, headers={"x-amzn-ErrorType": error.type})

    return [Route("/", user_pool_api, methods=["POST"])]


def call(tenant, target: str, raw: bytes) -> dict:
    operation = OPERATIONS.get(target.removeprefix(TARGET_PREFIX)) if target.startswith(TARGET_PREFIX) else None
    if operation is None:
        raise CognitoError("UnknownOperationException", f"Unknown operation {target[:100]!r}.")
    try:
        request = json.loads(raw or b"{}")
    except ValueError:
        raise CognitoError("SerializationException", "The request body is not valid JSON.") from None
    if not isinstance(request, dict):
        raise CognitoError("SerializationException", "The request body must be a JSON object.")
    return operation(tenant, request)
