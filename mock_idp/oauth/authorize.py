"""The authorization endpoint as an ordered list of checks (OIDC Core §3.1.2).

Until the client and its redirect URI are verified, errors are `ErrorPage`s for the person at
the browser; after that, every error is redirected to that URI, in the requested response mode,
with the `state` it came with (RFC 6749 §4.1.2.1).
"""

from dataclasses import dataclass

from .clients import EndUser
from .errors import (
    ErrorPage,
    InvalidRequestError,
    LoginRequiredError,
    OAuthError,
    RegistrationNotSupportedError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
    UnsupportedResponseTypeError,
    describe,
    safe_description,
    with_case,
)
from .server import repeated_parameters
from .responses import RESPONSE_MODES, authorization_response, default_response_mode, web_origin
from .logout_token import remember_client


# What an authorization request may carry (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3,
# RFC 8707 §2); only these survive the login page (each persona may add its own).
AUTHORIZATION_PARAMETERS = (
    "response_type", "client_id", "redirect_uri", "scope", "state", "response_mode", "nonce",
    "display", "prompt", "max_age", "ui_locales", "id_token_hint", "login_hint", "acr_values",
    "claims_locales", "code_challenge", "code_challenge_method", "audience", "resource",
)
# OIDC Core §3.1.2.6: request objects (§6) and the registration parameter (§7.2.1) are not served
# (discovery: request_parameter_supported and request_uri_parameter_supported false). A client that
# sends one is told so, rather than served without whatever it put there.
NOT_SUPPORTED = (
    ("request", RequestNotSupportedError, "Request objects (the request parameter) are not supported."),
    ("request_uri", RequestURINotSupportedError, "The request_uri parameter is not supported."),
    ("registration", RegistrationNotSupportedError, "The registration parameter is not supported."),
)
MAX_AGE_DIGITS = 10  # about 317 years: anything longer is a mistake, not a policy


def authorization_parameters(flavor, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    known = set(AUTHORIZATION_PARAMETERS) | set(flavor.extra_authorization_parameters)
    return [(k, v) for k, v in params if k in known]


@dataclass(frozen=True)
class NeedsLogin:
    """The user must (re-)authenticate before the authorization can complete."""


class NeedsInteraction(Exception):
    """A persona's page must be answered before the authorization goes on (Auth0's organization
    prompt): the browser is sent to `location`, which comes back to the authorization endpoint."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


def authorize(issuer, request, user: EndUser | None, just_logged_in: bool = False):
    """(status, body, headers) for the client, NeedsLogin or NeedsInteraction."""
    try:
        redirect_uri = verified_redirect_uri(issuer, request)
    except ErrorPage as error:
        raise issuer.flavor.page_error(error) from None
    data = request.payload.data
    mode = default_response_mode(request.payload.response_type)
    try:
        client = issuer.server.query_client(request.payload.client_id).config  # verified above
        mode = checked_response_mode(request, data.get("response_mode") or mode, issuer.flavor, redirect_uri, client)
        repeated = repeated_parameters(request)
        if repeated is not None:
            raise repeated
        check_response_type_is_quotable(request)
        check_supported_parameters(data)
        grant = issuer.server.get_consent_grant(request, end_user=user)
        issuer.flavor.check_authorization_scopes(issuer, (request.payload.scope or "").split())
        check_pkce_for_public_client(request)
        request.audience = issuer.flavor.resolve_audience(
            issuer, request.client.config, data.get("audience") or data.get("resource"),
            grant_type="authorization_code")
        silent = "none" in (data.get("prompt") or "").split()
        issuer.flavor.authorization_context(issuer, request.client.config, data, None)  # refusals before sign-in
        if needs_login(data, user, just_logged_in, issuer.now()):
            if silent:
                raise with_case(LoginRequiredError(), "login_required")
            return NeedsLogin()
        # The person is known: may they use this client (Entra's user assignment)? A refusal is
        # shown on the page, or redirected when no page may be shown (OIDC Core §3.1.2.1, prompt=none).
        issuer.flavor.check_user_access(issuer, request.client.config, user.config,
                                        (request.payload.scope or "").split(), "redirect" if silent else "page")
        # What the grant's tokens carry of this request (Auth0's organization), kept with its code.
        request.authorization_context = issuer.flavor.authorization_context(
            issuer, request.client.config, data, user.config)
        response = grant.create_authorization_response(redirect_uri, user)
        remember_client(issuer, request.client.config, user)  # Back-Channel Logout §2.3
        return response
    except NeedsInteraction as interaction:
        return interaction
    except OAuthError as error:
        if error.error == "login_required" and getattr(error, "case", None) is None:
            with_case(error, "login_required")  # authlib's own, from its prompt=none check
        # Every error says what went wrong, in the vendor's words for its case (SPA SDKs such as
        # okta-auth-js take an error only with its error_description).
        body = issuer.flavor.authorization_error_body(describe(error, issuer.flavor).get_body(), data)
        # An error of a post-message mode travels in the message too (login_required for a silent
        # renew in a hidden frame): the frame is never sent anywhere.
        return authorization_response(redirect_uri, body, mode, request.payload.state, issuer.flavor.post_message)


def verified_redirect_uri(issuer, request) -> str:
    """The client's registered redirect URI for this request, or an ErrorPage."""
    client_id = request.payload.client_id
    if not client_id:
        raise ErrorPage("invalid_request", "The request has no client_id.")
    if len(request.payload.datalist.get("client_id", [])) > 1:
        raise ErrorPage("invalid_request", "client_id is given more than once.")
    client = issuer.server.query_client(client_id)
    if client is None:
        raise ErrorPage("invalid_client", f"There is no client '{client_id}' on this tenant.",
                        case="unknown_client", client_id=client_id, tenant=issuer.name)
    requested = request.payload.redirect_uri
    if len(request.payload.datalist.get("redirect_uri", [])) > 1:
        raise ErrorPage("invalid_request", "redirect_uri is given more than once.")
    if requested:
        if not client.check_redirect_uri(requested):
            raise ErrorPage(
                "invalid_request",
                f"The redirect_uri '{requested}' is not registered for client '{client_id}'.",
                case="unregistered_redirect_uri", client_id=client_id, redirect_uri=requested,
            )
        return requested
    default = client.get_default_redirect_uri()
    if default is None:
        raise ErrorPage("invalid_request", "The request has no redirect_uri.")
    return default


def checked_response_mode(request, mode: str, flavor, redirect_uri: str, client) -> str:
    if mode in flavor.post_message_modes:
        # The page posts to the redirect URI's origin: a custom scheme has none to post to.
        origin = web_origin(redirect_uri)
        if origin is None:
            raise InvalidRequestError(f"response_mode={mode} needs an http or https redirect_uri.")
        if not may_post_to(flavor, client, redirect_uri):
            # Shown, never posted: no page of that origin may read it (Auth0's Allowed Web Origins).
            raise flavor.page_error(ErrorPage(
                "invalid_request", f"The origin of redirect_uri '{redirect_uri}' may not receive web messages.",
                case="unregistered_web_origin", redirect_uri=redirect_uri))
        return mode
    if mode not in RESPONSE_MODES:
        raise InvalidRequestError(f"Unsupported response_mode '{safe_description(mode)}'.")
    response_types = (request.payload.response_type or "").split()
    # OAuth 2.0 Multiple Response Types §5: tokens must not be put in the query string.
    if mode == "query" and ("token" in response_types or "id_token" in response_types):
        raise InvalidRequestError("response_mode=query is not allowed with this response_type.")
    return mode


def may_post_to(flavor, client, redirect_uri: str) -> bool:
    """Whether a post-message page may send this client's answer to redirect_uri's origin."""
    allowed = flavor.web_message_origins(client)
    return web_origin(redirect_uri) in {web_origin(uri) for uri in (client.redirect_uris if allowed is None else allowed)}


def check_supported_parameters(data: dict) -> None:
    for name, error, description in NOT_SUPPORTED:
        if name in data:
            raise error(description)


def check_response_type_is_quotable(request) -> None:
    """authlib quotes an unsupported response_type in its error, and an RFC 6749 §5.2
    error_description cannot hold quotes, backslashes or non-ASCII: refuse those here."""
    response_type = request.payload.response_type or ""
    if safe_description(response_type) != response_type:
        raise UnsupportedResponseTypeError(
            response_type, f"The response type '{safe_description(response_type)}' is not supported.")


def check_pkce_for_public_client(request) -> None:
    """A public client cannot keep a secret, so its code is bound with PKCE (RFC 7636, OAuth 2.1)."""
    client = request.client
    response_types = (request.payload.response_type or "").split()
    if client.config.is_public and "code" in response_types and not request.payload.data.get("code_challenge"):
        raise InvalidRequestError("PKCE code_challenge is required for public clients.")


def needs_login(data: dict, user: EndUser | None, just_logged_in: bool, now: int) -> bool:
    max_age = data.get("max_age")
    max_age = parse_max_age(max_age) if max_age is not None else None
    if user is None:
        return True
    if just_logged_in:
        return False
    if "login" in (data.get("prompt") or "").split():
        return True
    # OIDC Core §3.1.2.1: re-authenticate when the last login is older than max_age.
    return max_age is not None and now - user.auth_time > max_age


def parse_max_age(value: str) -> int:
    # ASCII digits only (str.isdigit also takes "²"), few enough for int() and for sense.
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_AGE_DIGITS:
        raise InvalidRequestError(f"max_age must be a non-negative integer of at most {MAX_AGE_DIGITS} digits.")
    return int(value)
