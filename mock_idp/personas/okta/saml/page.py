"""The tenant page's SAML apps table: for each app, what to paste into the SP (metadata URL,
entityID, SSO and SLO URLs), the IdP-initiated launch link, and the values of a Cognito user
pool's SAML identity provider (docs/saml.md)."""

from ...saml.page import apps_section
from ...vendor_api import PageLine, PageSection
from .apps import entity_id, metadata_url, slo_url, sso_url

# Cognito's standard attributes (user pool attributes without the custom: prefix).
COGNITO_STANDARD = {"email", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
                    "phone_number", "address", "birthdate", "gender", "locale", "picture", "profile", "website",
                    "zoneinfo", "updated_at"}


def page_section(tenant) -> PageSection | None:
    return apps_section(
        tenant, row, key="saml-apps", title="SAML apps",
        intro="Each app is an IdP of its own. Give the SP the metadata URL; a Cognito user pool takes it as "
              "its SAML identity provider's MetadataURL.",
        columns=("App (service provider)", "IdP values for the SP", "Sign in", "Cognito user pool"))


def row(tenant, app) -> list[list[PageLine]]:
    mapping = [PageLine("attribute mapping", f"{cognito_attribute(name)} ← {name}") for name in app.attributes]
    return [
        [PageLine("", app.name), PageLine("app id", app.app_id), PageLine("SP entity ID", app.sp_entity_id),
         PageLine("ACS URL", app.acs_url)],
        [PageLine("metadata", metadata_url(tenant, app), metadata_url(tenant, app)),
         PageLine("entityID", entity_id(tenant, app)), PageLine("SSO URL", sso_url(tenant, app))]
        + ([PageLine("SLO URL", slo_url(tenant, app))] if app.slo_url else []),
        [PageLine("", "IdP-initiated sign-in", sso_url(tenant, app)),
         PageLine("", "Sign in and see the assertion", f"{tenant.url}/_ui/saml/{app.app_id}")],
        [PageLine("provider type", "SAML"), PageLine("MetadataURL", metadata_url(tenant, app))] + mapping
        + [PageLine("app's SP entity ID", "urn:amazon:cognito:sp:<user pool id>"),
           PageLine("app's ACS URL", "https://<domain>.auth.<region>.amazoncognito.com/saml2/idpresponse")],
    ]


def cognito_attribute(name: str) -> str:
    return name if name in COGNITO_STANDARD else f"custom:{name}"
