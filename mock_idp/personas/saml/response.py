"""The Response an app receives: an assertion built from the user's claims, signed with the
tenant's key (RSA-SHA256, SHA-256 digests, exclusive C14N: SAML core §5.4) by signxml.

Shaped as the persona's (SamlIdP.shape: prefixes, identifiers, validity, attribute typing); the
NameID and attributes are its hooks' (idp.py).
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree
from signxml import XMLSigner, methods
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

from .certificate import signing_material
from .idp import idp_of, name_id_format, name_id_format_name, sign_of
from .xml import DS, SAML, SAMLP, XS, XSI, q

STATUS = "urn:oasis:names:tc:SAML:2.0:status:"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
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


def success(tenant, app, sign_in: SignIn, defect: str | None = None) -> bytes:
    """The signed Response XML for a signed-in user; spoiled on purpose by a scenario's `defect`
    (scenarios.py): expired, not_yet_valid, wrong_audience, wrong_recipient, unsigned, bad_signature."""
    now = tenant.clock()
    assertion = build_assertion(tenant, app, sign_in, now + SHIFTED.get(defect, 0), defect)
    signs = () if defect == "unsigned" else (sign_of(tenant, app),)
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
    shape = idp_of(tenant).shape
    response = etree.Element(q(SAMLP, tag), nsmap={shape.protocol_prefix: SAMLP})
    response.set("Destination", destination)
    response.set("ID", shape.new_id())
    if in_response_to:
        response.set("InResponseTo", in_response_to)
    response.set("IssueInstant", saml_time(now))
    response.set("Version", "2.0")
    issuer(tenant, response, app)
    status_element = etree.SubElement(response, q(SAMLP, "Status"))
    code = etree.SubElement(status_element, q(SAMLP, "StatusCode"), Value=status)
    if second_level:
        etree.SubElement(code, q(SAMLP, "StatusCode"), Value=second_level)
    if message:
        etree.SubElement(status_element, q(SAMLP, "StatusMessage")).text = message
    return response


def issuer(tenant, parent, app) -> None:
    idp = idp_of(tenant)
    element = etree.SubElement(parent, q(SAML, "Issuer"), nsmap={idp.shape.assertion_prefix: SAML})
    if idp.shape.issuer_format:
        element.set("Format", idp.shape.issuer_format)
    element.text = idp.entity_id(tenant, app)


def build_assertion(tenant, app, sign_in: SignIn, now: float, defect: str | None = None):
    idp = idp_of(tenant)
    shape = idp.shape
    claims = user_claims(tenant, sign_in.user)
    assertion = etree.Element(q(SAML, "Assertion"), nsmap={shape.assertion_prefix: SAML})
    assertion.set("ID", shape.new_id())
    assertion.set("IssueInstant", saml_time(now))
    assertion.set("Version", "2.0")
    issuer(tenant, assertion, app)

    subject = etree.SubElement(assertion, q(SAML, "Subject"))
    name_id = etree.SubElement(subject, q(SAML, "NameID"), Format=name_id_format(tenant, app))
    name_id.text = name_id_value(tenant, app, claims)
    confirmation = etree.SubElement(subject, q(SAML, "SubjectConfirmation"), Method=BEARER)
    data = etree.SubElement(confirmation, q(SAML, "SubjectConfirmationData"))
    if sign_in.in_response_to:
        data.set("InResponseTo", sign_in.in_response_to)
    data.set("NotOnOrAfter", saml_time(now + shape.confirmation))
    data.set("Recipient", WRONG_RECIPIENT if defect == "wrong_recipient" else app.acs_url)

    conditions = etree.SubElement(assertion, q(SAML, "Conditions"), NotBefore=saml_time(now - shape.before),
                                  NotOnOrAfter=saml_time(now + shape.after))
    restriction = etree.SubElement(conditions, q(SAML, "AudienceRestriction"))
    etree.SubElement(restriction, q(SAML, "Audience")).text = \
        WRONG_AUDIENCE if defect == "wrong_audience" else app.sp_entity_id

    attributes = idp.attributes(tenant, app, claims)
    if attributes and shape.attributes_first:
        attribute_statement(shape, assertion, attributes)
    statement = etree.SubElement(assertion, q(SAML, "AuthnStatement"),
                                 AuthnInstant=saml_time(sign_in.auth_time), SessionIndex=sign_in.session_index)
    context = etree.SubElement(statement, q(SAML, "AuthnContext"))
    etree.SubElement(context, q(SAML, "AuthnContextClassRef")).text = shape.authn_context
    if attributes and not shape.attributes_first:
        attribute_statement(shape, assertion, attributes)
    return assertion


def attribute_statement(shape, assertion, attributes: list[tuple[str, list[str]]]) -> None:
    statement = etree.SubElement(assertion, q(SAML, "AttributeStatement"))
    for name, values in attributes:
        attribute = etree.SubElement(statement, q(SAML, "Attribute"), Name=name)
        if shape.attribute_name_format:
            attribute.set("NameFormat", shape.attribute_name_format)
        for value in values:
            if shape.typed_values:
                element = etree.SubElement(attribute, q(SAML, "AttributeValue"), nsmap={"xs": XS, "xsi": XSI})
                element.set(q(XSI, "type"), "xs:string")
            else:
                element = etree.SubElement(attribute, q(SAML, "AttributeValue"))
            element.text = value


def user_claims(tenant, user) -> dict:
    """What the app's settings may name (SamlIdP.user_claims)."""
    return idp_of(tenant).user_claims(tenant, user)


def name_id_value(tenant, app, claims: dict) -> str:
    if app.name_id:
        return text(claims.get(app.name_id, ""))
    if name_id_format_name(tenant, app) == "transient":
        return secrets.token_urlsafe(24)  # SAML core §8.3.8: a new opaque value each time
    return idp_of(tenant).name_id_value(tenant, app, claims)


def claim_values(attributes: dict[str, str], claims: dict) -> list[tuple[str, list[str]]]:
    """The `attributes` (name -> the claim it carries); a claim the user lacks is left out."""
    released = []
    for name, claim in attributes.items():
        value = claims.get(claim)
        if value is None:
            continue
        released.append((name, [text(v) for v in value] if isinstance(value, list) else [text(value)]))
    return released


def text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sign(tenant, element, position: int = 1):
    """`element` with an enveloped signature right after its Issuer, where the SAML schema wants
    it (a placeholder tells signxml where), over the element's ID (SAML core §5.4.2); metadata's
    goes first (`position` 0, SAML metadata §2.3.2)."""
    key, certificate = signing_material(tenant)
    placeholder = etree.Element(q(DS, "Signature"), Id="placeholder", nsmap={"ds": DS})
    element.insert(position, placeholder)
    signer = XMLSigner(method=methods.enveloped, signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    return signer.sign(element, key=key, cert=certificate, reference_uri="#" + element.get("ID"))


def encoded(xml: bytes) -> str:
    """SAML bindings §3.5.4: the POST binding's base64."""
    return base64.b64encode(xml).decode()
