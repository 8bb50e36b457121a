"""Authorization endpoint and the login form it shows (GET and POST, OIDC Core §3.1.2.1)."""

from functools import partial

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from ..hooks import HookFailure
from ..oauth.authorize import NeedsInteraction, NeedsLogin, authorization_parameters, authorize
from ..oauth.server import ParsedRequest
from ..web.off_loop import off_loop
from .http import browser_url, read_params, render
from .password_change import form_sign_in
from .sso import read_sign_in, set_session_cookie, sign_in_page, signed_in_user, start_session


def authorization_endpoint(issuer):
    async def authorization(request: Request) -> Response:
        # Off the event loop when a token hook may be called (response_type=token) or the store is
        # a database server (web/off_loop.py).
        return await off_loop(authorize_signed_in, request, issuer, await read_params(request),
                              needed=partial(issuer.flavor.calls_hooks, issuer), store=issuer.store)
    return authorization


def authorize_signed_in(request: Request, issuer, params) -> Response:
    user, params, just_signed_in = signed_in_user(request, issuer.tenant, params)
    try:
        response = run(request, issuer, params, user, just_signed_in)
    except HookFailure as failure:  # a token hook failed (response_type=token): say so here
        return login_page(request, issuer, params, error=failure.message, status=400)
    if just_signed_in:
        set_session_cookie(response, issuer.tenant, user)  # Okta: a sessionToken opens a session
    return response


def login(issuer):
    """The login form posts here; on success the authorization goes on as if just asked."""

    async def login_form(request: Request) -> Response:
        refused, credentials, params = await read_sign_in(request)
        if refused is not None:
            return refused
        return await off_loop(sign_in, request, issuer, credentials, params,
                              needed=partial(issuer.flavor.calls_hooks, issuer), store=issuer.store)
    return login_form


def sign_in(request: Request, issuer, credentials: dict[str, str], params) -> Response:
    def again(error: str, status: int, username: str) -> Response:
        return login_page(request, issuer, params, error=error, username=username, status=status)

    bound = authorization_parameters(issuer.flavor, params)
    user = form_sign_in(request, issuer.tenant, issuer.endpoint_url("login"), bound, credentials, again)
    return user if isinstance(user, Response) else signed_in(request, issuer, params, user)


def signed_in(request: Request, issuer, params, user) -> Response:
    """A session for the user who just signed in, and the authorization it was for."""
    try:
        with issuer.store.together():  # the SSO session and the code it signs in for: one commit
            end_user = start_session(issuer.tenant, user)
            response = run(request, issuer, params, end_user, True)
    except HookFailure as failure:
        # A token hook failed while signing in (response_type=token): the sign-in page says
        # so, as the vendor's does, and no session is opened.
        return login_page(request, issuer, params, error=failure.message, username=user.username, status=400)
    set_session_cookie(response, issuer.tenant, end_user)
    return response


def run(request: Request, issuer, params, user, just_logged_in: bool = False) -> Response:
    oauth_request = ParsedRequest(request.method, issuer.issuer, request.headers, params)
    outcome = authorize(issuer, oauth_request, user, just_logged_in)
    if isinstance(outcome, NeedsLogin):
        hint = oauth_request.payload.data.get("login_hint", "")
        return login_page(request, issuer, params, username=hint)
    if isinstance(outcome, NeedsInteraction):
        return RedirectResponse(browser_url(request, outcome.location), status_code=302)
    return render(request, *outcome)


def login_page(request: Request, issuer, params, error: str | None = None, username: str = "",
               status: int = 200):
    # Only what the authorization needs rides through the form (no echo of arbitrary input).
    params = authorization_parameters(issuer.flavor, params)
    return sign_in_page(request, issuer.tenant, issuer.endpoint_url("login"), params, error, username, status,
                        filter_action=issuer.endpoint_url("authorization_endpoint"))
