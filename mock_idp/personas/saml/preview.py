"""The tenant page's "see the assertion" link: a sign-in to the app (the same login page and SSO
session) whose Response is shown, decoded, instead of posted to the ACS: NameID, audience,
recipient, times, attributes, and whether each signature verifies with the tenant's certificate
(signxml, as an SP would). The Response is the very one the app would receive."""

import base64

from fastapi import Request
from fastapi.responses import Response
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.verifier import SignatureConfiguration

from ...endpoints.http import html_page
from .certificate import published_certificates
from .xml import DS, SAML, SAMLP, parse, q, text_of

PREVIEW = "mock_idp_preview"  # the login form's field: show the Response instead of posting it


def page(request: Request, tenant, app, xml: bytes, relay_state: str | None) -> Response:
    root = parse(xml)
    assertion = root.find(q(SAML, "Assertion"))
    return html_page(request, "saml_assertion.html", tenant=tenant, app=app, relay_state=relay_state,
                     pretty=etree.tostring(root, pretty_print=True).decode(),
                     encoded=base64.b64encode(xml).decode(), facts=facts(root, assertion),
                     signatures=signatures(tenant, root, assertion))


def facts(root, assertion) -> list[tuple[str, str]]:
    found = [("Response Destination", root.get("Destination", "")),
             ("InResponseTo", root.get("InResponseTo") or "(none: IdP-initiated)"),
             ("Status", root.find(f"{q(SAMLP, 'Status')}/{q(SAMLP, 'StatusCode')}").get("Value", ""))]
    if assertion is None:
        return found
    name_id = assertion.find(f"{q(SAML, 'Subject')}/{q(SAML, 'NameID')}")
    data = assertion.find(f".//{q(SAML, 'SubjectConfirmationData')}")
    conditions = assertion.find(q(SAML, "Conditions"))
    statement = assertion.find(q(SAML, "AuthnStatement"))
    audience = text_of(conditions.find(q(SAML, "AudienceRestriction")), SAML, "Audience") or ""
    found += [("NameID", f"{name_id.text} ({name_id.get('Format')})"),
              ("Recipient", data.get("Recipient", "")), ("Audience", audience),
              ("NotBefore", conditions.get("NotBefore", "")), ("NotOnOrAfter", conditions.get("NotOnOrAfter", "")),
              ("SessionIndex", statement.get("SessionIndex", ""))]
    for attribute in assertion.iter(q(SAML, "Attribute")):
        values = [value.text or "" for value in attribute.findall(q(SAML, "AttributeValue"))]
        found.append((f"Attribute {attribute.get('Name')}", ", ".join(values)))
    return found


def signatures(tenant, root, assertion) -> list[tuple[str, str, bool]]:
    """(what is signed, the verdict, ok) for the Response's and the assertion's signatures."""
    verdicts = []
    for name, element in (("Response", root), ("Assertion", assertion)):
        if element is None or element.find(q(DS, "Signature")) is None:
            verdicts.append((name, "not signed", name == "Response"))
            continue
        verdicts.append((name, *verify(tenant, element)))
    return verdicts


def verify(tenant, element) -> tuple[str, bool]:
    copy = etree.fromstring(etree.tostring(element))  # alone: its own enveloped signature
    for certificate in published_certificates(tenant):
        try:
            XMLVerifier().verify(copy, x509_cert=certificate, expect_config=SignatureConfiguration(location="./"))
        except (InvalidSignature, InvalidInput):
            continue
        return "verifies with the tenant's signing certificate (RSA-SHA256)", True
    return "does not verify with the tenant's certificates", False
