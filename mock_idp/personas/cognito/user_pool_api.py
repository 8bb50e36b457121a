"""Cognito's user-pool JSON API at the tenant's root, as boto3's `cognito-idp` client calls it
with `endpoint_url=<tenant URL>`: `POST /` with `X-Amz-Target:
AWSCognitoIdentityProviderService.<Operation>` and an `application/x-amz-json-1.1` body.

This module parses and renders (AWS JSON 1.1: errors are HTTP 400 with `__type` and `message`);
the operations are plain functions in sign_in.py. Facts: docs/vendors.md, "Cognito
user-pool API".
"""

import json

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.routing import Route

from ...hooks import HookFailure, off_loop
from ..vendor_api import VendorCall
from . import sign_in
from .sign_in import CognitoError

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
OPERATIONS = {
    "InitiateAuth": sign_in.initiate_auth,
    "GetUser": sign_in.get_user,
    "GlobalSignOut": sign_in.global_sign_out,
    "RevokeToken": sign_in.revoke_token,
}


def routes(tenant) -> list[Route]:
    async def user_pool_api(request: Request) -> JSONResponse:
        try:
            # A pre-token-generation trigger may be called: off the event loop (hooks.py).
            body = await off_loop(call, tenant, request.headers.get("x-amz-target", ""), await request.body(),
                                  needed=tenant.flavor.calls_hooks(tenant.issuers[0]))
            return JSONResponse(body, media_type=CONTENT_TYPE)
        except (CognitoError, HookFailure) as error:
            return error_response(error.type, error.message)

    return [Route("/", user_pool_api, methods=["POST"])]


def error_response(type_: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"__type": type_, "message": message}, status_code=status, media_type=CONTENT_TYPE,
                        headers={"x-amzn-ErrorType": type_})


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed scenario's answer, as AWS JSON 1.1 errors are (SDKs retry 5xx and throttling)."""
    status = status or (500 if error == "InternalErrorException" else 400)
    type_ = error or ("TooManyRequestsException" if status == 429 else
                      "InternalErrorException" if status >= 500 else "NotAuthorizedException")
    return error_response(type_, description or "Failure injected by a mock_idp scenario.", status)


# The calls by name; the user is the one signing in, or the one whose token is sent.
ENDPOINTS = tuple(OPERATIONS)
SECRETS = frozenset({"PASSWORD", "NEW_PASSWORD", "SECRET_HASH", "REFRESH_TOKEN", "AccessToken", "Token",
                     "ClientSecret"})
CALLS = {name: VendorCall(name, injected_failure, error_key="__type", client_param="ClientId", secrets=SECRETS,
                          username_param="AuthParameters.USERNAME" if name == "InitiateAuth" else None,
                          token_param={"GetUser": "AccessToken", "GlobalSignOut": "AccessToken",
                                       "RevokeToken": "Token"}.get(name, "AuthParameters.REFRESH_TOKEN"))
         for name in OPERATIONS}
WATCHED = {"/": lambda headers: CALLS.get(headers.get("x-amz-target", "").partition(TARGET_PREFIX)[2])
            if headers.get("x-amz-target", "").startswith(TARGET_PREFIX) else None}


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
