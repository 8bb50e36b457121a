"""A tenant's SAML apps and their Okta URLs: /app/<name>/<app_id>/sso/saml (SSO, and the
IdP-initiated launch URL), …/sso/saml/metadata, /app/<name>/<app_id>/slo/saml; the IdP entityID
http://www.okta.com/<app_id> (docs/vendors.md, "Okta SAML apps")."""

ENTITY_ID_PREFIX = "http://www.okta.com/"


def base_path(app) -> str:
    return f"/app/{app.name}/{app.app_id}"


def entity_id(tenant, app) -> str:
    return ENTITY_ID_PREFIX + app.app_id


def sso_url(tenant, app) -> str:
    return tenant.url + base_path(app) + "/sso/saml"


def metadata_url(tenant, app) -> str:
    return sso_url(tenant, app) + "/metadata"


def slo_url(tenant, app) -> str:
    return tenant.url + base_path(app) + "/slo/saml"

