"""A tenant's SAML 2.0 apps (service providers) and Okta's group filter (docs/saml.md); the persona
says what an unset `sign` or `name_id_format` means (personas/saml/idp.py)."""

from __future__ import annotations

from pydantic import ValidationInfo, model_validator

from .base import SeedModel, tenant_persona
from .fields import NonEmptyStr
from .saml_fields import AbsoluteUrl, Certificate, NameIdFormat, PathSegment, Regex, SignWhat


class GroupAttributeConfig(SeedModel):
    """Okta's group filter ("Matches regex"): the user's groups, the built-in Everyone included,
    whose whole name matches `filter`, released as `name` (a SAML app's group attribute statement,
    the tenant's groups claim)."""

    name: NonEmptyStr = "groups"
    filter: Regex = ".*"


class SamlAppConfig(SeedModel):
    """A SAML 2.0 application (service provider) of the tenant (docs/saml.md)."""

    app_id: PathSegment  # Okta: the IdP entityID is http://www.okta.com/<app_id>; Entra: the app's GUID
    name: PathSegment  # the app's name in its URLs: /app/<name>/<app_id>/sso/saml
    sp_entity_id: NonEmptyStr  # the Audience of the assertions (Entra: the Identifier)
    acs_url: AbsoluteUrl  # where the Response is posted: Recipient and Destination (Entra: the Reply URL)
    slo_url: AbsoluteUrl | None = None  # where the LogoutResponse is posted (Entra: the Logout URL)
    sign_on_url: AbsoluteUrl | None = None  # Entra's Sign on URL: its app launcher starts SP-initiated there
    sp_certificate: Certificate | None = None  # set: AuthnRequests and LogoutRequests must be signed by it
    name_id_format: NameIdFormat | None = None  # None: the persona's default (Okta unspecified, Entra emailAddress)
    name_id: NonEmptyStr | None = None  # the user claim that is the NameID (default: the login)
    sign: SignWhat | None = None  # None: the persona's default (Okta both, Entra the assertion)
    attributes: dict[NonEmptyStr, NonEmptyStr] = {}  # attribute name -> the user claim it carries
    group_attribute: GroupAttributeConfig | None = None

    @model_validator(mode="after")
    def _persona_defaults(self, info: ValidationInfo) -> SamlAppConfig:
        # What an unset `sign` and `name_id_format` mean is the persona's (its SamlIdP's defaults).
        idp = getattr(tenant_persona(info), "saml_idp", None)
        if idp is not None:
            self.sign = self.sign or idp.default_sign
            self.name_id_format = self.name_id_format or idp.default_name_id_format
        return self
