"""SAML 2.0 single sign-on, vendor-free: a persona's SAML apps are served by these parts, in the
words, URLs and defaults its `SamlIdP` gives (idp.py; `Flavor.saml_idp`), under the routes of its
own folder (okta/saml/, entra/saml/).

What does which part:
- idp.py: what a persona says (SamlIdP, Shape), and the app's defaults resolved with it.
- xml.py: the bindings decoded and the XML parsed safely (no DTD, entities or network).
- messages.py: incoming AuthnRequest/LogoutRequest checks (signature, age, the app by its Issuer);
  errors.py: the page.
- response.py: the assertion from the user's claims, signed with signxml; certificate.py: the key's certificate.
- metadata.py: the IdP metadata; sign_on.py: SSO and the login page; logout.py: SLO.
- scenarios.py: the next Response defective, when the admin API armed it.
- watched.py: what the admin API watches (scenarios, the audit trail with the decoded XML).
- preview.py: the Response decoded on a page (the tenant page's "see the assertion" link).
"""

import importlib

from fastapi import Request
from fastapi.responses import Response

from .errors import SamlError


def lazy(factory: str, tenant, *args):
    """The endpoint `factory` ("module.function" of this package) makes of (tenant, *args), imported
    on its first request: lxml and signxml cost ~70 ms of start-up that servers without SAML
    sign-ins never need. A SamlError is worded by the persona (SamlIdP.refused)."""
    handler = None

    async def endpoint(request: Request) -> Response:
        nonlocal handler
        if handler is None:
            module, _, name = factory.rpartition(".")
            handler = getattr(importlib.import_module(f"{__name__}.{module}"), name)(tenant, *args)
        try:
            return await handler(request)
        except SamlError as error:
            raise tenant.flavor.saml_idp.refused(tenant, error) from None
    endpoint.__name__ = factory.replace(".", "_")
    return endpoint
