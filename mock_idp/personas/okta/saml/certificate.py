"""Okta's SAML signing certificate's subject: a self-signed 10-year certificate, O=Okta,
OU=SSOProvider, CN=<org> (personas/saml/certificate.py makes it from the tenant's key)."""

from cryptography.x509.oid import NameOID


def okta_subject(tenant) -> tuple:
    return ((NameOID.COUNTRY_NAME, "US"), (NameOID.STATE_OR_PROVINCE_NAME, "California"),
            (NameOID.LOCALITY_NAME, "San Francisco"), (NameOID.ORGANIZATION_NAME, "Okta"),
            (NameOID.ORGANIZATIONAL_UNIT_NAME, "SSOProvider"), (NameOID.COMMON_NAME, tenant.name),
            (NameOID.EMAIL_ADDRESS, "info@okta.com"))
