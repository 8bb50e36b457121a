"""The two kinds of error (dex's split, RFC 6749 §4.1.2.1):

- `OAuthError` (authlib's OAuth2Error and its RFC-named subclasses) goes back to the client:
  JSON from back-channel endpoints, or a redirect to a *verified* redirect URI.
- `ErrorPage` is shown to the person at the browser and is never redirected, because the
  redirect URI could not be trusted (unknown client, unregistered redirect_uri).
"""

import re

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
from authlib.oauth2.rfc6750.errors import InsufficientScopeError as _InsufficientScopeError
from authlib.oauth2.rfc6750.errors import InvalidTokenError
from authlib.oidc.core.errors import (
    InteractionRequiredError,
    LoginRequiredError,
    RegistrationNotSupportedError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
)

__all__ = [
    "AccessDeniedError",
    "ErrorPage",
    "InsufficientScopeError",
    "InteractionRequiredError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidRequestError",
    "InvalidScopeError",
    "InvalidTokenError",
    "LoginRequiredError",
    "MissingTokenError",
    "OAuthError",
    "RegistrationNotSupportedError",
    "RequestNotSupportedError",
    "RequestURINotSupportedError",
    "UnauthorizedClientError",
    "UnsupportedResponseTypeError",
    "describe",
    "safe_description",
    "with_case",
]

# RFC 6749 §5.2 and RFC 7009 §2.2.1, for the errors authlib raises without a description.
DESCRIPTIONS = {
    "invalid_request": "The request is missing a required parameter or is otherwise malformed.",
    "invalid_client": "Client authentication failed.",
    "invalid_grant": "The authorization grant or refresh token is invalid, expired, revoked, "
                     "or was issued to another client.",
    "unauthorized_client": "The client is not authorized to use this grant type.",
    "unsupported_grant_type": "The grant type is not supported.",
    "invalid_scope": "The requested scope is invalid, unknown or malformed.",
    "unsupported_token_type": "The token type hint is not supported.",
}


# A wording's {placeholder} for a particular of the error; one the error lacks stays as written.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def describe(error: OAuthError, flavor=None) -> OAuthError:
    """Word the error as the persona does for its case (its particulars, such as {client_id},
    filled in); else make sure it says what went wrong."""
    case = getattr(error, "case", None)
    wording = flavor.error_description(case) if flavor is not None and case else None
    if wording:
        values = flavor.error_values(case, getattr(error, "values", {}))
        error.description = PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), wording)
    elif not error.description:
        error.description = DESCRIPTIONS.get(error.error, error.error)
    return error


def with_case(error: OAuthError, case: str, **values: str) -> OAuthError:
    """Name the situation an error reports (e.g. "invalid_code"), and its particulars (each safe
    to quote: safe_description), so the persona can word it."""
    error.case = case
    error.values = values
    return error



class InsufficientScopeError(_InsufficientScopeError):
    """RFC 6750 §3: a 403 for a token that lacks scope still carries the Bearer challenge."""

    def __init__(self, description=None, realm=None, scope=None):
        super().__init__(description)
        self.realm = realm
        self.scope = scope

    def get_headers(self):
        attributes = [f'realm="{self.realm}"'] if self.realm else []
        attributes += [f'error="{self.error}"', f'error_description="{self.get_error_description()}"']
        if self.scope:
            attributes.append(f'scope="{self.scope}"')
        return super().get_headers() + [("WWW-Authenticate", "Bearer " + ", ".join(attributes))]


class MissingTokenError(OAuthError):
    """RFC 6750 §3.1: a request without credentials gets a bare Bearer challenge (no error code in it)."""

    error = "invalid_request"
    status_code = 401

    def __init__(self, description=None, realm=None):
        super().__init__(description)
        self.realm = realm

    def get_headers(self):
        return super().get_headers() + [("WWW-Authenticate", f'Bearer realm="{self.realm}"' if self.realm else "Bearer")]


class ErrorPage(Exception):
    """An error the user sees on our own page (never sent to an unverified redirect URI)."""

    def __init__(self, error: str, description: str, status_code: int = 400, case: str | None = None,
                 **values: str):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status_code = status_code
        # The situation and its particulars, for a persona to word it (Flavor.page_error).
        self.case = case
        self.values = values


def safe_description(text: str) -> str:
    """RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E."""
    return "".join(c if (0x20 <= ord(c) <= 0x7E and c not in '"\\') else "?" for c in text)[:300]
