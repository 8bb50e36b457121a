"""Auth0's token endpoint errors: the statuses and bodies of docs/vendors.md "Auth0 error bodies"."""

from ...oauth.errors import OAuthError

FORBIDDEN_ERRORS = ("invalid_grant", "unauthorized_client", "access_denied",
                    "authorization_pending", "expired_token")


class AccessDeniedError(OAuthError):
    error = "access_denied"
    status_code = 403


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
