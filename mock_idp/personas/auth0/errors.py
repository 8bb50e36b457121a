"""Auth0's token endpoint errors: the statuses and bodies of docs/vendors.md "Auth0 error bodies"."""

from ...oauth.errors import OAuthError

FORBIDDEN_ERRORS = ("invalid_grant", "unauthorized_client", "access_denied",
                    "authorization_pending", "expired_token")


class AccessDeniedError(OAuthError):
    error = "access_denied"
    status_code = 403


class OriginNotAllowedError(OAuthError):
    """An Origin the application does not allow, at /oauth/token: Auth0 logs "Failed by CORS" and
    answers as to bad client credentials, 401 access_denied "Unauthorized" (token_endpoint_response),
    nothing redeemed (docs/vendors.md, "CORS allow-lists")."""
    error = "invalid_client"
    status_code = 401
    description = "Unauthorized"


def quoting_access_denied(text: str) -> AccessDeniedError:
    """Auth0's access_denied whose words quote names ('Client "x" is not authorized to access
    "y"'): authlib refuses '"' in a description (RFC 6749 §5.2's charset, meant for redirects);
    these only go into the token endpoint's JSON body, as Auth0 sends them."""
    error = AccessDeniedError()
    error.description = "".join(c if 0x20 <= ord(c) <= 0x7E else "?" for c in text)[:400]
    return error


def token_endpoint_response(status: int, body):
    # Auth0 answers bad client credentials with 401 access_denied "Unauthorized", a bad
    # grant (and a device flow still waiting) with 403, polling too fast with 429.
    error = body.get("error") if isinstance(body, dict) else None
    if error == "invalid_client":
        return 401, {"error": "access_denied", "error_description": "Unauthorized"}
    if error in FORBIDDEN_ERRORS:
        return 403, body
    if error == "slow_down":
        return 429, body
    if error is None and body.get("scope") == "":
        del body["scope"]  # no scopes granted: Auth0 sends no `scope` member
    return status, body
