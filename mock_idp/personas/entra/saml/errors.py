"""Entra's words for a refused SAML request, on its sign-in error page ("Sorry, but we're having
trouble signing you in." and an AADSTS code, docs/vendors.md, "Entra ID SAML apps"): the SAML
machinery's cases (personas/saml/) given Entra's codes; the page's ids come from errors.page_error."""

from .. import errors
from .apps import tid

TITLE = "Sorry, but we're having trouble signing you in."
# Cases of the SAML machinery -> the case of Entra's page words (errors.PAGE_DESCRIPTIONS) it is.
AS_PAGE_CASE = {"unknown_issuer": "unknown_client", "unknown_app": "unknown_client",
                "wrong_acs": "unregistered_redirect_uri"}
SAML_WORDS = {
    "no_request": "AADSTS750054: SAMLRequest or SAMLResponse must be present as query string parameters in HTTP "
                  "request for SAML Redirect binding.",
}
INVALID = "AADSTS75005: The request is not a valid Saml2 protocol message."


def refused(tenant, error):
    """The SamlError `error` in Entra's words; the mock's own detail stays below them."""
    detail = error.description
    values = {"tenant": tid(tenant), "client_id": error.values.get("issuer") or error.values.get("app_id", ""),
              "redirect_uri": error.values.get("acs", "")}
    template = errors.PAGE_DESCRIPTIONS.get(AS_PAGE_CASE.get(error.case or "", ""))
    error.description = (template.format(**values) if template
                         else SAML_WORDS.get(error.case or "", INVALID))
    error.error = TITLE
    error = errors.page_error(error)
    error.note = f"{error.note} (mock_idp: {detail})"
    return error
