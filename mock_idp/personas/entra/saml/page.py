"""The tenant page's table of Entra SAML apps: for each, the values of its "Set up single sign-on
with SAML" page (what the SP is given: the App Federation Metadata Url, Login URL, Microsoft Entra
Identifier, Logout URL) beside the app's own (Identifier, Reply URL), and its My Apps tile."""

from ...saml.page import apps_section
from ...vendor_api import PageLine, PageSection
from .apps import entity_id, launch_url, metadata_url, sso_url


INTRO = ("One IdP for every app of the directory: give the SP the app's federation metadata URL; the "
         "AuthnRequest's Issuer (the app's Identifier) names the app.")
COLUMNS = ("Enterprise app", "Basic SAML configuration", "Give the SP", "Sign in")


def page_section(tenant) -> PageSection | None:
    return apps_section(tenant, entra_row, key="entra-saml-apps", title="Enterprise apps (SAML single sign-on)",
                        intro=INTRO, columns=COLUMNS)


def entra_row(tenant, app) -> list[list[PageLine]]:
    basic = [PageLine("Identifier (Entity ID)", app.sp_entity_id), PageLine("Reply URL", app.acs_url)]
    basic += [PageLine(label, url) for label, url in (("Sign on URL", app.sign_on_url), ("Logout URL", app.slo_url))
              if url]
    return [
        [PageLine("", app.name), PageLine("Application ID", app.app_id)],
        basic,
        [PageLine("App Federation Metadata Url", metadata_url(tenant, app), metadata_url(tenant, app)),
         PageLine("Login URL", sso_url(tenant)), PageLine("Microsoft Entra Identifier", entity_id(tenant))],
        [PageLine("", "My Apps tile", launch_url(tenant, app))],
    ]
