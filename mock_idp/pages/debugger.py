"""Token debugger: paste a JWT -> header, claims, signature against this server's JWKS (or the
issuer's own, fetched), time left, and the AppSync / Cognito / Okta-verifier rules of mock_idp.aws.

Fetching another issuer is a server-side request on behalf of whoever posts the form, so the
form is accepted only from this page (a CSRF token, the browser's Origin / Sec-Fetch-Site, and a
Host that is one of our names),
and the fetch is bounded (aws/provider.py: async, one deadline, a size cap, http(s) only).
"""

import hmac
import re
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from ..aws import AppSyncConfig, Provider, check_appsync, check_cognito_idp
from ..aws.consumers import setup_rules
from ..aws.provider import fetch_provider_async
from ..aws.verdict import passed
from ..endpoints.http import html_page, read_params
from ..web.off_loop import off_loop
from ..web.same_origin import foreign_host, from_own_page
from .tokens import decode

MAX_TOKEN = 16_384  # a JWT bigger than this is not one a browser or AWS would send
CSRF_FIELD = "csrf_token"
NOT_OURS = "This form was not sent from this page: open the debugger and submit it again."


def own_provider(tenants, iss: str) -> Provider | None:
    """This server's issuer `iss`, as a consumer would fetch it, without a request to ourselves."""
    for tenant in tenants:
        for issuer in tenant.issuers:
            if issuer.issuer == iss:
                return Provider(iss, issuer.discovery, tenant.keys.jwks,
                                [passed("discovery", "this server's own discovery document"),
                                 passed("jwks", "this server's own JWKS")])
    return None


def verdicts(token: str, iss: str, client_id: str | None, provider: Provider) -> list[dict]:
    aud_pattern = re.escape(client_id) if client_id else None
    sections = [
        ("AppSync (OPENID_CONNECT)", check_appsync(token, AppSyncConfig(iss, client_id=aud_pattern),
                                                   provider=provider).rules),
        ("Cognito user pool, OIDC identity provider", check_cognito_idp(token, iss, client_id,
                                                                        provider=provider).rules),
        ("@okta/jwt-verifier (issuer set-up)", setup_rules("okta-jwt-verifier", iss, provider)),
        ("aws-jwt-verify (issuer set-up)", setup_rules("aws-jwt-verify", iss, provider)),
    ]
    return [{"name": name, "rules": rules, "ok": all(rule.ok for rule in rules)} for name, rules in sections]


def csrf_cookie(request: Request) -> str:
    # Cookies are per host, not per port: the public base's port keeps two servers on one host
    # apart (as the sign-in cookies' names do), whichever address the request came in at.
    return f"mock_idp_debugger_csrf_{urlsplit(request.app.state.base_urls.public).port or 0}"


async def debugger_page(request: Request) -> Response:
    known = request.cookies.get(csrf_cookie(request), "")
    csrf = known or secrets.token_urlsafe(24)
    form = dict(await read_params(request)) if request.method == "POST" else {}
    context = {"token": form.get("token", "").strip()[:MAX_TOKEN], "issuer": form.get("issuer", "").strip(),
               "client_id": form.get("client_id", "").strip(), "view": None, "sections": [], "error": None,
               "csrf_token": csrf}
    status = 200
    # At a name re-pointed at us (DNS rebinding) the page, its cookie and its Origin are the
    # attacker's own: only the Host header tells, so a foreign one fetches nothing either.
    own_form = from_own_page(request) and foreign_host(request) is None and known and hmac.compare_digest(
        known.encode(), form.get(CSRF_FIELD, "").encode())
    if request.method == "POST" and not own_form:
        context.update(token="", error=NOT_OURS)
        status = 403
    elif context["token"]:
        await check(request, context)
    response = html_page(request, "debugger.html", status=status, **context)
    # Under the pages' no-referrer policy a browser sends `Origin: null` even for our own form
    # (Fetch §3.2.5, "serializing a request origin"); same-origin lets it name us, and only us.
    response.headers["Referrer-Policy"] = "same-origin"
    if not known:
        response.set_cookie(csrf_cookie(request), csrf, path="/_ui/debugger", httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    return response


async def check(request: Request, context: dict) -> None:
    """Decode the token, find its issuer's keys (ours, or fetched), and apply every consumer's rules."""
    view = context["view"] = decode(context["token"])
    if not view.is_jwt:
        context["error"] = "This is not a JWT (three base64url parts separated by dots)."
        return
    iss = context["issuer"] or str(view.claims.get("iss", ""))
    # Our own tenants' keys are read from the store: off the event loop on a database server.
    store = request.app.state.store
    provider = await off_loop(own_provider, request.app.state.tenants, iss, needed=False, store=store)
    if provider is None and iss.startswith(("https://", "http://")):
        provider = await fetch_provider_async(iss)  # another issuer: its own discovery and JWKS
    if provider is None:
        context["error"] = "The token names no http(s) issuer (iss) to check it against."
        return
    if not provider.ok:
        context["error"] = "Could not fetch the issuer's keys: " + "; ".join(
            rule.reason for rule in provider.rules if not rule.ok)
    context["provider"] = provider
    context["sections"] = await off_loop(verdicts, context["token"], iss, context["client_id"] or None, provider,
                                         needed=False, store=store)
    signature = next((r for r in context["sections"][0]["rules"] if r.name == "signature"), None)
    if signature is not None:
        view.signature, view.signature_ok = signature.reason, signature.ok
