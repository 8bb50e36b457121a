"""Entra's SAML IdP in the words of personas/saml/idp.py (docs/vendors.md, "Entra ID SAML apps"):
Issuer https://sts.windows.net/<tid>/; samlp:Response with the assertion in the default namespace;
"_<guid>" identifiers; the assertion valid from the issue instant to 70 minutes after, its bearer
confirmation 5 minutes; AuthnContextClassRef Password; attributes untyped and without NameFormat,
before the AuthnStatement; the assertion alone signed; NameID emailAddress: the user's UPN; the
default claims under their claim-type URIs, then the app's own `attributes`; a request's IssueInstant
not evaluated."""

import uuid

from cryptography.x509.oid import NameOID

from ...saml.idp import SamlIdP, Shape, name_id_format_name
from ..claims import object_id
from .apps import entity_id, slo_url, sso_url, tid
from .errors import refused

WS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
MS = "http://schemas.microsoft.com/identity/claims/"
PASSWORD_METHOD = "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"
# The claims an Entra SAML app releases unless edited (claim type URI -> the user attribute), in
# the order Entra writes them; the tenant-side ones come from the sign-in, the others from the user.
DEFAULT_CLAIMS = (
    (MS + "tenantid", "tenantid"), (MS + "objectidentifier", "objectid"), (MS + "displayname", "displayname"),
    (MS + "identityprovider", "identityprovider"),
    ("http://schemas.microsoft.com/claims/authnmethodsreferences", "authnmethodsreferences"),
    (WS + "givenname", "givenname"), (WS + "surname", "surname"), (WS + "emailaddress", "mail"),
    (WS + "name", "userprincipalname"),
)
# Entra's SAML signing certificates: "CN=Microsoft Azure Federated SSO Certificate", self-signed.
SUBJECT = ((NameOID.COMMON_NAME, "Microsoft Azure Federated SSO Certificate"),)


def new_id() -> str:
    return f"_{uuid.uuid4()}"


def user_claims(tenant, user) -> dict:
    """The user's claims and Entra's user attributes by their source names (user.userprincipalname…)."""
    claims = user.claims
    return {**claims, "userprincipalname": claims.get("preferred_username") or user.username,
            "mail": claims.get("email"), "givenname": claims.get("given_name"),
            "surname": claims.get("family_name"), "displayname": claims.get("name"),
            "objectid": object_id(tenant.name, user), "tenantid": tid(tenant),
            "identityprovider": entity_id(tenant), "authnmethodsreferences": PASSWORD_METHOD}


def name_id_value(tenant, app, claims: dict) -> str:
    if name_id_format_name(tenant, app) == "persistent":
        return claims["objectid"]  # opaque and stable
    return claims["userprincipalname"]  # Entra's default: user.userprincipalname


def attributes(tenant, app, claims: dict) -> list[tuple[str, list[str]]]:
    from ...saml.response import claim_values  # lxml: on the first sign-in

    mine = claim_values(app.attributes, claims)  # an app's claim of a default's name replaces it
    named = {name for name, _ in mine}
    defaults = claim_values(dict(DEFAULT_CLAIMS), claims)
    return [(name, values) for name, values in defaults if name not in named] + mine


IDP = SamlIdP(
    entity_id=entity_id, sso_url=sso_url, slo_url=slo_url, subject=lambda tenant: SUBJECT, user_claims=user_claims,
    name_id_value=name_id_value, attributes=attributes, refused=refused,
    shape=Shape(protocol_prefix="samlp", assertion_prefix=None, new_id=new_id, issuer_format=None, before=0,
                after=4200, confirmation=300, authn_context="urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
                attribute_name_format=None, typed_values=False, attributes_first=True),
    default_sign="assertion", default_name_id_format="emailAddress",
    checks_issue_instant=False,  # Entra "doesn't evaluate or use" an AuthnRequest's IssueInstant
    signed_metadata=True)  # its federation metadata is signed (docs/vendors.md)
