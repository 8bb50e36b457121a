"""The one error of the SAML endpoints: the IdP's own error page (oauth.errors.ErrorPage, rendered
in one place by app.py) saying what is wrong with the request, with a 4xx status; never a 500.
Nothing goes to an ACS a bad request names (it may be an attacker's): the SP's developer reads the
page. `case` names the situation, for the persona to word it (SamlIdP.refused)."""

from ...oauth.errors import ErrorPage


class SamlError(ErrorPage):
    def __init__(self, description: str, status_code: int = 400, title: str = "Invalid SAML request",
                 case: str | None = None, **values: str):
        super().__init__(title, description, status_code, case, **values)
        self.note = "Nothing was sent to the service provider: the request could not be trusted or served."
