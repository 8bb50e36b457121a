"""Auth0's organization prompt (Universal Login's "organization-selection" screen, at /u/organization):
an application that requires an organization and was sent no `organization=` asks the person for
their organization's name, before the login page (`pre_login_prompt`) or after it
(`post_login_prompt`); the answer goes back to the authorization endpoint as `organization=<org
id>`, where every check of organizations.py applies. Facts: docs/vendors.md, "Auth0 Organizations".

A GET form: the page holds no secret and does nothing but send the browser back to /authorize with
one parameter more, so there is nothing for another site to forge.
"""

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.routing import Route

from ...endpoints.http import browser_url, html_page
from ...oauth.authorize import authorization_parameters
from .organization_records import by_name, org_id

PATH = "/u/organization"
ANSWER = "organization_name"  # the page's field (the authorization request's own are carried over)
ENDPOINTS = ()
WATCHED: dict = {}
UNKNOWN = "We could not find an organization named “{name}”. Check the name and try again."


def prompt_url(issuer, data: dict[str, str]) -> str:
    """Where /authorize sends the person: the prompt, carrying the authorization request."""
    asked = [(name, value) for name, value in authorization_parameters(issuer.flavor, list(data.items()))
             if name != "organization"]
    return issuer.url + PATH + "?" + urlencode(asked)


def routes(tenant) -> list[Route]:
    async def organization_prompt(request: Request):
        issuer = tenant.issuers[0]
        asked = [(name, value) for name, value in authorization_parameters(issuer.flavor,
                                                                          request.query_params.multi_items())
                 if name != "organization"]
        answer = request.query_params.get(ANSWER, "").strip()
        found = by_name(tenant, answer) if answer else None
        if found is not None:
            target = issuer.endpoint_url("authorization_endpoint")
            location = target + "?" + urlencode([*asked, ("organization", org_id(tenant, found))])
            return RedirectResponse(browser_url(request, location), status_code=302)
        return html_page(request, "organization_prompt.html", status=400 if answer else 200,
                         persona=tenant.display_name, tenant=tenant.name, params=asked, field=ANSWER,
                         action=browser_url(request, tenant.url + PATH), answer=answer[:100],
                         error=UNKNOWN.format(name=answer[:100]) if answer else None)
    return [Route(PATH, organization_prompt, methods=["GET"])]
