"""Cognito's pre-token-generation Lambda trigger (V1_0, V2_0, V3_0): the event Cognito sends, the
call (a URL speaking the Lambda Invoke API, or a Python handler: mock_idp/hooks.py), and the
answer applied to the tokens as Cognito applies it. Facts and sources: docs/vendors.md,
"Cognito pre token generation trigger".

Called once per issuance (the ID and access token of one answer share it), on every path that
issues a user's tokens, and for client_credentials with V3_0 only.
"""

import json
import uuid
from typing import Any

from ..base import HOOK_ANSWERS
from ...hooks import HandlerFailed, HookError, HookFailure, call_handler, call_url, injected_failure, record_call
from .answer import Overrides, read_answer

TIMEOUT = 5.0  # Cognito waits 5 seconds for a trigger's Lambda
TRIGGER = "PreTokenGeneration"
REGION = "us-east-1"
EVENT_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}
# ctx.grant_type -> triggerSource. Not here: the device flow (user pools have none).
TRIGGER_SOURCES = {
    "authorization_code": "TokenGeneration_HostedAuth",
    "implicit": "TokenGeneration_HostedAuth",
    "refresh_token": "TokenGeneration_RefreshTokens",
    "cognito:refresh_token_auth": "TokenGeneration_RefreshTokens",
    "cognito:initiate_auth": "TokenGeneration_Authentication",  # and AdminInitiateAuth
    "cognito:new_password": "TokenGeneration_NewPasswordChallenge",  # (Admin)RespondToAuthChallenge
    "password": "TokenGeneration_Authentication",
    "client_credentials": "TokenGeneration_ClientCredentials",  # V3_0 only
}
ASK = object()  # no answer kept with the code: ask now
ANSWER = "pre_token_generation_answer"  # ctx.extra: the version and the Lambda's result, as asked
# The hosted UI and the OAuth endpoints are called by no SDK.
NO_SDK = "aws-sdk-unknown-unknown"


class TriggerFailed(HookFailure):
    """The trigger failed: the user pool API answers `type` and `message`; the hosted UI shows the
    message; /oauth2/token answers invalid_request (Cognito sends no description there)."""


def trigger_config(issuer):
    """The tenant's trigger: set at run time (admin API, testing API), else the seed's."""
    state = getattr(issuer, "hook_overrides", None)
    if state is not None and "pre_token_generation" in state:
        return state["pre_token_generation"]
    triggers = issuer.config.triggers
    return triggers.pre_token_generation if triggers is not None else None


def overrides(ctx) -> Overrides | None:
    """The trigger's answer for this issuance (asked once, or kept with the authorization code
    since the user signed in), or None without a trigger."""
    if "pre_token_generation" not in ctx.extra:
        kept = ctx.extra.get(HOOK_ANSWERS, {}).get("pre_token_generation", ASK)
        ctx.extra["pre_token_generation"] = ask(ctx) if kept is ASK else kept_answer(kept)
    return ctx.extra["pre_token_generation"]


def answers_at_sign_in(ctx) -> dict:
    """The hosted UI runs the trigger when the user signs in, for a code as for a token, so a
    failure shows on its page (docs/vendors.md §5a): the answer, kept with the code."""
    overrides(ctx)
    return {"pre_token_generation": ctx.extra.get(ANSWER)}


def kept_answer(kept: dict | None) -> Overrides | None:
    """A kept answer read again (it was read once at sign-in: it reads the same)."""
    if kept is None:  # no trigger when the user signed in
        return None
    return read_answer(kept["version"], kept["result"], failed=TriggerFailed)


def ask(ctx) -> Overrides | None:
    config = trigger_config(ctx.issuer)
    source = TRIGGER_SOURCES.get(ctx.grant_type)
    if config is None or source is None or (ctx.user is None and config.version != "V3_0"):
        return None
    event, result = build_event(ctx, config.version, source), None
    target = config.url or f"handler {config.handler}"
    try:
        scenario = injected_failure(ctx.issuer, "pre_token_generation", ctx)
        if scenario is not None:
            raise scenario_failure(scenario)
        result = invoke(config, event)
        overrides_ = read_answer(config.version, result, failed=TriggerFailed)
    except TriggerFailed as failure:
        record_call("pre_token_generation", target, event, result, f"{failure.type}: {failure.message}")
        raise
    record_call("pre_token_generation", target, event, result, "applied")
    ctx.extra[ANSWER] = {"version": config.version, "result": result}
    return overrides_


def scenario_failure(scenario) -> TriggerFailed:
    """An armed scenario instead of the trigger: its error (a Cognito exception name) and
    description, or, with a status only, the Invoke API answering that status."""
    if scenario.error:
        return TriggerFailed(scenario.error, scenario.error_description
                             or f"{TRIGGER} failed with error Failure injected by a mock_idp scenario.")
    return TriggerFailed("UnexpectedLambdaException", f"{TRIGGER} invocation failed due to error HTTP {scenario.status}.")


def build_event(ctx, version: str, source: str) -> dict[str, Any]:
    flavor, user = ctx.flavor, ctx.user
    request: dict[str, Any] = {}
    if user is not None:
        attributes = {"sub": ctx.subject, **flavor.attributes(user)}
        request["userAttributes"] = {"cognito:user_status": "CONFIRMED",
                                     **{name: attribute_text(value) for name, value in attributes.items()}}
        request["groupConfiguration"] = {"groupsToOverride": list(user.claims.get("groups") or []),
                                         "iamRolesToOverride": [], "preferredRole": None}
    else:
        request["userAttributes"] = {}
    if version != "V1_0":
        request["scopes"] = list(ctx.scopes)
    if "client_metadata" in ctx.extra:  # only (Admin)RespondToAuthChallenge passes its ClientMetadata
        request["clientMetadata"] = dict(ctx.extra["client_metadata"])
    response_key = "claimsOverrideDetails" if version == "V1_0" else "claimsAndScopeOverrideDetails"
    return {
        "version": EVENT_VERSIONS[version],
        "triggerSource": source,
        "region": region(ctx.issuer),
        "userPoolId": pool_id(ctx.issuer),
        "userName": user.username if user is not None else None,
        "callerContext": {"awsSdkVersion": NO_SDK, "clientId": ctx.client.client_id},
        "request": request,
        "response": {response_key: None},
    }


def invoke(config, event: dict) -> Any:
    """The Lambda's result, or TriggerFailed worded as Cognito words each failure."""
    try:
        if config.handler:
            return json.loads(json.dumps(call_handler(config.handler, (event, LambdaContext(config.handler)), TIMEOUT)))
        answer = call_url(config.url, event, {"Content-Type": "application/json"}, TIMEOUT)
    except HandlerFailed as failure:
        raise TriggerFailed("UserLambdaValidationException", f"{TRIGGER} failed with error {failure}.") from None
    except (TypeError, ValueError):  # the handler returned something that is no JSON
        raise TriggerFailed("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON") from None
    except HookError as error:
        cause = "Socket timeout while invoking Lambda function" if error.kind == "timeout" else error.detail
        raise TriggerFailed("UnexpectedLambdaException", f"{TRIGGER} invocation failed due to error {cause}.") from None
    if not 200 <= answer.status < 300:
        # The Invoke API refused (no such function, throttled, ...): its error type names why.
        cause = answer.headers.get("x-amzn-errortype", "").partition(":")[0] or f"HTTP {answer.status}"
        raise TriggerFailed("UnexpectedLambdaException", f"{TRIGGER} invocation failed due to error {cause}.")
    try:
        result = answer.json()
    except ValueError:
        raise TriggerFailed("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON") from None
    if answer.headers.get("x-amz-function-error"):
        # Invoke API: the function raised; its payload is {errorMessage, errorType, ...}.
        message = result.get("errorMessage") if isinstance(result, dict) else None
        raise TriggerFailed("UserLambdaValidationException", f"{TRIGGER} failed with error {message}.")
    return result


class LambdaContext:
    """What a Python Lambda handler reads of its context object."""

    def __init__(self, handler: str):
        self.function_name = handler.replace(":", ".")
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:000000000000:function:{self.function_name}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "mock_idp"

    def get_remaining_time_in_millis(self) -> int:
        return int(TIMEOUT * 1000)


def attribute_text(value) -> str:
    """User attributes travel as strings: booleans as "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def region(issuer) -> str:
    """The seed's `region`, else the pool id's prefix (`eu-west-1_AbC123`), else us-east-1."""
    if issuer.config.region:
        return issuer.config.region
    prefix, underscore, _ = pool_id(issuer).partition("_")
    return prefix if underscore and prefix else REGION


def pool_id(issuer) -> str:
    """The pool id is the issuer URL's last segment (`.../us-east-1_AbC123`); a mock tenant's name
    stands for it otherwise."""
    last = issuer.issuer.rstrip("/").rpartition("/")[2]
    return last or issuer.name
