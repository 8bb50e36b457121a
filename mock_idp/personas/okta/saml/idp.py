"""Okta's SAML IdP in the words of personas/saml/idp.py: an IdP per app (entityID
http://www.okta.com/<app_id>), saml2p:/saml2: prefixes, "id…" identifiers, validity ±5 minutes
around the issue instant, attributes as xs:string with NameFormat "unspecified", both the Response
and the assertion signed, NameID Unspecified: the user's login (docs/vendors.md, "Okta SAML apps")."""

import re
import secrets

from ...saml.idp import SamlIdP, Shape, name_id_format_name
from ..everyone import groups_of
from ..token_claims import login_of
from .apps import entity_id, slo_url, sso_url
from .certificate import okta_subject

NAME_ID_FORMATS = ("unspecified", "emailAddress")  # the metadata lists these, and the app's


def new_id() -> str:
    return "id" + str(secrets.randbits(90))  # Okta's are "id" and digits


def user_claims(tenant, user) -> dict:
    """What the app's settings may name: the user's claims, Okta's profile defaults, `login`
    (Okta's username) and `id` (the 00u… user id)."""
    # `groups`: all the user's groups, the built-in Everyone too, for the group attribute's filter.
    return {**tenant.flavor.user_defaults(user), **user.claims, "groups": groups_of(user), "login": login_of(user),
            "id": tenant.subject(user)}


def name_id_value(tenant, app, claims: dict) -> str:
    if name_id_format_name(tenant, app) == "persistent":
        return claims["id"]  # SAML core §8.3.7: opaque and stable: Okta's user id
    return claims["login"]


def attributes(tenant, app, claims: dict) -> list[tuple[str, list[str]]]:
    from ...saml.response import claim_values  # lxml: on the first sign-in

    released = claim_values(app.attributes, claims)  # Okta leaves out an attribute whose expression is null
    if app.group_attribute is not None:
        # Okta's group attribute statement, "Matches regex": the whole group name must match.
        groups = [g for g in claims.get("groups", []) if re.fullmatch(app.group_attribute.filter, str(g))]
        if groups:
            released.append((app.group_attribute.name, [str(g) for g in groups]))
    return released


def refused(tenant, error):
    return error  # the page says what is wrong, in the mock's words


IDP = SamlIdP(
    entity_id=entity_id, sso_url=sso_url, slo_url=slo_url, subject=okta_subject, user_claims=user_claims,
    name_id_value=name_id_value, attributes=attributes, refused=refused,
    shape=Shape(protocol_prefix="saml2p", assertion_prefix="saml2", new_id=new_id,
                issuer_format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity", before=300, after=300,
                confirmation=300, authn_context="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                attribute_name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified", typed_values=True,
                attributes_first=False),
    default_sign="both", default_name_id_format="unspecified", metadata_name_id_formats=NAME_ID_FORMATS)
