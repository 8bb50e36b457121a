"""Entra's error bodies: `error`, `error_description` starting "AADSTS<code>: ", `error_codes`,
`timestamp`, `trace_id`, `correlation_id`, `error_uri` (docs/vendors.md, "Entra ID errors")."""

import re
import uuid
from datetime import datetime, timezone

from ...oauth.errors import OAuthError, safe_description

CODE = re.compile(r"^AADSTS(\d+): ")
# Errors authlib raises in the RFC's words, given Entra's code for the same situation.
BY_ERROR = {
    "invalid_request": 900144,
    "invalid_client": 7000215,
    "invalid_grant": 70000,
    # The mock's per-client grant_types have no Entra twin: its nearest is an unsupported grant type.
    "unauthorized_client": 70003,
    "unsupported_grant_type": 70003,
    "invalid_scope": 70011,
    "unsupported_response_type": 700054,
    "access_denied": 65004,
}

# Errors the RFCs name without words (OIDC Core §3.1.2.6), as Entra words them.
UNWORDED = {
    "login_required": "AADSTS50058: A silent sign-in request was sent but no user is signed in. The cookies used to "
                      "represent the user's session were not sent in the request to Azure AD. This can happen if "
                      "the user is using Internet Explorer or Edge, and the web app sending the silent sign-in "
                      "request is in different IE security zone than the Azure AD endpoint "
                      "(login.microsoftonline.com).",
}

# By case (oauth.errors.with_case): Entra's message for each.
DESCRIPTIONS = {
    "unknown_client": "AADSTS700016: Application with identifier '{client_id}' was not found in the directory "
                      "'{tenant}'. This can happen if the application has not been installed by the administrator "
                      "of the tenant or consented to by any user in the tenant. You may have sent your "
                      "authentication request to the wrong tenant.",
    "public_client_with_secret": "AADSTS700025: Client is public so neither 'client_assertion' nor "
                                 "'client_secret' should be presented.",
    "bad_client_secret": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
                         "is the client secret value, not the client secret ID.",
    "no_client_credentials": "AADSTS7000218: The request body must contain the following parameter: "
                             "'client_assertion' or 'client_secret'.",
    "auth_method_not_registered": "AADSTS7000215: Invalid client secret provided.",
    "invalid_code": "AADSTS70000: The provided value for the 'code' parameter is not valid.",
    "code_replayed": "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid "
                     "code or use an existing refresh token.",
    "code_expired": "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. "
                    "Send a new interactive authorization request for this user and resource.",
    "redirect_uri_mismatch": "AADSTS50011: The reply address does not match the reply address provided when "
                             "requesting Authorization code.",
    "code_verifier_mismatch": "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the "
                              "authorization request.",
    "invalid_refresh_token": "AADSTS9002313: Invalid request. Request is malformed or invalid.",
    # prompt=none without a session (ssoSilent), now worded by case at the authorization endpoint.
    "login_required": UNWORDED["login_required"],
    # docs/vendors.md, "Entra ID refresh token errors": inactivity and revocation, as tenants answer them.
    "refresh_token_expired": "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on "
                             "{issued_at} and was inactive for {lifetime}.",
    # docs/vendors.md, "SPA SDKs in the browser": a SPA's refresh tokens end 24 hours after sign-in.
    "refresh_token_fixed_lifetime_expired": "AADSTS700084: The refresh token was issued to a single page app (SPA), "
                                            "and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot "
                                            "be extended. It is now expired and a new sign in request must be sent "
                                            "by the SPA to the sign in page.",
    "refresh_token_revoked": "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token "
                             "is needed. The user might have changed or reset their password.",
    "assertion_signature": "AADSTS700027: Client assertion contains an invalid signature.",
    "assertion_expired": "AADSTS700024: Client assertion is not within its valid time range.",
    "assertion_lifetime": "AADSTS700024: Client assertion is not within its valid time range.",
    "assertion_audience": "AADSTS700023: Client assertion audience claim does not match Realm issuer. Review the "
                          "documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    "assertion_keys": "AADSTS700027: Client assertion failed signature validation.",
    # No key of the app has the assertion's x5t / x5t#S256 (Entra's reason; the thumbprint and the
    # rest of its sentence are not faked).
    "assertion_unknown_key": "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key "
                             "was not found.]",
    "assertion_invalid": "AADSTS50027: JWT token is invalid or malformed.",
    "assertion_malformed": "AADSTS50027: JWT token is invalid or malformed.",
    "assertion_replayed": "AADSTS700027: Client assertion contains an invalid signature.",
}

# The authorization endpoint's errors shown on Entra's own page, never redirected (the client or
# its redirect URI is not verified): by case (oauth.errors.ErrorPage), docs/vendors.md.
PAGE_DESCRIPTIONS = {
    "unknown_client": "AADSTS700016: Application with identifier '{client_id}' was not found in the directory "
                      "'{tenant}'. This can happen if the application has not been installed by the administrator "
                      "of the tenant or consented to by any user in the tenant. You may have sent your "
                      "authentication request to the wrong tenant.",
    "unregistered_redirect_uri": "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not "
                                 "match the redirect URIs configured for the application '{client_id}'. Make sure "
                                 "the redirect URI sent in the request matches one added to your application in "
                                 "the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn "
                                 "more about how to fix this.",
}
# Errors redirected to the client that authlib raises in the RFC's words, as Entra words them:
# (error, description). At the authorization endpoint authlib's unauthorized_client is always a
# response_type the client may not use, which Entra calls unsupported_response_type.
NOT_ENABLED = ("unsupported_response_type",
               "AADSTS700054: response_type '{response_type}' is not enabled for the application.")
REDIRECTED = {"unsupported_response_type": NOT_ENABLED, "unauthorized_client": NOT_ENABLED}

WRONG_PASSWORD = "AADSTS50126: Error validating credentials due to invalid username or password."
# The `error` and HTTP status Entra pairs a code with where they differ from the RFC error the mock
# raised (docs/vendors.md, "Entra ID errors, checked"): client authentication failures are 401; an
# unknown application is unauthorized_client; a malformed client assertion is invalid_request.
ERROR_OF_CODE = {
    7000215: ("invalid_client", 401), 7000218: ("invalid_client", 401), 700023: ("invalid_client", 401),
    700025: ("invalid_client", 401),
    700024: ("invalid_client", 401), 700027: ("invalid_client", 401),
    700016: ("unauthorized_client", 400), 50027: ("invalid_request", 400),
}
# The `suberror` Entra adds for a refresh token that can no longer be used (a captured AADSTS50173
# answer); MSAL reads it as "interaction required" (msal-node's InteractionRequiredAuthError).
SUBERRORS = {50173: "bad_token", 700082: "bad_token", 50076: "basic_action"}  # 50076: MFA required (captured)
# What polling the device code flow answers (AADSTS70016 as MSAL's own test fixtures quote it;
# the others as the AADSTS reference words them): docs/vendors.md, "Entra ID, as MSAL drives it".
DEVICE_MESSAGES = {
    "pending_message": "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    "expired_message": "AADSTS70019: Verification code expired. Have the user retry the sign-in.",
    "denied_message": "AADSTS65004: User declined to consent to access the app.",
    "denied_error": "authorization_declined",  # v2-oauth2-device-code, "Expected errors"
    "invalid_message": "AADSTS70000: The provided value for the 'device_code' parameter is not valid.",
}
# authlib's words for a missing parameter, and Entra's (reference-error-codes, AADSTS900144).
MISSING = re.compile(r"^Missing '([a-z_]+)' in request\.$")


def error_values(values: dict[str, str]) -> dict[str, str]:
    """Times as Entra prints them: an instant to the 100 ns tick (2018-10-19T17:26:59.8511467Z),
    a duration as a .NET TimeSpan ([d.]hh:mm:ss: 90.00:00:00)."""
    shown = dict(values)
    if values.get("issued_at", "").isdigit():
        instant = datetime.fromtimestamp(int(values["issued_at"]), timezone.utc)
        shown["issued_at"] = instant.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    if values.get("lifetime", "").isdigit():
        days, rest = divmod(int(values["lifetime"]), 86400)
        clock = f"{rest // 3600:02}:{rest % 3600 // 60:02}:{rest % 60:02}"
        shown["lifetime"] = f"{days}.{clock}" if days else clock
    return shown


class EntraError(OAuthError):
    """An error raised in Entra's own words (its AADSTS code in the description)."""

    def __init__(self, error: str, description: str, status_code: int = 400):
        super().__init__(description=description, status_code=status_code)
        self.error = error


def page_error(error):
    """An ErrorPage worded by the persona (PAGE_DESCRIPTIONS), with the ids Entra's page shows."""
    body = shaped({"error": error.error, "error_description": error.description})
    error.description = body["error_description"]
    error.note = f"Request Id: {body['trace_id']} Correlation Id: {body['correlation_id']} Timestamp: {body['timestamp']}"
    return error


def redirected(body: list[tuple[str, str]], data: dict) -> list[tuple[str, str]]:
    """An authorization error for the client's redirect URI: `error`, `error_description` with
    its AADSTS code and ids, `error_uri` (the JSON-only members stay out of the URL)."""
    fields = dict(body)
    worded = REDIRECTED.get(fields.get("error"))
    if worded and not CODE.match(fields.get("error_description") or ""):
        fields["error"], template = worded
        fields["error_description"] = template.format(response_type=safe_description(data.get("response_type", "")))
    entra = shaped(fields)
    return [(key, entra[key]) for key in ("error", "error_description", "error_uri")]


def token_error(status: int, body: dict, client_request_id: str | None = None) -> tuple[int, dict]:
    """The token endpoint's error: Entra's shape, and the `error` and status of its code. The
    correlation id is the request's `client-request-id` (the GUID MSAL sends with each request)."""
    entra = shaped(body, correlation_of(client_request_id))
    code = entra["error_codes"][0]
    error, status = ERROR_OF_CODE.get(code, (entra["error"], status))
    if code in SUBERRORS:
        entra["suberror"] = SUBERRORS[code]
    return status, {**entra, "error": error}


def correlation_of(client_request_id: str | None) -> str | None:
    """The client's own correlation id, if it is a GUID (else Entra makes one)."""
    try:
        return str(uuid.UUID(client_request_id)) if client_request_id else None
    except ValueError:
        return None


def shaped(body: dict, correlation: str | None = None) -> dict:
    """An OAuth error body in Entra's shape: the ids and time end the description, each on a
    line of its own (CRLF), as in Entra's answers."""
    description = body.get("error_description") or UNWORDED.get(body.get("error"), "")
    if missing := MISSING.match(description):
        description = f"The request body must contain the following parameter: '{missing.group(1)}'."
    match = CODE.match(description)
    if match is None:
        code = BY_ERROR.get(body.get("error"), 90000)
        description = f"AADSTS{code}: {description}"
    else:
        code = int(match.group(1))
    trace, correlation = str(uuid.uuid4()), correlation or str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    return {
        "error": body.get("error"),
        "error_description": f"{description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\n"
                             f"Timestamp: {now.strftime('%Y-%m-%d %H:%M:%SZ')}",
        "error_codes": [code],
        "timestamp": now.strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }
