"""The token page's own sign-in: start (state, nonce, PKCE) -> the real authorization endpoint
and login page -> the built-in callback, which redeems a code at the real token endpoint.

Every client of a tenant may use the callback `<tenant>/_ui/callback` without listing it
(oauth.clients.BUILTIN_CALLBACK_PATH); every other redirect URI is still checked exactly.
"""

import base64
import hashlib
import json
import secrets
from functools import partial
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from ..endpoints.http import html_page, read_params
from ..oauth.clients import BUILTIN_CALLBACK_PATH
from ..personas.cors import origin_of
from ..web.off_loop import off_loop
from .links import default_scope, start_url
from .tokens import token_views
from ..web import json_body

FLOW_COOKIE = "mock_idp_flow_"  # + state: one cookie per sign-in under way, read by the callback


def callback_url(tenant) -> str:
    return tenant.url + BUILTIN_CALLBACK_PATH


def issuer_named(tenant, key: str | None):
    return next((issuer for issuer in tenant.issuers if issuer.key == key), tenant.issuers[-1])


def start(tenant):
    """GET <tenant>/_ui/start?issuer&client_id&response_type[&scope&login_hint&audience&prompt]:
    a fresh state, nonce and PKCE verifier, kept in a cookie for the callback, then the real
    authorization request."""

    async def start_sign_in(request: Request) -> Response:
        query = dict(request.query_params)
        if query.get("app", "").count("|") == 2:  # the token form's one select: issuer|client|flow
            query["issuer"], query["client_id"], query["response_type"] = query["app"].split("|")
        issuer = issuer_named(tenant, query.get("issuer"))
        client = tenant.find_client(query.get("client_id", ""))
        if client is None:
            return html_page(request, "error.html", status=400, error="invalid_client",
                             description=f"There is no client '{query.get('client_id', '')}' on this tenant.")
        response_type = query.get("response_type") or "code"
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        verifier = secrets.token_urlsafe(48)  # RFC 7636 §4.1: 43 to 128 characters
        params = {"client_id": client.client_id, "response_type": response_type,
                  "redirect_uri": callback_url(tenant), "state": state, "nonce": nonce,
                  "scope": query.get("scope") or default_scope(issuer, client, response_type)}
        if "code" in response_type.split():
            # RFC 7636 §4.2: S256 challenge of a fresh verifier, kept for the callback.
            digest = hashlib.sha256(verifier.encode()).digest()
            params |= {"code_challenge": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
                       "code_challenge_method": "S256"}
        for name in ("login_hint", "audience", "prompt"):
            if query.get(name):
                params[name] = query[name]
        pending = {"issuer": issuer.key, "client_id": client.client_id, "nonce": nonce,
                   "verifier": verifier, "response_type": response_type}
        url = issuer.endpoint_url("authorization_endpoint") + "?" + urlencode(params)
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(FLOW_COOKIE + state, json.dumps(pending), max_age=600,
                            path=tenant.route_prefix + "/_ui", httponly=True, samesite="lax")
        return response
    return start_sign_in


def callback(tenant):
    """GET (query) or POST <tenant>/_ui/callback: show what the client received. Tokens in a
    fragment never reach a server: a GET without a query is a page whose script posts the
    fragment back here (static/mock_idp.js), as a single-page app would read it."""

    async def builtin_callback(request: Request) -> Response:
        params = dict(await read_params(request))
        if request.method == "GET" and not params:
            return html_page(request, "relay.html", tenant=tenant)
        state = params.get("state", "")
        pending = pending_flow(request, state)
        if "error" in params:
            return await showing(request, tenant, pending, params, error=params)
        if pending is None:
            # Not started from the token page (a hand-made URL): show it, unchecked.
            return await showing(request, tenant, None, params, note="state was not started here: not checked")
        tokens = {k: params[k] for k in ("id_token", "access_token", "refresh_token") if params.get(k)}
        error = None
        if params.get("code"):
            answer = await redeem(request, tenant, pending, params["code"])
            if "error" in answer:
                error = answer
            tokens |= {k: v for k, v in answer.items() if k in ("id_token", "access_token", "refresh_token")}
            params |= {k: v for k, v in answer.items() if k in ("expires_in", "scope", "token_type")}
        response = await showing(request, tenant, pending, params, tokens=tokens, error=error)
        response.delete_cookie(FLOW_COOKIE + state, path=tenant.route_prefix + "/_ui")
        return response
    return builtin_callback


def pending_flow(request: Request, state: str) -> dict | None:
    """What /start kept for this state, or None (none, or a cookie that is not ours)."""
    raw = request.cookies.get(FLOW_COOKIE + state) if state else None
    try:
        pending = json_body.loads(raw) if raw else None
    except ValueError:
        return None
    keys = {"issuer", "client_id", "nonce", "verifier", "response_type"}
    if not isinstance(pending, dict) or not keys <= pending.keys() or \
            not all(isinstance(pending[k], str) for k in keys):
        return None
    return pending


async def redeem(request: Request, tenant, pending: dict, code: str) -> dict:
    """POST the code to the tenant's real token endpoint, through the whole app (no network)."""
    issuer = issuer_named(tenant, pending["issuer"])
    client = await off_loop(tenant.find_client, pending["client_id"], needed=False, store=tenant.store)
    if client is None:
        return {"error": "invalid_client", "error_description": "The client was removed meanwhile."}
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": callback_url(tenant),
            "code_verifier": pending["verifier"], "client_id": client.client_id}
    auth = None
    if client.token_endpoint_auth_method == "client_secret_basic":
        auth = (client.client_id, client.client_secret)
    elif client.token_endpoint_auth_method == "client_secret_post":
        form["client_secret"] = client.client_secret
    # A code only a browser may redeem (Entra's single-page apps) is sent as this page's script
    # would send it: with the page's Origin (Fetch §3.2.5), the tenant's own.
    headers = {"Origin": origin_of(callback_url(tenant))} if issuer.flavor.redeemed_from_browser(client) else {}
    import httpx  # here: the first sign-in on this page pays for it, not every start-up (~160 ms)

    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport) as http:
        answer = await http.post(issuer.endpoint_url("token_endpoint"), data=form, auth=auth, headers=headers)
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if answer.status_code != 200 and "error" not in body:
        body = {"error": "server_error", "error_description": f"The token endpoint answered {answer.status_code}."}
    return body


async def showing(request: Request, tenant, *args, **kwargs) -> Response:
    """show(), off the event loop on a database server (it reads the client and the keys)."""
    return await off_loop(partial(show, request, tenant, *args, **kwargs), needed=False, store=tenant.store)


def show(request: Request, tenant, pending, params: dict, tokens: dict | None = None,
         error: dict | None = None, note: str | None = None) -> Response:
    issuer = issuer_named(tenant, pending["issuer"]) if pending else None
    client = tenant.find_client(pending["client_id"]) if pending else None
    again = None
    if pending:
        again = start_url(tenant, issuer, pending["client_id"], pending["response_type"], prompt="login")
    tokens = tokens or {k: params[k] for k in ("id_token", "access_token", "refresh_token") if params.get(k)}
    views = token_views(tenant, tokens, pending["nonce"] if pending else None)
    return html_page(request, "tokens.html", status=400 if error else 200, tenant=tenant, issuer=issuer,
                     client=client, tokens=views, error=error, note=note, code=params.get("code"),
                     scope=params.get("scope"), expires_in=params.get("expires_in"),
                     again=again, token_page=f"{tenant.url}/_ui/token")
