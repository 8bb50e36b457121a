"""An app's IdP metadata (SAML metadata §2.4.3): the persona's entityID, the signing
certificate(s), the NameID formats, SSO by POST and Redirect, SLO when the app has it. Signed when
the persona's is (SamlIdP.signed_metadata; the ID given in `root_attributes`)."""

from fastapi.responses import Response
from lxml import etree

from ...config.saml_fields import NAME_ID_FORMATS
from ..certificates import der_base64
from .certificate import published_certificates
from .idp import idp_of, name_id_format_name
from .response import sign
from .xml import DS, MD, POST, REDIRECT, SAMLP, q


def metadata(tenant, app, **root_attributes: str) -> bytes:
    """The metadata of `app`'s IdP; app None: the tenant's, for all its apps (one IdP serves them)."""
    idp = idp_of(tenant)
    root = etree.Element(q(MD, "EntityDescriptor"), nsmap={"md": MD}, entityID=idp.entity_id(tenant, app),
                         **root_attributes)
    descriptor = etree.SubElement(root, q(MD, "IDPSSODescriptor"),
                                  WantAuthnRequestsSigned="true" if app and app.sp_certificate else "false",
                                  protocolSupportEnumeration=SAMLP)
    for certificate in published_certificates(tenant):
        key = etree.SubElement(descriptor, q(MD, "KeyDescriptor"), use="signing")
        info = etree.SubElement(key, q(DS, "KeyInfo"), nsmap={"ds": DS})
        data = etree.SubElement(info, q(DS, "X509Data"))
        etree.SubElement(data, q(DS, "X509Certificate")).text = der_base64(certificate)
    if app is None or app.slo_url:
        for binding in (POST, REDIRECT):
            etree.SubElement(descriptor, q(MD, "SingleLogoutService"), Binding=binding,
                             Location=idp.slo_url(tenant, app))
    for name in dict.fromkeys((*idp.metadata_name_id_formats, name_id_format_name(tenant, app))):
        etree.SubElement(descriptor, q(MD, "NameIDFormat")).text = NAME_ID_FORMATS[name]
    for binding in (POST, REDIRECT):
        etree.SubElement(descriptor, q(MD, "SingleSignOnService"), Binding=binding,
                         Location=idp.sso_url(tenant, app))
    if idp.signed_metadata:
        root = sign(tenant, root, position=0)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def endpoint(tenant, app):
    async def idp_metadata(request) -> Response:
        return Response(metadata(tenant, app), media_type="application/xml")
    return idp_metadata
