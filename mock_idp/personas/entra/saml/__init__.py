"""Entra ID's SAML single sign-on (enterprise applications): a tenant's `saml_apps` share one IdP,
entity ID https://sts.windows.net/<tenant id>/, whose SSO and SLO URL <tenant>/<tenant id>/saml2
takes every app's AuthnRequest and LogoutRequest (the Issuer names the app, its Identifier);
each app has its federation metadata (…/federationmetadata/2007-06/federationmetadata.xml?appid=),
and its My Apps launch /api/signin/<app id>: IdP-initiated, or the app's Sign on URL when it has one.
The SAML machinery is vendor-free (personas/saml/); here are Entra's words, URLs and defaults.

What does which part:
- apps.py: the URLs and identifiers; idp.py: Entra's SamlIdP (claims, NameID, message shape);
  errors.py: the AADSTS page of a refused request; page.py: the tenant page's table of the apps.
A vendor API module (personas/vendor_api.py): `routes(tenant)`, `WATCHED`, `ENDPOINTS`.
"""

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Route

from ...saml import lazy
from ...saml.errors import SamlError
from ...saml.scenarios import DEFECTS
from ...saml.watched import paths_of, sso_call
from .apps import find, launch_path, launch_url, metadata_path, saml2_path, sso_url
from .errors import refused
from .idp import new_id
from .page import page_section

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]
# One URL takes both AuthnRequests and LogoutRequests: its calls are all "saml_sso".
ENDPOINTS = ("saml_sso",)
__all__ = ["DEFECTS", "ENDPOINTS", "WATCHED", "page_section", "routes"]


def routes(tenant) -> list[Route]:
    if not tenant.config.saml_apps:
        return []
    saml2, url = saml2_path(tenant), sso_url(tenant)
    routes = [Route(saml2, lazy("sign_on.sso_and_slo", tenant, url), methods=GET_POST),
              Route(saml2 + "/login", lazy("sign_on.login", tenant, None, url), methods=POST),
              Route(metadata_path(tenant), federation_metadata(tenant), methods=GET)]
    for app in tenant.config.saml_apps:
        launch = lazy("sign_on.sso", tenant, app, launch_url(tenant, app))
        routes += [Route(launch_path(app), my_apps(app, launch), methods=GET),
                   Route(launch_path(app) + "/login", lazy("sign_on.login", tenant, app, launch_url(tenant, app)),
                         methods=POST)]
    return routes


def my_apps(app, idp_initiated):
    """The app's tile in My Apps: to its Sign on URL (the SP starts the sign-in) when it has one,
    else an IdP-initiated sign-in."""
    async def launch(request: Request) -> Response:
        if app.sign_on_url:
            return RedirectResponse(app.sign_on_url, status_code=302)
        return await idp_initiated(request)
    return launch


def WATCHED(tenant) -> dict:  # noqa: N802 (a function of the tenant: the paths come from its saml_apps)
    """ENDPOINTS: the shared URL's client is the request's app, unknown here; a launch URL's is its app."""
    if not tenant.config.saml_apps:
        return {}
    saml2 = saml2_path(tenant)
    calls = [(saml2, sso_call(None)), (saml2 + "/login", sso_call(None))]
    for app in tenant.config.saml_apps:
        calls += [(launch_path(app), sso_call(app.app_id)), (launch_path(app) + "/login", sso_call(app.app_id))]
    return paths_of(calls)


def federation_metadata(tenant):
    """The app's federation metadata (?appid=<app id>), or the tenant's without it; AADSTS700016
    for an app id the tenant lacks."""
    async def metadata_document(request: Request) -> Response:
        from ...saml.metadata import metadata  # lxml: on the first SAML request only

        app_id = request.query_params.get("appid")
        app = find(tenant, app_id)
        if app_id is not None and app is None:
            raise refused(tenant, SamlError(f"No SAML app {app_id!r} on this tenant.", case="unknown_app",
                                            app_id=app_id))
        return Response(metadata(tenant, app, ID=new_id()), media_type="application/xml")
    return metadata_document

