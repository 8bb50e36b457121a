"""Incoming SAML requests (AuthnRequest, LogoutRequest) from either binding, checked in order:
decoded, parsed safely, signed by the app's certificate when it has one, fresh, addressed to us.

Signatures: the Redirect binding signs the query string's octets (SAML bindings §3.4.4.1),
checked with cryptography; the POST binding carries an enveloped XML signature, checked with
signxml, and only what the signature covers is read on (no signature wrapping).
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import unquote_plus

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature as InvalidXmlSignature
from signxml.verifier import SignatureConfiguration

from .errors import SamlError
from .idp import idp_of
from .xml import DS, POST, REDIRECT, SAML, SAMLP, decode_post, decode_redirect, parse, q, text_of

# Query-string signature algorithms (XML DSig identifiers). SHA-1 is refused, as signxml's
# defaults refuse it in XML signatures.
SIG_ALGS = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}
MAX_AGE = 600  # a request older than this (IssueInstant, tenant clock) is expired
MAX_SKEW = 180  # and one issued further than this in the future is refused too


@dataclass(frozen=True)
class Incoming:
    """A request as received: its binding, the signed-over parts, RelayState."""

    binding: str
    message: str  # the SAMLRequest value, URL-decoded
    relay_state: str | None
    raw_query: str | None = None  # Redirect: the query string as sent (its octets are signed)

    def login_params(self) -> list[tuple[str, str]]:
        """What the login form carries, to check the very same request again after sign-in."""
        if self.binding == REDIRECT:
            return [("SAMLQuery", self.raw_query)]
        relay = [("RelayState", self.relay_state)] if self.relay_state is not None else []
        return [("SAMLRequest", self.message)] + relay


def from_query(raw_query: str) -> Incoming | None:
    """An HTTP-Redirect request (None: the query has no SAMLRequest)."""
    raw = raw_parameters(raw_query)
    if "SAMLRequest" not in raw:
        return None
    relay = raw.get("RelayState")
    relay = None if relay is None else unquote_plus(relay)
    return Incoming(REDIRECT, unquote_plus(raw["SAMLRequest"]), relay, raw_query)


def from_form(form: list[tuple[str, str]]) -> Incoming | None:
    """An HTTP-POST request, or the login form carrying either binding's request."""
    values = single_values(form)
    if "SAMLQuery" in values:
        return from_query(values["SAMLQuery"])
    if "SAMLRequest" not in values:
        return None
    return Incoming(POST, values["SAMLRequest"], values.get("RelayState"))


def raw_parameters(raw_query: str) -> dict[str, str]:
    """Parameter -> value still URL-encoded: the Redirect signature is over these octets."""
    found: dict[str, str] = {}
    for pair in raw_query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        name = unquote_plus(name)
        if name in found:
            raise SamlError(f"The parameter {name} is repeated.")
        found[name] = value
    return found


def single_values(form: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in form:
        if name in values:
            raise SamlError(f"The parameter {name} is repeated.")
        values[name] = value
    return values


def read(incoming: Incoming, app, kind: str, now: float, check_age: bool, tenant):
    """(root element, app) of a `kind` ("AuthnRequest", "LogoutRequest") request of `app`; with no
    `app` (one URL for all of a tenant's apps), the app whose SP entity ID is the request's Issuer."""
    if incoming.binding == REDIRECT:
        root = parse(decode_redirect(incoming.message))
        if root.find(q(DS, "Signature")) is not None:
            # SAML bindings §3.4.4.1: the XML signature is removed before a message is redirected.
            raise SamlError("A request sent by HTTP-Redirect must not carry an XML signature; "
                            "sign the query string (SigAlg, Signature).")
        app = app or app_of_issuer(tenant, root)
        if app.sp_certificate:
            check_query_signature(incoming.raw_query, app)
    else:
        root = parse(decode_post(incoming.message))
        app = app or app_of_issuer(tenant, root)
        if app.sp_certificate:
            root = verified_xml(root, app)
    if root.tag != q(SAMLP, kind):
        raise SamlError(f"Expected a samlp:{kind}, got {root.tag}.", case="not_a_request")
    if root.get("Version") != "2.0" or not root.get("ID"):
        raise SamlError(f"The {kind} needs Version=\"2.0\" and an ID (SAML core §3.2.1).")
    if check_age and idp_of(tenant).checks_issue_instant:
        check_issue_instant(root.get("IssueInstant"), now, kind)
    return root, app


def app_of_issuer(tenant, root):
    """The tenant's app whose SP entity ID is the request's Issuer (SAML core §3.2.1)."""
    issuer = issuer_of(root)
    for app in tenant.config.saml_apps:
        if app.sp_entity_id == issuer:
            return app
    raise SamlError(f"The request's Issuer {issuer!r} is no SAML app's SP entity ID on this tenant.",
                    status_code=400, title="Unknown SAML app", case="unknown_issuer", issuer=issuer or "")


def kind_of(incoming: Incoming) -> str:
    """The request's element name (AuthnRequest, LogoutRequest), before any check: where one URL
    takes both, which handler reads it."""
    xml = decode_redirect(incoming.message) if incoming.binding == REDIRECT else decode_post(incoming.message)
    return etree.QName(parse(xml)).localname


def check_query_signature(raw_query: str, app) -> None:
    raw = raw_parameters(raw_query)
    if "Signature" not in raw or "SigAlg" not in raw:
        raise SamlError("This app requires signed requests: the query has no Signature and SigAlg "
                        "(SAML bindings §3.4.4.1).", title="Unsigned SAML request")
    algorithm = SIG_ALGS.get(unquote_plus(raw["SigAlg"]))
    if algorithm is None:
        raise SamlError(f"SigAlg {unquote_plus(raw['SigAlg'])} is not supported; use RSA with SHA-256 or stronger "
                        f"({', '.join(SIG_ALGS)}).", title="Invalid SAML request signature")
    # §3.4.4.1: SAMLRequest, RelayState (if present), SigAlg, in this order, as sent.
    signed = "&".join(f"{name}={raw[name]}" for name in ("SAMLRequest", "RelayState", "SigAlg") if name in raw)
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
        certificate(app).public_key().verify(signature, signed.encode(), padding.PKCS1v15(), algorithm())
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        raise SamlError("The request's signature does not verify with the app's sp_certificate.",
                        title="Invalid SAML request signature") from None


def verified_xml(root, app):
    """The element the enveloped signature covers, checked against the app's certificate."""
    if root.find(q(DS, "Signature")) is None:
        raise SamlError("This app requires signed requests: the request has no ds:Signature.",
                        title="Unsigned SAML request")
    try:
        result = XMLVerifier().verify(root, x509_cert=app.sp_certificate,
                                      expect_config=SignatureConfiguration(location="./"))
    except (InvalidXmlSignature, InvalidInput) as error:
        raise SamlError(f"The request's signature does not verify with the app's sp_certificate: {error}",
                        title="Invalid SAML request signature") from None
    if result.signed_xml is None or result.signed_xml.get("ID") != root.get("ID"):
        raise SamlError("The signature does not cover the request itself.", title="Invalid SAML request signature")
    return result.signed_xml


def certificate(app) -> x509.Certificate:
    return x509.load_pem_x509_certificate(app.sp_certificate.encode())


def check_issue_instant(value: str | None, now: float, kind: str) -> None:
    issued = parse_time(value)
    if issued is None:
        raise SamlError(f"The {kind} has no valid IssueInstant (SAML core §3.2.1).")
    if issued < now - MAX_AGE:
        raise SamlError(f"The {kind} expired: it was issued at {value}, more than {MAX_AGE // 60} minutes ago "
                        "on this tenant's clock.", title="Expired SAML request")
    if issued > now + MAX_SKEW:
        raise SamlError(f"The {kind} was issued at {value}, in the future of this tenant's clock.",
                        title="Expired SAML request")


def parse_time(value: str | None) -> float | None:
    """An xs:dateTime in UTC, as SAML core §1.3.3 requires ("2024-05-01T12:00:00Z", fractions allowed)."""
    if not value or not value.endswith("Z"):
        return None
    try:
        return datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def issuer_of(root) -> str | None:
    return text_of(root, SAML, "Issuer")
