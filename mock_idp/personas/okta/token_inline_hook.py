"""Okta's token inline hook on a custom authorization server: the request Okta POSTs
(`com.okta.oauth2.tokens.transform`) with the tokens it is about to mint, and the answer applied as
Okta applies it (docs/vendors.md, "Okta token inline hook"):

- `commands` `com.okta.identity.patch` / `com.okta.access.patch`: JSON Patch add/replace/remove on
  `/claims/...` and replace on `/token/lifetime/expiration` (300 to 86,400 s). One command Okta
  cannot perform (a reserved claim, a claim or member that is not there, a token not being issued)
  and none is applied: the tokens are issued as they were.
- `error`: no token; the requester gets `server_error` with the `errorSummary`.
- No answer within 3 s, a failure to connect, a status other than 200, a body that is not JSON:
  the hook is skipped and the tokens are issued unchanged.
"""

import copy
import secrets
from datetime import datetime, timezone
from typing import Any

import jsonpatch

from ...hooks import HookError, call_url, injected_failure, record_call
from ...oauth.errors import OAuthError
from .ids import okta_id

TIMEOUT = 3.0  # Okta waits 3 seconds for an inline hook
EVENT_TYPE = "com.okta.oauth2.tokens.transform"
COMMANDS = {"com.okta.identity.patch": "identity", "com.okta.access.patch": "access"}
DEFAULT_ERROR = "The callback service returned an error"
LIFETIME_PATH, LIFETIME_RANGE = "/token/lifetime/expiration", range(300, 86400 + 1)
BOTH_RESERVED = {"iss", "jti", "token_type", "ver", "iat", "exp"}
RESERVED = {
    "access": BOTH_RESERVED | {"acr", "amr", "as_uri", "cid", "groups", "rpt", "rsi", "uid", "username", "scp"},
    "identity": BOTH_RESERVED | {
        "sub", "aud", "active", "aid", "app_id", "app_type", "at_hash", "auth_time", "client_id", "client_ip",
        "client_req_id", "client_type", "client_user_agent", "cnf", "c_hash", "device_compliance", "device_id",
        "device_known", "device_managed", "device_name", "device_trust", "did", "dst", "group", "groups", "hotk",
        "idp", "idp_iss", "mac_key", "may_act", "nonce", "oid", "okta_emailVerified", "okta_lastUpdated", "orig",
        "permissions", "purpose", "pwd_exp_days", "pwd_exp_time", "rid", "role", "scope", "scopes", "sid", "term",
        "user_ip", "amr"},
}


def hook_config(issuer):
    """The token inline hook of a custom authorization server: run-time, else the seed's."""
    state, name = getattr(issuer, "hook_overrides", None), f"token_inline_hook:{issuer.layout.name}"
    if state is not None and name in state:
        return state[name]
    server = next((s for s in issuer.config.authorization_servers if s.id == issuer.layout.name), None)
    return server.token_inline_hook if server is not None else None


def patched(ctx, kind: str, claims: dict, identity_claims) -> dict:
    """The claims of this issuance's `kind` token ("access" or "identity") as the hook leaves them.
    The hook is asked once, with every token of the issuance: `identity_claims()` builds the ID
    token's when the access token comes first."""
    config = hook_config(ctx.issuer)
    if config is None:
        return claims
    if "token_inline_hook" not in ctx.extra:
        tokens = {kind: claims}
        if kind == "access" and ctx.user is not None and "openid" in ctx.scopes:
            tokens["identity"] = identity_claims()
        ctx.extra["token_inline_hook"] = ask(ctx, config, tokens)
    outcome = ctx.extra["token_inline_hook"].get(kind)
    if outcome is None:  # a token the hook was not told about
        return claims
    claims, lifetime = outcome
    if kind == "access":
        ctx.access_token_lifetime = lifetime
    claims["exp"] = claims["iat"] + lifetime
    return claims


def ask(ctx, config, tokens: dict[str, dict]) -> dict[str, tuple[dict, int]]:
    lifetimes = {"access": ctx.access_token_lifetime, "identity": ctx.flavor.lifetimes.id_token}
    unchanged = {kind: (claims, lifetimes[kind]) for kind, claims in tokens.items()}
    sent, body = request(ctx, tokens, lifetimes), None

    def outcome(what: str) -> None:
        record_call("token_inline_hook", config.url, sent, body, what, config.headers)

    scenario = injected_failure(ctx.issuer, "token_inline_hook", ctx)
    try:
        if scenario is not None:  # an armed scenario answers instead of the hook
            body = {"error": {"errorSummary": scenario.error_description}} if scenario.error else None
            status = 200 if scenario.error else scenario.status
        else:
            answer = call_url(config.url, sent, {"Content-Type": "application/json", "Accept": "application/json",
                                                 **config.headers}, TIMEOUT)
            status, body = answer.status, answer.json()
    except (HookError, ValueError) as error:
        outcome(f"skipped: {error}")  # no answer, or none Okta can read
        return unchanged
    if status != 200 or not isinstance(body, dict):
        outcome(f"skipped: HTTP {status}" if status != 200 else "skipped: not a JSON object")
        return unchanged
    if body.get("error") is not None:
        error = body["error"]
        summary = error.get("errorSummary") if isinstance(error, dict) else None
        denied = OAuthError(description=summary if isinstance(summary, str) and summary else DEFAULT_ERROR)
        denied.error = "server_error"
        outcome(f"denied: {denied.description}")
        raise denied
    applied = apply(body.get("commands"), tokens, lifetimes)
    outcome("applied" if applied else "skipped: a command Okta cannot perform")
    return applied or unchanged


def apply(commands, tokens: dict[str, dict], lifetimes: dict[str, int]) -> dict | None:
    """Every command applied, or None if one of them cannot be (then none is)."""
    documents = {kind: {"claims": copy.deepcopy(claims), "token": {"lifetime": {"expiration": lifetimes[kind]}}}
                 for kind, claims in tokens.items()}
    if commands is None:
        return None
    if not isinstance(commands, list):
        return None
    try:
        for command in commands:
            kind = COMMANDS.get(command.get("type")) if isinstance(command, dict) else None
            operations = command.get("value") if kind else None
            if kind not in documents or not isinstance(operations, list) or not all(
                    allowed(op, kind) for op in operations):
                return None
            # RFC 6902 as Okta applies it: add on an existing member replaces it; replace and
            # remove need the member to be there.
            documents[kind] = jsonpatch.apply_patch(documents[kind], [
                {k: v for k, v in op.items() if k in ("op", "path", "value")} for op in operations])
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError, KeyError, IndexError):
        return None
    return {kind: (doc["claims"], doc["token"]["lifetime"]["expiration"]) for kind, doc in documents.items()}


def allowed(op, kind: str) -> bool:
    if not isinstance(op, dict) or op.get("op") not in ("add", "replace", "remove") or not isinstance(op.get("path"), str):
        return False
    if op["op"] == "remove" and op.get("value") is not None:
        return False  # Okta: remove takes no value (or null)
    if op["path"] == LIFETIME_PATH:
        value = op.get("value")
        return op["op"] == "replace" and isinstance(value, int) and not isinstance(value, bool) and value in LIFETIME_RANGE
    if not op["path"].startswith("/claims/") or op["op"] != "remove" and "value" not in op:
        return False
    claim = op["path"].split("/")[2].replace("~1", "/").replace("~0", "~")
    return bool(claim) and claim not in RESERVED[kind]


def request(ctx, tokens: dict[str, dict], lifetimes: dict[str, int]) -> dict:
    issuer, client, user = ctx.issuer, ctx.client, ctx.user
    token_url = issuer.endpoint_url("token_endpoint")
    data: dict[str, Any] = {"context": {
        "request": {"id": "req" + secrets.token_urlsafe(16), "method": "POST", "url": {"value": token_url},
                    "ipAddress": "127.0.0.1"},
        "protocol": {"type": "OAUTH2.0",
                     "request": {"scope": " ".join(ctx.scopes), "client_id": client.client_id,
                                 "grant_type": ctx.grant_type},
                     "issuer": {"uri": issuer.issuer},
                     "client": {"id": client.client_id, "name": client.name or client.client_id,
                                "type": "PUBLIC" if client.is_public else "CONFIDENTIAL"}},
        "policy": {"id": "00p" + okta_suffix(issuer.key), "rule": {"id": "0pr" + okta_suffix(issuer.key + ":rule")}},
    }}
    if user is not None:
        user_id, login = ctx.subject, ctx.flavor.login(ctx)
        data["context"]["session"] = {"id": ctx.session_id or "102" + okta_suffix(user_id), "userId": user_id,
                                      "login": login, "status": "ACTIVE", "amr": ["PASSWORD"],
                                      "idp": {"id": "00o" + okta_suffix(issuer.name), "type": "OKTA"},
                                      "mfaActive": False}
        profile = {"login": login, "email": user.claims.get("email", login),
                   "firstName": user.claims.get("given_name"), "lastName": user.claims.get("family_name")}
        data["context"]["user"] = {"id": user_id, "profile": {k: v for k, v in profile.items() if v is not None}}
    if "identity" in tokens:
        data["identity"] = {"claims": tokens["identity"], "token": {"lifetime": {"expiration": lifetimes["identity"]}}}
    if "access" in tokens:
        data["access"] = {"claims": tokens["access"], "token": {"lifetime": {"expiration": lifetimes["access"]}},
                          "scopes": {scope: {"id": "scp" + okta_suffix(scope), "action": "GRANT"} for scope in ctx.scopes}}
    return {"source": token_url, "eventId": secrets.token_urlsafe(16),
            "eventTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "eventTypeVersion": "1.0", "cloudEventVersion": "0.1", "contentType": "application/json",
            "eventType": EVENT_TYPE, "data": data}


def okta_suffix(seed: str) -> str:
    """The 17 characters of an Okta object id after its prefix, stable for a seed."""
    return okta_id("", seed)
