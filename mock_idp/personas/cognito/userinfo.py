"""The hosted UI's /oauth2/userInfo refusals as Cognito answers them (docs/vendors.md, "Cognito
signing keys and userInfo errors"): the error and its description in the body and in the Bearer
challenge, no realm; a token without `openid` (the user-pool API's, a client's own, an ID token) is
an invalid_token "Access token does not contain openid scope"; a request without a usable Bearer
header is the documented 400 invalid_request."""

from ...oauth.errors import InvalidTokenError

BAD_REQUEST = "Bad OAuth2 request at UserInfo Endpoint"
BAD_TOKEN = "Access token is expired, disabled, or deleted, or the user has globally signed out."
NO_OPENID = "Access token does not contain openid scope"
# The endpoint's case (endpoints/userinfo.py) -> Cognito's status, error and description.
ANSWERS = {
    "no_token": (400, "invalid_request", BAD_REQUEST),
    "malformed": (400, "invalid_request", BAD_REQUEST),
    "invalid_token": (401, "invalid_token", BAD_TOKEN),
    "not_access_token": (401, "invalid_token", NO_OPENID),  # an ID token has no scope claim
    "no_end_user": (401, "invalid_token", NO_OPENID),  # a client_credentials token never has openid
    "no_openid": (401, "invalid_token", NO_OPENID),
}


class UserInfoError(InvalidTokenError):
    """An RFC 6750 §3 refusal with its error in the Bearer challenge, whatever its code and status."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description, status_code=status)
        self.error = error


def userinfo_error(case: str, error):
    answer = ANSWERS.get(case)
    return error if answer is None else UserInfoError(*answer)
