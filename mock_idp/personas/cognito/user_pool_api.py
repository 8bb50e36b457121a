"""Cognito's user-pool JSON API at the tenant's root, as boto3's `cognito-idp` client calls it
with `endpoint_url=<tenant URL>`: `POST /` with `X-Amz-Target:
AWSCognitoIdentityProviderService.<Operation>` and an `application/x-amz-json-1.1` body.

This module parses and renders (AWS JSON 1.1: errors are HTTP 400 with `__type` and `message`);
the operations are plain functions in sign_in.py, token_operations.py, token_refresh.py, sign_up.py,
password_reset.py, self_service.py, admin_api.py and pool_groups.py. Facts: docs/vendors.md, "Cognito user-pool API".
"""

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from ...hooks import HookFailure
from ...web.off_loop import off_loop
from ...web.same_origin import foreign_host, misdirected
from ..vendor_api import VendorCall
from . import (admin_api, password_reset, pool_groups, regional, self_service, sign_in, sign_up,
               token_operations, token_refresh)
from .errors import CognitoError
from ...web import json_body

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
# AWS JSON 1.1 (Smithy's awsJson1_1) bodies are `application/x-amz-json-1.1`, parameters ignored;
# `application/json` is taken too. Any other type (text/plain, a form, none) is what a page of another
# origin can send without a CORS preflight: never parsed (docs/vendors.md, "Cognito's body types").
BODY_TYPES = (CONTENT_TYPE, "application/json")
# Operations any app may call (no AWS credentials: botocore's model says `authtype: none`).
PUBLIC_OPERATIONS = {
    "InitiateAuth": sign_in.initiate_auth,
    "GetUser": token_operations.get_user,
    "GlobalSignOut": token_operations.global_sign_out,
    "RevokeToken": token_operations.revoke_token,
    "GetTokensFromRefreshToken": token_refresh.get_tokens_from_refresh_token,
    "SignUp": sign_up.sign_up,
    "ConfirmSignUp": sign_up.confirm_sign_up,
    "RespondToAuthChallenge": sign_up.respond_to_auth_challenge,
    "ResendConfirmationCode": password_reset.resend_confirmation_code,
    "ForgotPassword": password_reset.forgot_password,
    "ConfirmForgotPassword": password_reset.confirm_forgot_password,
    "ChangePassword": self_service.change_password,
    "UpdateUserAttributes": self_service.update_user_attributes,
    "DeleteUserAttributes": self_service.delete_user_attributes,
    "GetUserAttributeVerificationCode": self_service.get_user_attribute_verification_code,
    "VerifyUserAttribute": self_service.verify_user_attribute,
    "DeleteUser": self_service.delete_user,
}
# Operations AWS serves only to SigV4-signed requests (IAM credentials of the pool's account).
SIGNED_OPERATIONS = {
    "AdminInitiateAuth": sign_in.admin_initiate_auth,
    "AdminRespondToAuthChallenge": sign_up.admin_respond_to_auth_challenge,
    "AdminCreateUser": admin_api.admin_create_user,
    "AdminSetUserPassword": admin_api.admin_set_user_password,
    "AdminGetUser": admin_api.admin_get_user,
    "AdminUpdateUserAttributes": admin_api.admin_update_user_attributes,
    "AdminDeleteUserAttributes": admin_api.admin_delete_user_attributes,
    "AdminDisableUser": admin_api.admin_disable_user,
    "AdminUserGlobalSignOut": admin_api.admin_user_global_sign_out,
    "AdminResetUserPassword": password_reset.admin_reset_user_password,
    "AdminEnableUser": admin_api.admin_enable_user,
    "AdminDeleteUser": admin_api.admin_delete_user,
    "AdminConfirmSignUp": sign_up.admin_confirm_sign_up,
    "ListUsers": admin_api.list_users,
    "CreateGroup": pool_groups.create_group,
    "GetGroup": pool_groups.get_group,
    "DeleteGroup": pool_groups.delete_group,
    "ListGroups": pool_groups.list_groups,
    "AdminAddUserToGroup": pool_groups.admin_add_user_to_group,
    "AdminRemoveUserFromGroup": pool_groups.admin_remove_user_from_group,
    "AdminListGroupsForUser": pool_groups.admin_list_groups_for_user,
    "ListUsersInGroup": pool_groups.list_users_in_group,
}
OPERATIONS = PUBLIC_OPERATIONS | SIGNED_OPERATIONS
SELF_SERVICE = ("ChangePassword", "UpdateUserAttributes", "DeleteUserAttributes", "GetUserAttributeVerificationCode",
                "VerifyUserAttribute", "DeleteUser")  # the user is the access token's
# Answered at this server's own names only (web/same_origin.py foreign_host): a page at a name
# re-pointed at us (DNS rebinding) may send any header, so an unchecked signature proves nothing;
# and sign-up, though AWS answers anyone, writes the directory of a server reachable from here only.
# The account operations an access token drives write the directory too: a rebound page that signs
# in with a seed's public password must not change or delete the account, nor sign the user out of
# every app (GlobalSignOut; RevokeToken ends only the token it names, as the revocation endpoint).
# InitiateAuth and the token endpoint still answer it: tokens, docs/robustness.md.
OWN_HOST_ONLY = frozenset(SIGNED_OPERATIONS) | {"SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
                                                "ConfirmForgotPassword", "GlobalSignOut", *SELF_SERVICE}
# RespondToAuthChallenge answers tokens there too, but not NEW_PASSWORD_REQUIRED: it sets the password
# (a temporary one is a seed's, public), as ChangePassword does. Read from the body (call).
OWN_HOST_CHALLENGES = ("NEW_PASSWORD_REQUIRED",)  # a tuple: `in` compares by ==, a JSON list there raises nothing
SIGV4 = "AWS4-HMAC-SHA256 "
# The operations that may compute an SRP challenge (USER_SRP_AUTH, USER_AUTH's PASSWORD_SRP).
SIGN_IN_OPERATIONS = frozenset({"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge",
                                "AdminRespondToAuthChallenge"})
# Browser applications (amazon-cognito-identity-js, Amplify) call the unsigned operations from their
# own origin, which Cognito allows; the tenant's CORS origins may (web/cors.py). A preflight asking
# for `Authorization` is refused: the signed operations stay out of a page's reach (the signature
# is not checked here, docs/robustness.md).
CORS = {"/": ("authorization",)}


def routes(tenant) -> list[Route]:
    async def user_pool_api(request: Request) -> Response:
        return await answer(tenant, request)

    user_pool_api.off_loop = True  # it is already (web/off_loop.route_off_loop)
    return [Route("/", user_pool_api, methods=["POST"])]


def server_routes(tenants) -> list[Route]:
    """The server's root answers for every pool, as AWS's regional endpoint does (regional.py)."""
    async def regional_endpoint(request: Request) -> Response:
        if (refused := refusal(request)) is not None:
            return refused  # before the pool is looked up: a rebound page learns nothing of the pools
        try:
            # It may look up the client or the token: off the event loop on a database server.
            tenant = await off_loop(regional.pool_of, tenants, await request.body(), needed=False,
                                    store=tenants[0].store)
        except CognitoError as error:
            return error_response(error.type, error.message)
        return await answer(tenant, request)

    return [Route("/", regional_endpoint, methods=["POST"])]


def refusal(request: Request) -> Response | None:
    """The answer to a call this server does not take whatever its body: a write from a page at a
    name not ours (421, as /_admin answers it), or a body no SDK sends (see BODY_TYPES)."""
    host = foreign_host(request)
    if host is not None and request.headers.get("x-amz-target", "").removeprefix(TARGET_PREFIX) in OWN_HOST_ONLY:
        return misdirected(host)
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() not in BODY_TYPES:
        return error_response("UnknownOperationException",
                              f"The request body must be {CONTENT_TYPE} (X-Amz-Target names the operation).")
    return None


async def answer(tenant, request: Request) -> Response:
    if (refused := refusal(request)) is not None:
        return refused
    target, raw = request.headers.get("x-amz-target", ""), await request.body()
    try:
        # A pre-token-generation trigger may be called, or SRP's modular powers (a tenth of a second
        # of CPU, srp.py) computed for an SRP_A: off the event loop (hooks.py). Known by the operation,
        # not by the body's bytes: JSON may spell the key "SRP_\u0041".
        authorization = request.headers.get("authorization", "")
        body = await off_loop(call, tenant, target, raw, authorization, foreign_host(request),
                              needed=lambda: target.removeprefix(TARGET_PREFIX) in SIGN_IN_OPERATIONS
                              or tenant.flavor.calls_hooks(tenant.issuers[0]), store=tenant.store)
        return JSONResponse(body, media_type=CONTENT_TYPE)
    except (CognitoError, HookFailure) as error:
        return error_response(error.type, error.message)
    except Misdirected as refused:
        return misdirected(refused.host)


class Misdirected(Exception):
    """A write this server takes at its own names only, found in the body (OWN_HOST_CHALLENGES)."""

    def __init__(self, host: str):
        super().__init__(host)
        self.host = host


def error_response(type_: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"__type": type_, "message": message}, status_code=status, media_type=CONTENT_TYPE,
                        headers={"x-amzn-ErrorType": type_})


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed scenario's answer, as AWS JSON 1.1 errors are (SDKs retry 5xx and throttling)."""
    status = status or (500 if error == "InternalErrorException" else 400)
    type_ = error or ("TooManyRequestsException" if status == 429 else
                      "InternalErrorException" if status >= 500 else "NotAuthorizedException")
    return error_response(type_, description or "Failure injected by a mock_idp scenario.", status)


# The calls by name; the user is the one signing in, the one named, or the one whose token is sent.
ENDPOINTS = tuple(OPERATIONS)
SECRETS = frozenset({"PreviousPassword", "ProposedPassword", "Code", "PASSWORD", "NEW_PASSWORD", "SECRET_HASH", "REFRESH_TOKEN", "AccessToken", "Token", "RefreshToken",
                     "ClientSecret", "Password", "TemporaryPassword", "SecretHash", "Session", "ConfirmationCode"})
USERNAME_PARAMS = {"InitiateAuth": "AuthParameters.USERNAME", "RespondToAuthChallenge": "ChallengeResponses.USERNAME",
                   "AdminInitiateAuth": "AuthParameters.USERNAME",
                   "AdminRespondToAuthChallenge": "ChallengeResponses.USERNAME",
                   "GetUser": None, "GlobalSignOut": None, "RevokeToken": None, "GetTokensFromRefreshToken": None, "CreateGroup": None,
                   "GetGroup": None, "DeleteGroup": None, "ListGroups": None, "ListUsers": None,
                   "ListUsersInGroup": None, **dict.fromkeys(SELF_SERVICE)}
TOKEN_PARAMS = {"GetUser": "AccessToken", "GlobalSignOut": "AccessToken", "RevokeToken": "Token",
                **dict.fromkeys(SELF_SERVICE, "AccessToken"),
                "GetTokensFromRefreshToken": "RefreshToken",
                "InitiateAuth": "AuthParameters.REFRESH_TOKEN", "AdminInitiateAuth": "AuthParameters.REFRESH_TOKEN"}
CALLS = {name: VendorCall(name, injected_failure, error_key="__type", client_param="ClientId", secrets=SECRETS,
                          username_param=USERNAME_PARAMS.get(name, "Username"), token_param=TOKEN_PARAMS.get(name))
         for name in OPERATIONS}
WATCHED = {"/": lambda headers: CALLS.get(headers.get("x-amz-target", "").partition(TARGET_PREFIX)[2])
            if headers.get("x-amz-target", "").startswith(TARGET_PREFIX) else None}


def call(tenant, target: str, raw: bytes, authorization: str = "", host: str | None = None) -> dict:
    """The operation `target` names, on the JSON `raw`; `host`: the request's, when not one of ours."""
    name = target.removeprefix(TARGET_PREFIX) if target.startswith(TARGET_PREFIX) else ""
    operation = OPERATIONS.get(name)
    if operation is None:
        raise CognitoError("UnknownOperationException", f"Unknown operation {target[:100]!r}.")
    if name in SIGNED_OPERATIONS and not authorization.startswith(SIGV4):
        # What AWS answers an unsigned admin call. The signature itself is not verified: mock_idp
        # knows no IAM secrets (docs/management-apis.md).
        raise CognitoError("MissingAuthenticationTokenException", "Missing Authentication Token")
    try:
        request = json_body.loads(raw or b"{}")
    except ValueError:
        raise CognitoError("SerializationException", "The request body is not valid JSON.") from None
    if not isinstance(request, dict):
        raise CognitoError("SerializationException", "The request body must be a JSON object.")
    if host is not None and name == "RespondToAuthChallenge" and request.get("ChallengeName") in OWN_HOST_CHALLENGES:
        raise Misdirected(host)
    return operation(tenant, request)
