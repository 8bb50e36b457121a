"""SAML messages as they arrive: the HTTP-Redirect and HTTP-POST bindings decoded, the XML parsed
with no DTD, no entity expansion and no network (XML bombs and XXE stay out), within bounds.

SAML bindings §3.4.4.1: a Redirect message is DEFLATE-compressed (RFC 1951, no zlib header), then
base64, then URL-encoded; §3.5.4: a POST message is base64 of the XML.
"""

import base64
import binascii
import zlib

from lxml import etree

from .errors import SamlError

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
MAX_XML = 256 * 1024  # a request of a few KB; an inflated message beyond this is refused, not held

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                         huge_tree=False, remove_comments=True, remove_pis=True)


def decode_redirect(value: str) -> bytes:
    """The XML of an HTTP-Redirect SAMLRequest/SAMLResponse value (already URL-decoded)."""
    raw = b64decode(value)
    inflater = zlib.decompressobj(-15)
    try:
        xml = inflater.decompress(raw, MAX_XML)
    except zlib.error:
        raise SamlError("The SAML message is not DEFLATE-compressed (SAML bindings §3.4.4.1).") from None
    if inflater.unconsumed_tail:
        raise SamlError(f"The SAML message inflates to more than {MAX_XML} bytes.")
    return xml


def decode_post(value: str) -> bytes:
    xml = b64decode(value)
    if len(xml) > MAX_XML:
        raise SamlError(f"The SAML message is larger than {MAX_XML} bytes.")
    return xml


def b64decode(value: str) -> bytes:
    try:
        # Line breaks are allowed in the POST binding's base64 (and some SPs send them).
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlError("The SAML message is not valid base64.") from None


def parse(xml: bytes) -> etree._Element:
    """The root element; a DTD (where entity tricks live) is refused outright, as defusedxml does."""
    try:
        tree = etree.fromstring(xml, PARSER).getroottree()
    except etree.XMLSyntaxError:
        raise SamlError("The SAML message is not well-formed XML.") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise SamlError("The SAML message has a DTD, which SAML forbids (SAML core §1.3).")
    return tree.getroot()


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def text_of(element, namespace: str, name: str) -> str | None:
    child = element.find(q(namespace, name))
    return None if child is None or child.text is None else child.text.strip()
