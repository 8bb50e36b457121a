"""The resource owner password credentials grant (RFC 6749 §4.3)."""

from authlib.oauth2.rfc6749 import grants

from .clients import EndUser
from .errors import InvalidGrantError
from .issuing import IssuingGrant
from ..personas.layout import CLIENT_AUTH_METHODS


class PasswordGrant(IssuingGrant, grants.ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def authenticate_user(self, username, password):
        user = self.server.issuer.authenticate(username, password)
        if user is None:
            # RFC 6749 §5.2: wrong resource owner credentials are an invalid grant.
            raise InvalidGrantError(self.server.issuer.flavor.wrong_password_message)
        return EndUser(user, auth_time=self.server.issuer.now())
