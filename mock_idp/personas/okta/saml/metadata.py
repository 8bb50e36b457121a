"""The app's IdP metadata (SAML metadata §2.4.3), as Okta serves it: entityID
http://www.okta.com/<app_id>, the signing certificate(s), the NameID formats, SSO by POST and
Redirect, SLO when the app has it. Unsigned, as Okta's is."""

from fastapi import Request
from fastapi.responses import Response
from lxml import etree

from .apps import entity_id, name_id_format, slo_url, sso_url
from ...certificates import der_base64
from .certificate import published_certificates
from .xml import DS, MD, POST, REDIRECT, SAMLP, q

NAME_ID_FORMATS = ("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                   "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")


def metadata(tenant, app) -> bytes:
    root = etree.Element(q(MD, "EntityDescriptor"), nsmap={"md": MD}, entityID=entity_id(app))
    descriptor = etree.SubElement(root, q(MD, "IDPSSODescriptor"),
                                  WantAuthnRequestsSigned="true" if app.sp_certificate else "false",
                                  protocolSupportEnumeration=SAMLP)
    for certificate in published_certificates(tenant):
        key = etree.SubElement(descriptor, q(MD, "KeyDescriptor"), use="signing")
        info = etree.SubElement(key, q(DS, "KeyInfo"), nsmap={"ds": DS})
        data = etree.SubElement(info, q(DS, "X509Data"))
        etree.SubElement(data, q(DS, "X509Certificate")).text = der_base64(certificate)
    if app.slo_url:
        for binding in (POST, REDIRECT):
            etree.SubElement(descriptor, q(MD, "SingleLogoutService"), Binding=binding, Location=slo_url(tenant, app))
    for name_format in dict.fromkeys((*NAME_ID_FORMATS, name_id_format(app))):
        etree.SubElement(descriptor, q(MD, "NameIDFormat")).text = name_format
    for binding in (POST, REDIRECT):
        etree.SubElement(descriptor, q(MD, "SingleSignOnService"), Binding=binding, Location=sso_url(tenant, app))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def endpoint(tenant, app):
    async def idp_metadata(request: Request) -> Response:
        return Response(metadata(tenant, app), media_type="application/xml")
    return idp_metadata
