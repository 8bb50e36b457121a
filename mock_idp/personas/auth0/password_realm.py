"""Auth0's password-realm grant (`http://auth0.com/oauth/grant-type/password-realm`): the
resource owner password grant, with `realm` naming the database connection the user is in.

It is what auth0-python's `GetToken.login(username, password, realm=...)` sends. Wrong password,
unknown user and unknown realm all answer 403 invalid_grant "Wrong email or password." (the
persona's token response makes invalid_grant a 403), so a caller cannot probe for connections;
the right password of a blocked user answers 403 invalid_grant "user is blocked", as Auth0's
/oauth/token does (docs/vendors.md, "Okta and Auth0 API answers checked against their SDKs").
"""

import hmac

from authlib.oauth2.rfc6749.errors import InvalidRequestError, UnauthorizedClientError

from ...oauth.clients import EndUser
from ...oauth.errors import InvalidGrantError, with_case
from ...oauth.password import PasswordGrant
from ...config.fields import user_key

GRANT_TYPE = "http://auth0.com/oauth/grant-type/password-realm"


class PasswordRealmGrant(PasswordGrant):
    GRANT_TYPE = GRANT_TYPE

    def validate_token_request(self):
        for name in ("username", "password", "realm"):  # in Auth0's words
            if not self.request.payload.data.get(name):
                raise InvalidRequestError(f"Missing required parameter: {name}")
        try:
            super().validate_token_request()
        except UnauthorizedClientError as error:
            error.description = f"Grant type '{GRANT_TYPE}' not allowed for the client."
            raise

    def authenticate_user(self, username, password):
        issuer = self.server.issuer
        user = user_in_connection(issuer, username, self.request.payload.data["realm"])
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            raise InvalidGrantError(issuer.flavor.wrong_password_message)
        if issuer.authenticate(user.username, password) is None:
            raise with_case(InvalidGrantError(), "user_blocked")  # blocked through the Management API
        return EndUser(user, auth_time=self.server.issuer.now())


GRANT = PasswordRealmGrant  # what personas/vendor_api.py registers


def user_in_connection(tenant, login: str, connection: str):
    """The user of `connection` whose username (as the persona compares them), or email
    (case-insensitive, NFC), is `login`."""
    user = tenant.find_user(login)
    if user is not None and user.connection == connection:
        return user
    email = user_key(login, case_insensitive=True)
    return next((user for user in tenant.all_users() if user.connection == connection
                 and user_key(str(user.claims.get("email", "")), case_insensitive=True) == email), None)
