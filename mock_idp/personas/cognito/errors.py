"""Cognito's AWS JSON errors (`__type`, `message`, HTTP 400): the API reference's CommonErrors, docs/vendors.md 4c."""


class CognitoError(Exception):
    """An AWS JSON error: HTTP 400, `__type` and `message` (user_pool_api.py renders it)."""

    def __init__(self, type_: str, message: str):
        super().__init__(f"{type_}: {message}")
        self.type, self.message = type_, message


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)
