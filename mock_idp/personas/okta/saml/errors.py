"""The one error of the SAML endpoints: the app's own error page (oauth.errors.ErrorPage, rendered
in one place by app.py) saying what is wrong with the request, with a 4xx status; never a 500.
Like Okta, nothing goes to an ACS a bad request names (it may be an attacker's): the SP's
developer reads the page."""

from ....oauth.errors import ErrorPage


class SamlError(ErrorPage):
    def __init__(self, description: str, status_code: int = 400, title: str = "Invalid SAML request"):
        super().__init__(title, description, status_code)
        self.note = "Nothing was sent to the service provider: the request could not be trusted or served."

