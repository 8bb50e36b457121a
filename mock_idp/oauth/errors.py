"""The two kinds of error (dex's split, RFC 6749 §4.1.2.1):

- `OAuthError` (authlib's OAuth2Error and its RFC-named subclasses) goes back to the client:
  JSON from back-channel endpoints, or a redirect to a *verified* redirect URI.
- `ErrorPage` is shown to the person at the browser and is never redirected, because the
  redirect URI could not be trusted (unknown client, unregistered redirect_uri).
"""

from authlib.oauth2 import OAuth2Error as OAuthError
from authlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    UnauthorizedClientError,
    UnsupportedResponseTypeError,
)
from authlib.oauth2.rfc6750.errors import InsufficientScopeError, InvalidTokenError
from authlib.oidc.core.errors import LoginRequiredError

__all__ = [
    "AccessDeniedError",
    "ErrorPage",
    "InsufficientScopeError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidRequestError",
    "InvalidScopeError",
    "InvalidTokenError",
    "LoginRequiredError",
    "OAuthError",
    "UnauthorizedClientError",
    "UnsupportedResponseTypeError",
    "safe_description",
]


class ErrorPage(Exception):
    """An error the user sees on our own page (never sent to an unverified redirect URI)."""

    def __init__(self, error: str, description: str, status_code: int = 400):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status_code = status_code


def safe_description(text: str) -> str:
    """RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E."""
    return "".join(c if (0x20 <= ord(c) <= 0x7E and c not in '"\\') else "?" for c in text)[:300]
