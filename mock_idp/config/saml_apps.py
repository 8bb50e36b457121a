"""A tenant's SAML 2.0 apps and Okta's group filter, as Okta's app settings name them (docs/saml.md)."""

from __future__ import annotations

from .base import SeedModel
from .fields import NonEmptyStr
from .saml_fields import AbsoluteUrl, Certificate, NameIdFormat, PathSegment, Regex, SignWhat


class GroupAttributeConfig(SeedModel):
    """Okta's group filter ("Matches regex"): the user's groups, the built-in Everyone included,
    whose whole name matches `filter`, released as `name` (a SAML app's group attribute statement,
    the tenant's groups claim)."""

    name: NonEmptyStr = "groups"
    filter: Regex = ".*"


class SamlAppConfig(SeedModel):
    """A SAML 2.0 application (service provider) of the tenant, with Okta's knobs (docs/saml.md)."""

    app_id: PathSegment  # the IdP entityID is http://www.okta.com/<app_id>
    name: PathSegment  # the app's name in its URLs: /app/<name>/<app_id>/sso/saml
    sp_entity_id: NonEmptyStr  # the Audience of the assertions
    acs_url: AbsoluteUrl  # where the Response is posted: Recipient and Destination
    slo_url: AbsoluteUrl | None = None  # where the LogoutResponse is posted
    sp_certificate: Certificate | None = None  # set: AuthnRequests and LogoutRequests must be signed by it
    name_id_format: NameIdFormat = "unspecified"
    name_id: NonEmptyStr | None = None  # the user claim that is the NameID (default: the login)
    sign: SignWhat = "both"  # Okta signs the response and the assertion unless told otherwise
    attributes: dict[NonEmptyStr, NonEmptyStr] = {}  # attribute name -> the user claim it carries
    group_attribute: GroupAttributeConfig | None = None
