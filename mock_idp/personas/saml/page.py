"""The tenant page's table of its SAML apps (personas/vendor_api.py PageSection), a row per app in
the persona's words (its `row(tenant, app)`); none for a tenant without apps."""

from ..vendor_api import PageSection


def apps_section(tenant, row, **words) -> PageSection | None:
    """`words`: the section's key, title, intro and columns."""
    apps = tenant.config.saml_apps
    return PageSection(rows=[row(tenant, app) for app in apps], **words) if apps else None
