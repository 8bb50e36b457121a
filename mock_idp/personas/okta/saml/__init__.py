"""Okta's SAML 2.0 apps: each of a tenant's `saml_apps` is an IdP of its own (entityID
http://www.okta.com/<app_id>) under Okta's URLs, signing with the tenant's key (docs/saml.md).
The SAML machinery is vendor-free, in personas/saml/; here are Okta's words, URLs and defaults.

What does which part:
- apps.py: the app's URLs and identifiers.
- idp.py: Okta's SamlIdP (personas/saml/idp.py): message shape, NameID, attributes, defaults.
- certificate.py: the signing certificate's subject (O=Okta, OU=SSOProvider).
- page.py: the tenant page's table of the apps (what to paste into an SP, into Cognito).
A vendor API module (personas/vendor_api.py): `routes(tenant)`, `WATCHED`, `ENDPOINTS`.
"""

from fastapi import Request
from fastapi.responses import Response
from starlette.routing import Route

from ...saml import lazy
from ...saml.errors import SamlError
from ...saml.scenarios import DEFECTS
from ...saml.watched import ENDPOINTS, paths_of, slo_call, sso_call
from .apps import base_path, slo_url, sso_url
from .page import page_section

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]
__all__ = ["DEFECTS", "ENDPOINTS", "WATCHED", "page_section", "routes"]


def routes(tenant) -> list[Route]:
    routes = []
    for app in tenant.config.saml_apps:
        base, sso, slo = base_path(app), sso_url(tenant, app), slo_url(tenant, app)
        routes += [Route(base + "/sso/saml/metadata", lazy("metadata.endpoint", tenant, app), methods=GET),
                   Route(base + "/sso/saml", lazy("sign_on.sso", tenant, app, sso), methods=GET_POST),
                   Route(base + "/sso/saml/login", lazy("sign_on.login", tenant, app, sso), methods=POST),
                   Route(base + "/slo/saml", lazy("logout.slo", tenant, app, slo), methods=GET_POST),
                   Route(f"/_ui/saml/{app.app_id}", lazy("sign_on.preview_sign_in", tenant, app, sso), methods=GET)]
    return routes + [Route("/app/{name}/{app_id}/{rest:path}", unknown_app, methods=GET_POST)]


def WATCHED(tenant) -> dict:  # noqa: N802 (a function of the tenant: the paths come from its saml_apps)
    """ENDPOINTS ("saml_sso", "saml_slo"): request scenarios fail or delay them, the audit trail shows them."""
    calls = []
    for app in tenant.config.saml_apps:
        base, sso, slo = base_path(app), sso_call(app.app_id), slo_call(app.app_id)
        calls += [(base + "/sso/saml", sso), (base + "/sso/saml/login", sso), (base + "/slo/saml", slo)]
    return paths_of(calls)


async def unknown_app(request: Request) -> Response:
    params = request.path_params
    raise SamlError(f"There is no SAML app {params['name']}/{params['app_id']} on this tenant "
                    "(its saml_apps in the seed).", status_code=404, title="Unknown SAML app")
