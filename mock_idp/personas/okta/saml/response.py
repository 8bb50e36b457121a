"""The Response an app receives: an assertion built from the user's claims, signed with the
tenant's key (RSA-SHA256, SHA-256 digests, exclusive C14N: SAML core §5.4) by signxml.

Shaped as Okta's (saml2p:/saml2: prefixes, "id…" identifiers, milliseconds in times, validity
±5 minutes around the issue instant, attributes as xs:string with NameFormat "unspecified").
"""

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree
from signxml import XMLSigner, methods
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

from ..everyone import groups_of
from ..token_claims import login_of
from .apps import entity_id, name_id_format
from .certificate import signing_material
from .xml import DS, SAML, SAMLP, XS, XSI, q

VALIDITY = 300  # Okta: NotBefore and NotOnOrAfter five minutes either side of the issue instant
STATUS = "urn:oasis:names:tc:SAML:2.0:status:"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
UNSPECIFIED_NAME = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"
# Defects: the assertion's times an hour off (past any SP's clock-skew allowance), or another
# audience or recipient than the app's.
SHIFTED = {"expired": -3600, "not_yet_valid": 3600}
WRONG_AUDIENCE = "urn:mock-idp:wrong-audience"
WRONG_RECIPIENT = "https://wrong-recipient.mock-idp.invalid/acs"


@dataclass(frozen=True)
class SignIn:
    """Who signed in, for which request: what the assertion says besides the app's settings."""

    user: object  # config.UserConfig
    auth_time: int
    session_index: str
    in_response_to: str | None = None  # None: IdP-initiated


def saml_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_id() -> str:
    # An xs:ID must not start with a digit (SAML core §1.3.4); Okta's are "id" and digits.
    return "id" + str(secrets.randbits(90))


def success(tenant, app, sign_in: SignIn, defect: str | None = None) -> bytes:
    """The signed Response XML for a signed-in user; spoiled on purpose by a scenario's `defect`
    (scenarios.py): expired, not_yet_valid, wrong_audience, wrong_recipient, unsigned, bad_signature."""
    now = tenant.clock()
    assertion = build_assertion(tenant, app, sign_in, now + SHIFTED.get(defect, 0), defect)
    signs = () if defect == "unsigned" else (app.sign,)
    if "assertion" in signs or "both" in signs:
        assertion = sign(tenant, assertion)
    response = envelope(tenant, app, "Response", app.acs_url, sign_in.in_response_to, now, STATUS + "Success")
    response.append(assertion)
    if "response" in signs or "both" in signs:
        response = sign(tenant, response)
    if defect == "bad_signature":
        # Changed after signing: every digest over the assertion stops matching.
        name_id = response.find(f".//{q(SAML, 'NameID')}")
        name_id.text += ".changed"
    return etree.tostring(response, xml_declaration=True, encoding="UTF-8")


def failure(tenant, app, in_response_to: str | None, second_level: str, message: str) -> bytes:
    """A Response without assertion (SAML core §3.2.2.2), e.g. NoPassive for IsPassive."""
    response = envelope(tenant, app, "Response", app.acs_url, in_response_to, tenant.clock(),
                        STATUS + "Responder", message, STATUS + second_level)
    return etree.tostring(sign(tenant, response), xml_declaration=True, encoding="UTF-8")


def envelope(tenant, app, tag: str, destination: str, in_response_to, now: float, status: str,
             message: str | None = None, second_level: str | None = None):
    """A StatusResponseType message (SAML core §3.2.2): samlp:Response, samlp:LogoutResponse."""
    response = etree.Element(q(SAMLP, tag), nsmap={"saml2p": SAMLP})
    response.set("Destination", destination)
    response.set("ID", new_id())
    if in_response_to:
        response.set("InResponseTo", in_response_to)
    response.set("IssueInstant", saml_time(now))
    response.set("Version", "2.0")
    issuer(response, app)
    status_element = etree.SubElement(response, q(SAMLP, "Status"))
    code = etree.SubElement(status_element, q(SAMLP, "StatusCode"), Value=status)
    if second_level:
        etree.SubElement(code, q(SAMLP, "StatusCode"), Value=second_level)
    if message:
        etree.SubElement(status_element, q(SAMLP, "StatusMessage")).text = message
    return response


def issuer(parent, app) -> None:
    element = etree.SubElement(parent, q(SAML, "Issuer"), Format=ENTITY, nsmap={"saml2": SAML})
    element.text = entity_id(app)


def build_assertion(tenant, app, sign_in: SignIn, now: float, defect: str | None = None):
    claims = user_claims(tenant, sign_in.user)
    assertion = etree.Element(q(SAML, "Assertion"), nsmap={"saml2": SAML})
    assertion.set("ID", new_id())
    assertion.set("IssueInstant", saml_time(now))
    assertion.set("Version", "2.0")
    issuer(assertion, app)

    subject = etree.SubElement(assertion, q(SAML, "Subject"))
    name_id = etree.SubElement(subject, q(SAML, "NameID"), Format=name_id_format(app))
    name_id.text = name_id_value(app, claims)
    confirmation = etree.SubElement(subject, q(SAML, "SubjectConfirmation"), Method=BEARER)
    data = etree.SubElement(confirmation, q(SAML, "SubjectConfirmationData"))
    if sign_in.in_response_to:
        data.set("InResponseTo", sign_in.in_response_to)
    data.set("NotOnOrAfter", saml_time(now + VALIDITY))
    data.set("Recipient", WRONG_RECIPIENT if defect == "wrong_recipient" else app.acs_url)

    conditions = etree.SubElement(assertion, q(SAML, "Conditions"),
                                  NotBefore=saml_time(now - VALIDITY), NotOnOrAfter=saml_time(now + VALIDITY))
    restriction = etree.SubElement(conditions, q(SAML, "AudienceRestriction"))
    etree.SubElement(restriction, q(SAML, "Audience")).text = \
        WRONG_AUDIENCE if defect == "wrong_audience" else app.sp_entity_id

    statement = etree.SubElement(assertion, q(SAML, "AuthnStatement"),
                                 AuthnInstant=saml_time(sign_in.auth_time), SessionIndex=sign_in.session_index)
    context = etree.SubElement(statement, q(SAML, "AuthnContext"))
    etree.SubElement(context, q(SAML, "AuthnContextClassRef")).text = PASSWORD_PROTECTED

    attributes = released_attributes(app, claims)
    if attributes:
        statement = etree.SubElement(assertion, q(SAML, "AttributeStatement"))
        for name, values in attributes:
            attribute = etree.SubElement(statement, q(SAML, "Attribute"), Name=name, NameFormat=UNSPECIFIED_NAME)
            for value in values:
                element = etree.SubElement(attribute, q(SAML, "AttributeValue"), nsmap={"xs": XS, "xsi": XSI})
                element.set(q(XSI, "type"), "xs:string")
                element.text = value
    return assertion


def user_claims(tenant, user) -> dict:
    """What the app's settings may name: the user's claims, Okta's profile defaults, `login`
    (Okta's username) and `id` (the 00u… user id)."""
    # `groups`: all the user's groups, the built-in Everyone too, for the group attribute's filter.
    return {**tenant.flavor.user_defaults(user), **user.claims, "groups": groups_of(user), "login": login_of(user),
            "id": tenant.subject(user)}


def name_id_value(app, claims: dict) -> str:
    if app.name_id:
        return text(claims.get(app.name_id, ""))
    if app.name_id_format == "transient":
        return secrets.token_urlsafe(24)  # SAML core §8.3.8: a new opaque value each time
    if app.name_id_format == "persistent":
        return claims["id"]  # SAML core §8.3.7: opaque and stable: Okta's user id
    return claims["login"]


def released_attributes(app, claims: dict) -> list[tuple[str, list[str]]]:
    released = []
    for name, claim in app.attributes.items():
        value = claims.get(claim)
        if value is None:
            continue  # Okta leaves out an attribute whose expression is null
        released.append((name, [text(v) for v in value] if isinstance(value, list) else [text(value)]))
    if app.group_attribute is not None:
        # Okta's group attribute statement, "Matches regex": the whole group name must match.
        groups = [g for g in claims.get("groups", []) if re.fullmatch(app.group_attribute.filter, str(g))]
        if groups:
            released.append((app.group_attribute.name, [str(g) for g in groups]))
    return released


def text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sign(tenant, element):
    """`element` with an enveloped signature right after its Issuer, where the SAML schema wants
    it (a placeholder tells signxml where), over the element's ID (SAML core §5.4.2)."""
    key, certificate = signing_material(tenant)
    placeholder = etree.Element(q(DS, "Signature"), Id="placeholder", nsmap={"ds": DS})
    element.insert(1, placeholder)
    signer = XMLSigner(method=methods.enveloped, signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    return signer.sign(element, key=key, cert=certificate, reference_uri="#" + element.get("ID"))


def encoded(xml: bytes) -> str:
    """SAML bindings §3.5.4: the POST binding's base64."""
    return base64.b64encode(xml).decode()
