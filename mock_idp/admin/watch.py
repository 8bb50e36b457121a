"""What the admin API can see and change of protocol requests, in one ASGI middleware (installed
only with the admin API on, so a plain server pays nothing):

- scenarios: the next N matching requests fail with a chosen OAuth error or HTTP status, or are
  answered late (a scenario fires exactly N times: each firing is an atomic decrement in the store);
- the audit trail: the last requests each endpoint saw, secrets masked, with their outcome
  (kept in the store by trail.AuditTrail, shared by every replica).

The protocol endpoints are watched by their paths; a persona's vendor APIs (Okta authn, Auth0
dbconnections, Cognito's JSON API) by what their modules declare (vendor_api.VendorCall), and
fail in the vendor's error shape.
"""

import asyncio
import json
import time
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..hooks import watching_calls
from ..web.off_loop import LastKnown, off_loop
from ..web.endpoint_map import endpoint_table
from ..endpoints.http import render
from ..oauth.authorize import may_post_to
from ..oauth.responses import authorization_response, default_response_mode
from ..oauth.tokens import token_hash
from ..web.request_log import basic_client_id
from ..personas.vendor_api import VendorCall, watched_calls
from ..web import json_body

# Short endpoint names (the admin API's) -> flavors.base.EndpointPaths fields.
ENDPOINTS = {"authorize": "authorization_endpoint", "token": "token_endpoint", "userinfo": "userinfo_endpoint",
             "jwks": "jwks_uri", "introspect": "introspection_endpoint", "revoke": "revocation_endpoint",
             "logout": "end_session_endpoint", "device_authorization": "device_authorization_endpoint",
             "login": "login"}  # the login form's POST: matches a user at sign-in
FRONT_CHANNEL = ("authorize", "login")  # their errors go back to the client's redirect URI
VENDOR_SHAPED = ("token", "device_authorization")  # answered in the persona's shape (endpoints/token.py)
SECRET_PARAMS = {"password", "client_secret", "refresh_token", "token", "code", "code_verifier", "device_code",
                 "client_assertion", "assertion", "id_token_hint", "sessionToken", "access_token",
                 "new_password", "confirm_password", "change_token"}  # the login's password change step
MASK = "***"
BODY_LIMIT = 64 * 1024  # bodies read for matching and the trail; protocol bodies are far smaller
# Where each endpoint takes the token (besides a bearer header) whose user a scenario may name.
TOKEN_PARAMS = {"userinfo": "access_token", "introspect": "token", "revoke": "token", "token": "refresh_token"}
ERROR_STATUS = {"invalid_client": 401, "server_error": 500, "temporarily_unavailable": 503}


def endpoint_map(tenants) -> dict[str, tuple]:
    """Full request path -> (tenant, short endpoint name): the request log's table, renamed."""
    short = {field: name for name, field in ENDPOINTS.items()} | {"discovery": "discovery"}
    return {path: (found.tenant, short[found.name]) for path, found in endpoint_table(tenants).items()}


class Seen:
    """One protocol request as the admin API shows it."""

    def __init__(self, scope, endpoint: str, body: bytes, call: VendorCall | None = None):
        self.endpoint = endpoint
        # A nested JSON member is masked by its own name; a vendor call names its own secrets.
        self.secrets = SECRET_PARAMS | call.secrets if call else SECRET_PARAMS
        self.method = scope["method"]
        self.path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.headers = headers  # the persona's error shape may quote one (Entra: client-request-id)
        params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if body and content_type == "application/x-www-form-urlencoded":
            params += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        elif body and (content_type == "application/json" or content_type.startswith("application/x-amz-json")):
            try:
                data = json_body.loads(body)
            except ValueError:
                data = None
            if isinstance(data, dict):
                params += flattened(data)
        self.params = params
        found = dict(params)
        self.client_id, self.client_auth = found.get(call.client_param if call else "client_id"), None
        if call is not None and call.client_id is not None:
            self.client_id = call.client_id
        basic_id = basic_client_id(headers.get("authorization", ""))
        if basic_id is not None:
            self.client_id, self.client_auth = basic_id, "client_secret_basic"
        elif "client_secret" in found:
            self.client_auth = "client_secret_post"
        elif self.endpoint in ("token", "introspect", "revoke") and self.client_id:
            self.client_auth = "none"
        self.username = found.get(call.username_param if call else "username")
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        self.bearer = scheme.lower() == "bearer"
        # The token whose user a scenario naming a user matches (never recorded: it is a secret).
        token_param = call.token_param if call else TOKEN_PARAMS.get(endpoint)
        self._token = credentials.strip() if self.bearer else found.get(token_param or "")
        self._user_looked_up = self.username is not None
        self.at = time.time()

    def user(self, tenant) -> str | None:
        """The user the request names, or else the user of the token it presents: one lookup in
        the store, made only when an armed scenario names a user."""
        if not self._user_looked_up:
            self._user_looked_up = True
            self.username = token_user(tenant, self._token) if self._token else None
        return self.username

    def record(self, status: int, error: str | None, extra: dict | None = None) -> dict:
        return {"at": round(self.at, 3), "endpoint": self.endpoint, "method": self.method, "path": self.path,
                "params": [[k, MASK if k.rpartition(".")[2] in self.secrets else v] for k, v in self.params],
                "client_id": self.client_id, "client_auth": self.client_auth, "username": self.username,
                "bearer_token": self.bearer, "status": status, "error": error, **(extra or {})}


def flattened(data: dict, prefix: str = "") -> list[tuple[str, str]]:
    """A JSON object's members as parameters; a nested object's as "outer.inner" (Cognito's
    AuthParameters.USERNAME), so each is matched and masked by its own name."""
    params = []
    for key, value in data.items():
        name = prefix + str(key)
        if isinstance(value, dict) and value:
            params += flattened(value, name + ".")
        else:
            params.append((name, value if isinstance(value, str) else json.dumps(value)))
    return params


class Watch:
    """ASGI middleware: scenarios first, then the endpoint; the outcome goes to the trail."""

    def __init__(self, app, tenants, trail, last_known: LastKnown | None = None):
        self.app, self.last_known = app, last_known
        self.paths = endpoint_map(tenants)
        self.vendor_paths = {path: (tenant, call_of) for tenant in tenants
                             for path, call_of in watched_calls(tenant).items()}
        self.trail = trail

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else None
        found, call = self.paths.get(path), None
        if found is None and path in self.vendor_paths:
            tenant, call_of = self.vendor_paths[path]
            call = call_of({k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]})
            found = (tenant, call.endpoint) if call is not None else None
        if found is None:
            return await self.app(scope, receive, send)
        tenant, endpoint = found
        body, receive = await buffered(receive)
        seen = Seen(scope, endpoint, body, call)
        outcome = {"status": 500, "error": None, "body": b"", "json": False, "location": ""}

        async def watched_send(message):
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.get("headers", [])}
                outcome["json"] = "json" in headers.get("content-type", "")
                outcome["location"] = headers.get("location", "")
            elif message["type"] == "http.response.body" and outcome["json"] and len(outcome["body"]) < 4096:
                outcome["body"] += message.get("body", b"")
            elif message["type"] == "http.response.body" and call and call.response_decoded \
                    and len(outcome["body"]) < BODY_LIMIT:
                outcome["body"] += message.get("body", b"")  # for the trail (a SAML Response's form)
            await send(message)

        calls = watching_calls()  # the token hooks this request calls, for the trail too
        try:
            # The armed list is cached per version on the state row the request reads anyway: on
            # a SQLite file on the loop, as the endpoints read it, and a worker thread only when
            # there is one to fire; on a database server off the loop (web/off_loop.py).
            scenario = None
            if tenant.store.wait is not None or tenant.armed_scenarios():
                scenario = await firing(tenant, seen, self.last_known)
            if scenario is not None and scenario.delay_ms:
                await asyncio.sleep(scenario.delay_ms / 1000)
            if scenario is not None and (scenario.error or scenario.status):
                failure = (call.failure(scenario.error, scenario.error_description, scenario.status) if call
                           else await off_loop(failure_response, tenant, seen, scenario, needed=False,
                                               store=tenant.store))  # it may read the client
                await failure(scope, receive, watched_send)
            else:
                await self.app(scope, receive, watched_send)
        finally:
            error = error_of(outcome, call.error_key if call else "error")
            record = seen.record(outcome["status"], error, decoded(call, seen, outcome))
            self.trail.add(tenant.name, endpoint, seen.at, record)
            for hook_call in calls:
                self.trail.add(tenant.name, hook_call["hook"], hook_call["at"], hook_call)


def decoded(call: VendorCall | None, seen: Seen, outcome: dict) -> dict:
    """What a vendor call shows besides its parameters (vendor_api.VendorCall); never an error."""
    extra = {}
    try:
        if call is not None and call.decoded is not None:
            extra |= call.decoded(seen.params)
        if call is not None and call.response_decoded is not None and outcome["body"]:
            extra |= call.response_decoded(outcome["body"])
    except Exception:  # noqa: BLE001 (a trail entry without it, not a failed request)
        return extra
    return extra


async def buffered(receive):
    """The request body (up to BODY_LIMIT), and a receive that replays it to the endpoint."""
    chunks, more, size = [], True, 0
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return b"", receive  # disconnected: let the endpoint see it
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
        if size > BODY_LIMIT:
            break
    body, replayed = b"".join(chunks), False

    async def replay():
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()
    return (body if size <= BODY_LIMIT else b""), replay


def error_of(outcome: dict, key: str = "error") -> str | None:
    if outcome["json"]:
        try:
            data = json.loads(outcome["body"])
        except ValueError:
            return None
        return data.get(key) if isinstance(data, dict) else None
    if "error=" in outcome["location"]:
        query = outcome["location"].replace("#", "?", 1).partition("?")[2]
        return dict(parse_qsl(query)).get("error")
    return None


async def firing(tenant, seen: Seen, last_known: LastKnown | None):
    """fire_scenario in a worker thread. On a database server a document (discovery, JWKS: served
    while the database does not answer, web/off_loop.LastKnown) reads the armed list as it reads
    itself, the last one read at once while the database does not answer; none armed, none fires."""
    if last_known is not None and seen.endpoint in DOCUMENTS:
        if not await last_known.body(("armed", tenant.name), tenant.armed_scenarios):
            return None
    return await off_loop(fire_scenario, tenant, seen, needed=tenant.store.wait is None, store=tenant.store)


DOCUMENTS = frozenset({"discovery", "jwks"})  # endpoint_map's names


def fire_scenario(tenant, seen: Seen):
    """The first armed scenario matching the request that still had a firing left, if any."""
    for scenario in tenant.armed_scenarios():
        if scenario.kind == "request" and matches(scenario, seen.endpoint, seen.client_id) \
                and (scenario.username is None or scenario.username == seen.user(tenant)):
            if tenant.store.fire_scenario(scenario.id):
                return scenario
    return None


def matches(scenario, endpoint: str | None, client_id: str | None) -> bool:
    return ((scenario.endpoint is None or scenario.endpoint == endpoint)
            and (scenario.client_id is None or scenario.client_id == client_id))


def token_user(tenant, token: str) -> str | None:
    """Whose token this is: an access token (by its hash) or a refresh token of the tenant."""
    row = tenant.store.find_access_token(token_hash(token)) or tenant.store.find_refresh_token(token)
    if row is None or row.issuer not in {issuer.key for issuer in tenant.issuers}:
        return None
    return row.username


def failure_response(tenant, seen: Seen, scenario):
    """The injected failure, as an ASGI app: the vendor's error response for this endpoint."""
    error = scenario.error or ("server_error" if (scenario.status or 500) >= 500 else "invalid_request")
    description = scenario.error_description or "Failure injected by a mock_idp scenario."
    status = scenario.status or ERROR_STATUS.get(error, 400)
    params = dict(seen.params)
    client = tenant.find_client(seen.client_id or "") if seen.endpoint in FRONT_CHANNEL else None
    redirect_uri = params.get("redirect_uri") or (client.redirect_uris[0] if client and len(client.redirect_uris) == 1 else None)
    if client is not None and redirect_uri in client.redirect_uris and not scenario.status:
        # RFC 6749 §4.1.2.1: an authorization error goes back to the client's registered URI
        # (in the query for form_post), or in the message of a post-message mode (a silent renew's
        # hidden iframe), to an origin the client allows only.
        mode = params.get("response_mode") or default_response_mode(params.get("response_type"))
        fields = tenant.flavor.authorization_error_body([("error", error), ("error_description", description)], params)
        if mode in tenant.flavor.post_message_modes and may_post_to(tenant.flavor, client, redirect_uri):
            answer = authorization_response(redirect_uri, fields, mode, params.get("state"), tenant.flavor.post_message)
            return lambda scope, receive, send: render(Request(scope), *answer)(scope, receive, send)
        code, body, headers = authorization_response(redirect_uri, fields, mode if mode == "fragment" else "query",
                                                     params.get("state"))
        return Response(status_code=code, headers=dict(headers))
    headers = {"Cache-Control": "no-store"}
    if seen.endpoint == "userinfo" or error == "invalid_token":
        headers["WWW-Authenticate"] = f'Bearer error="{error}", error_description="{description}"'
    body = {"error": error, "error_description": description}
    if seen.endpoint in VENDOR_SHAPED:  # as the endpoint's own errors: the vendor's shape (Entra's AADSTS members)
        status, body = tenant.flavor.token_endpoint_response(status, body, seen.headers)
    return JSONResponse(body, status_code=status, headers=headers)

