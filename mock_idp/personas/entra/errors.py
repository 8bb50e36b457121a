"""Entra's error bodies: `error`, `error_description` starting "AADSTS<code>: ", `error_codes`,
`timestamp`, `trace_id`, `correlation_id`, `error_uri` (docs/vendors.md, "Entra ID errors")."""

import re
import uuid
from datetime import datetime, timezone

from ...oauth.errors import OAuthError

CODE = re.compile(r"^AADSTS(\d+): ")
# Errors authlib raises in the RFC's words, given Entra's code for the same situation.
BY_ERROR = {
    "invalid_request": 900144,
    "invalid_client": 7000215,
    "invalid_grant": 70000,
    "unauthorized_client": 700016,
    "unsupported_grant_type": 70003,
    "invalid_scope": 70011,
    "unsupported_response_type": 700054,
    "access_denied": 65004,
}

# By case (oauth.errors.with_case): Entra's message for each.
DESCRIPTIONS = {
    "unknown_client": "AADSTS700016: Application with identifier was not found in the directory. This can happen "
                      "if the application has not been installed by the administrator of the tenant.",
    "bad_client_secret": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
                         "is the client secret value, not the client secret ID.",
    "no_client_credentials": "AADSTS7000218: The request body must contain the following parameter: "
                             "'client_assertion' or 'client_secret'.",
    "auth_method_not_registered": "AADSTS7000215: Invalid client secret provided.",
    "invalid_code": "AADSTS70000: The provided value for the 'code' parameter is not valid.",
    "redirect_uri_mismatch": "AADSTS50148: The redirect_uri does not match the one of the authorization request.",
    "code_verifier_mismatch": "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the "
                              "authorization request.",
    "invalid_refresh_token": "AADSTS9002313: Invalid request. Request is malformed or invalid.",
    "assertion_signature": "AADSTS700027: Client assertion contains an invalid signature.",
    "assertion_expired": "AADSTS700024: Client assertion is not within its valid time range.",
    "assertion_lifetime": "AADSTS700024: Client assertion is not within its valid time range.",
    "assertion_audience": "AADSTS700021: Client assertion audience claim does not match Realm issuer.",
    "assertion_keys": "AADSTS700027: Client assertion failed signature validation.",
    "assertion_invalid": "AADSTS50027: JWT token is invalid or malformed.",
    "assertion_malformed": "AADSTS50027: JWT token is invalid or malformed.",
    "assertion_replayed": "AADSTS700027: Client assertion contains an invalid signature.",
}

WRONG_PASSWORD = "AADSTS50126: Error validating credentials due to invalid username or password."


class EntraError(OAuthError):
    """An error raised in Entra's own words (its AADSTS code in the description)."""

    def __init__(self, error: str, description: str, status_code: int = 400):
        super().__init__(description=description, status_code=status_code)
        self.error = error


def shaped(body: dict) -> dict:
    """An OAuth error body in Entra's shape."""
    description = body.get("error_description") or ""
    match = CODE.match(description)
    if match is None:
        code = BY_ERROR.get(body.get("error"), 90000)
        description = f"AADSTS{code}: {description}"
    else:
        code = int(match.group(1))
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    return {
        "error": body.get("error"),
        "error_description": f"{description} Trace ID: {trace} Correlation ID: {correlation} "
                             f"Timestamp: {now.strftime('%Y-%m-%d %H:%M:%SZ')}",
        "error_codes": [code],
        "timestamp": now.strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }
