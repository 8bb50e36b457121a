"""Token debugger: paste a JWT -> header, claims, signature against this server's JWKS (or the
issuer's own, fetched), time left, and the AppSync / Cognito / Okta-verifier rules of mock_idp.aws."""

import re

from fastapi import Request
from fastapi.responses import Response

from ..aws import AppSyncConfig, Provider, check_appsync, check_cognito_idp
from ..aws.consumers import aws_jwt_verify, okta_jwt_verifier
from ..aws.provider import fetch_provider
from ..aws.verdict import passed
from ..endpoints.http import html_page, read_params
from .tokens import decode

MAX_TOKEN = 16_384  # a JWT bigger than this is not one a browser or AWS would send


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
        ("@okta/jwt-verifier (issuer set-up)", okta_jwt_verifier(iss, provider)),
        ("aws-jwt-verify (issuer set-up)", aws_jwt_verify(iss, provider)),
    ]
    return [{"name": name, "rules": rules, "ok": all(rule.ok for rule in rules)} for name, rules in sections]


async def debugger_page(request: Request) -> Response:
    form = dict(await read_params(request)) if request.method == "POST" else {}
    token = form.get("token", "").strip()[:MAX_TOKEN]
    context = {"token": token, "issuer": form.get("issuer", "").strip(),
               "client_id": form.get("client_id", "").strip(), "view": None, "sections": [], "error": None}
    if token:
        view = decode(token)
        context["view"] = view
        if not view.is_jwt:
            context["error"] = "This is not a JWT (three base64url parts separated by dots)."
        else:
            iss = context["issuer"] or str(view.claims.get("iss", ""))
            provider = own_provider(request.app.state.tenants, iss)
            if provider is None and iss.startswith(("https://", "http://")):
                provider = fetch_provider(iss, timeout=5)  # another issuer: its own discovery and JWKS
            if provider is None:
                context["error"] = "The token names no issuer (iss) to check it against."
            else:
                context["provider"] = provider
                context["sections"] = verdicts(token, iss, context["client_id"] or None, provider)
                signature = next((r for r in context["sections"][0]["rules"] if r.name == "signature"), None)
                if signature is not None:
                    view.signature, view.signature_ok = signature.reason, signature.ok
    return html_page(request, "debugger.html", **context)
