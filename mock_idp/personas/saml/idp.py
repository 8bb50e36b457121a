"""What a persona says of its SAML IdP (`Flavor.saml_idp`): its URLs, words and defaults, as data
and hooks; the SAML machinery of this package is vendor-free and asks them here.

A persona's folder holds its `SamlIdP` and the routes of its URL layout."""

from collections.abc import Callable
from dataclasses import dataclass

from ...config.saml_fields import NAME_ID_FORMATS
from ...oauth.tokens import token_hash

Hook = Callable[..., object]


@dataclass(frozen=True)
class Shape:
    """How the vendor writes its messages (the XML is equivalent; SPs that pin bytes or prefixes see it)."""

    protocol_prefix: str  # of samlp:Response, e.g. "saml2p"
    assertion_prefix: str | None  # of the assertion's elements; None: the default namespace
    new_id: Callable[[], str]  # an xs:ID, never starting with a digit (SAML core §1.3.4)
    issuer_format: str | None  # the Issuer's Format attribute, if the vendor writes one
    before: int  # Conditions NotBefore: seconds before the issue instant
    after: int  # Conditions NotOnOrAfter: seconds after it
    confirmation: int  # SubjectConfirmationData NotOnOrAfter: seconds after it
    authn_context: str  # AuthnContextClassRef of a password sign-in
    attribute_name_format: str | None  # an Attribute's NameFormat, if written
    typed_values: bool  # AttributeValue xsi:type="xs:string"
    attributes_first: bool  # AttributeStatement before AuthnStatement


@dataclass(frozen=True)
class SamlIdP:
    entity_id: Hook  # (tenant, app) -> the IdP's entityID, the Issuer of what it sends
    sso_url: Hook  # (tenant, app) -> the SingleSignOnService of the metadata; a request's Destination
    slo_url: Hook  # (tenant, app) -> the SingleLogoutService
    subject: Hook  # (tenant) -> the signing certificate's subject (personas/certificates.py)
    user_claims: Hook  # (tenant, user config) -> what the NameID and attributes may name
    name_id_value: Hook  # (app, claims) -> the NameID of the app's default (no `name_id`)
    attributes: Hook  # (tenant, app, claims) -> [(name, [values])] the assertion releases
    refused: Hook  # (tenant, SamlError) -> the error in the vendor's words, shown on its page
    shape: Shape
    default_sign: str  # "assertion", "response" or "both", when the app does not say
    default_name_id_format: str  # NAME_ID_FORMATS key, when the app does not say
    metadata_name_id_formats: tuple[str, ...] = ()  # listed in the metadata besides the app's
    # A request issued more than messages.MAX_AGE ago (or ahead of the clock) is refused; False:
    # IssueInstant is not evaluated (Entra).
    checks_issue_instant: bool = True
    signed_metadata: bool = False  # the metadata carries an enveloped signature over its ID


def idp_of(tenant) -> SamlIdP:
    return tenant.flavor.saml_idp


def sign_of(tenant, app) -> str:
    return app.sign or idp_of(tenant).default_sign


def name_id_format_name(tenant, app) -> str:
    return (app and app.name_id_format) or idp_of(tenant).default_name_id_format


def name_id_format(tenant, app) -> str:
    return NAME_ID_FORMATS[name_id_format_name(tenant, app)]


def session_index(session_id: str) -> str:
    """The SessionIndex of an SSO session: stands for it at the SP (and comes back in its
    LogoutRequest) without giving away the cookie's value."""
    return "id" + token_hash("saml-session:" + session_id)[:32]
