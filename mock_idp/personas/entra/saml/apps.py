"""An Entra tenant's SAML apps (enterprise applications with SAML single sign-on) and their URLs:
the IdP's entity ID https://sts.windows.net/<tenant id>/, one SSO and SLO URL for all apps
(<tenant>/<tenant id>/saml2, login.microsoftonline.com/<tenant id>/saml2 at Entra), the app's
federation metadata at /<tenant id>/federationmetadata/2007-06/federationmetadata.xml?appid=<app id>,
and the My Apps launch of an app, /api/signin/<app id> (docs/vendors.md, "Entra ID SAML apps")."""

from ..claims import tenant_id, v1_issuer

METADATA_PATH = "/federationmetadata/2007-06/federationmetadata.xml"


def tid(tenant) -> str:
    return tenant_id(tenant.name, tenant.config)


def entity_id(tenant, app=None) -> str:
    return v1_issuer(tid(tenant))  # https://sts.windows.net/<tid>/, as v1.0 tokens' iss


def saml2_path(tenant) -> str:
    return f"/{tid(tenant)}/saml2"


def sso_url(tenant, app=None) -> str:
    return tenant.url + saml2_path(tenant)


slo_url = sso_url  # Entra's Logout URL is its Login URL


def metadata_path(tenant) -> str:
    return f"/{tid(tenant)}{METADATA_PATH}"


def metadata_url(tenant, app) -> str:
    return f"{tenant.url}{metadata_path(tenant)}?appid={app.app_id}"


def launch_path(app) -> str:
    return f"/api/signin/{app.app_id}"


def launch_url(tenant, app) -> str:
    return tenant.url + launch_path(app)


def find(tenant, app_id: str | None):
    return next((app for app in tenant.config.saml_apps if app.app_id == app_id), None)
