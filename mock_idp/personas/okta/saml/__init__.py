"""Okta's SAML 2.0 apps: each of a tenant's `saml_apps` is an IdP of its own (entityID
http://www.okta.com/<app_id>) under Okta's URLs, signing with the tenant's key (docs/saml.md).

What does which part:
- apps.py: the app's URLs and identifiers.
- xml.py: the bindings decoded and the XML parsed safely (no DTD, entities or network).
- messages.py: incoming AuthnRequest/LogoutRequest checks (signature, age); errors.py: the page.
- response.py: the assertion from the user's claims, signed with signxml; certificate.py: the key's certificate.
- metadata.py: the IdP metadata; sign_on.py: SSO and the login page; logout.py: SLO.
- scenarios.py: the next Response defective, when the admin API armed it.
- watched.py: what the admin API watches (scenarios, the audit trail with the decoded XML).
- preview.py: the Response decoded on a page (the tenant page's "see the assertion" link).
- page.py: the tenant page's table of the apps (what to paste into an SP, into Cognito).
A vendor API module (personas/vendor_api.py): `routes(tenant)`, `WATCHED`, `ENDPOINTS`.
"""

import importlib

from fastapi import Request
from fastapi.responses import Response
from starlette.routing import Route

from .apps import base_path
from .errors import SamlError
from .page import page_section
from .watched import ENDPOINTS, watched

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]
# ENDPOINTS ("saml_sso", "saml_slo"): request scenarios fail or delay them, the audit trail shows them.
WATCHED = watched  # a function of the tenant: the paths come from its saml_apps
# Defective-Response scenarios (admin API: endpoint "saml_sso", client_id = the app_id), fired by
# sign_on.answer and made by response.spoil.
DEFECTS = {"saml_sso": ("expired", "not_yet_valid", "wrong_audience", "wrong_recipient", "unsigned", "bad_signature")}
__all__ = ["DEFECTS", "ENDPOINTS", "WATCHED", "page_section", "routes"]


def routes(tenant) -> list[Route]:
    routes = []
    for app in tenant.config.saml_apps:
        base = base_path(app)
        routes += [Route(base + "/sso/saml/metadata", lazy("metadata.endpoint", tenant, app), methods=GET),
                   Route(base + "/sso/saml", lazy("sign_on.sso", tenant, app), methods=GET_POST),
                   Route(base + "/sso/saml/login", lazy("sign_on.login", tenant, app), methods=POST),
                   Route(base + "/slo/saml", lazy("logout.slo", tenant, app), methods=GET_POST),
                   Route(f"/_ui/saml/{app.app_id}", lazy("sign_on.preview_sign_in", tenant, app), methods=GET)]
    return routes + [Route("/app/{name}/{app_id}/{rest:path}", unknown_app, methods=GET_POST)]


def lazy(factory: str, tenant, app):
    """The endpoint `factory` ("module.function") makes, imported on its first request: lxml and
    signxml cost ~70 ms of start-up that servers without SAML sign-ins never need."""
    handler = None

    async def endpoint(request: Request) -> Response:
        nonlocal handler
        if handler is None:
            module, _, name = factory.rpartition(".")
            handler = getattr(importlib.import_module(f"{__name__}.{module}"), name)(tenant, app)
        return await handler(request)
    endpoint.__name__ = factory.replace(".", "_")
    return endpoint


async def unknown_app(request: Request) -> Response:
    params = request.path_params
    raise SamlError(f"There is no SAML app {params['name']}/{params['app_id']} on this tenant "
                    "(its saml_apps in the seed).", status_code=404, title="Unknown SAML app")
