"""The home page (every tenant), a tenant's page, and its "Get a token" form."""

from fastapi import Request
from fastapi.responses import Response

from ..endpoints.http import html_page
from ..endpoints.sso import session_user
from ..personas.vendor_api import page_sections
from ..web.off_loop import off_loop
from .links import browser_flows, default_scope, sign_in_links


def summary(tenant) -> dict:
    """What the pages show of a tenant: issuers, clients with their sign-in links, users."""
    links = sign_in_links(tenant)
    return {
        "tenant": tenant,
        "issuers": [{"issuer": i.issuer, "name": i.layout.name or i.key,
                     "discovery": i.issuer.rstrip("/") + "/.well-known/openid-configuration",
                     "jwks_uri": i.discovery.get("jwks_uri")} for i in tenant.issuers],
        "clients": [{"config": c, "links": links.get(c.client_id, [])} for c in tenant.clients.values()],
        "users": list(tenant.users.values()),
        "sections": page_sections(tenant),  # the persona's vendor APIs (Okta's SAML apps, ...)
        "page": f"{tenant.url}/_ui",
        "token_page": f"{tenant.url}/_ui/token",
    }


async def home_page(request: Request) -> Response:
    # The tenants' clients are read: off the event loop on a database server (web/off_loop.py).
    return await off_loop(home, request, needed=False, store=request.app.state.store)


def home(request: Request) -> Response:
    tenants = [summary(tenant) for tenant in request.app.state.tenants]
    return html_page(request, "home.html", tenants=tenants,
                     base_url=request.app.state.settings.public_base_url)


def sdk_lines(tenant) -> list[str]:
    issuer = tenant.issuers[-1]  # Okta: the custom server, the one apps use
    client = next((c for c in tenant.clients.values() if browser_flows(c)), None)
    audience = next((api.identifier for api in tenant.config.apis), issuer.layout.audience or "")
    values = {"issuer": issuer.issuer, "client_id": client.client_id if client else "<client id>",
              "jwks_uri": issuer.discovery.get("jwks_uri", ""), "audience": audience}
    return [line.format(**values) for line in tenant.flavor.sdk_settings]


def tenant_page(tenant):
    async def page(request: Request) -> Response:
        return html_page(request, "tenant.html", t=summary(tenant), sdk=sdk_lines(tenant),
                         signed_in=session_user(request, tenant))
    return page


def token_form(tenant):
    """GET <tenant>/_ui/token: pick the user, client, flow, scopes (and audience) to sign in with."""

    async def page(request: Request) -> Response:
        choices = [(issuer, client, response_type)
                   for client in tenant.clients.values() for issuer in tenant.issuers
                   for response_type in browser_flows(client)]
        issuer, client, response_type = choices[0] if choices else (tenant.issuers[-1], None, "code")
        return html_page(request, "token_form.html", t=summary(tenant), choices=choices,
                         scope=default_scope(issuer, client, response_type) if client else "openid",
                         apis=[api.identifier for api in tenant.config.apis],
                         signed_in=session_user(request, tenant))
    return page
