"""The hosted sign-in's "change your password" step: a user whose password was right but whose
vendor wants a new one first (Okta's PASSWORD_EXPIRED) gets this form instead of a session; once
the persona takes the new password, the sign-in goes on to the client as it would have.

The persona decides and words it all (Flavor.begin_password_change, complete_password_change,
password_change: personas/password_change.py); this page only carries it. The form posts to the
login endpoint with the authorization request it completes in hidden fields, as the login form
does, and the same CSRF token (endpoints/sso.py): an HMAC keyed by the browser's CSRF cookie, here
of the request *and* the persona's transaction token, so a form completes only its own change.
Bounded: the transaction is the persona's, one-time and short-lived (Okta: its stateToken, used up
when the password is set, five minutes), and the body is capped in front of every endpoint (web/guard.py).

Every sign-in form reads its POST through `form_sign_in` (the authorization endpoint's login page,
the device verification page, Okta's SAML sign-in), so each of them asks for the new password alike.

At a name not ours (DNS rebinding, web/same_origin.py `foreign_host`) the step is neither offered
nor taken: a rebound page's script is same-origin with the form, so with a seed's public password
it would set the user's password (a write of the directory, as Okta's authn API and Cognito's
ChangePassword, both 421 there). Signing in there is still allowed (docs/robustness.md).
"""

from typing import Callable

from fastapi import Request
from fastapi.responses import Response

from ..config import UserConfig
from ..personas.password_change import PasswordChangeRefused
from .http import browser_url, html_page
from ..web.same_origin import foreign_host
from .sso import (CHANGE_TOKEN, CONFIRM_PASSWORD, CSRF_FIELD, EXPIRED_FORM, NEW_PASSWORD, csrf_ok, csrf_token,
                  form_response, form_secret)


class SignInAgain(Exception):
    """The step cannot go on (a forged or stale form, a transaction over): the login page, saying why."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def step_page(request: Request, tenant, action: str, params, token: str, error: str | None = None,
              status: int = 200) -> Response:
    """The form: new password twice, posting `params` (the authorization request) and the token back."""
    secret, bound = form_secret(request, tenant), [*params, (CHANGE_TOKEN, token)]
    response = html_page(request, "password_change.html", status=status, words=tenant.flavor.password_change,
                         persona=tenant.display_name, tenant=tenant.name, action=browser_url(request, action),
                         params=[*bound, (CSRF_FIELD, csrf_token(secret, action, bound))], error=error)
    return form_response(request, response, tenant, secret)


def changed_user(request: Request, tenant, action: str, params, credentials: dict[str, str]) -> UserConfig:
    """The user once the persona took the new password. Raises PasswordChangeRefused (the step
    again, in the vendor's words) or SignInAgain."""
    words, token = tenant.flavor.password_change, credentials.get(CHANGE_TOKEN, "")
    if words is None or not csrf_ok(request, tenant, action, [*params, (CHANGE_TOKEN, token)],
                                    credentials.get(CSRF_FIELD, "")):
        raise SignInAgain(EXPIRED_FORM, 403)
    new, confirm = credentials.get(NEW_PASSWORD, ""), credentials.get(CONFIRM_PASSWORD, "")
    if not new or not confirm:
        raise PasswordChangeRefused(words.blank)
    if new != confirm:
        raise PasswordChangeRefused(words.mismatch)
    try:
        return tenant.flavor.complete_password_change(tenant, token, new)
    except PasswordChangeRefused as refused:
        if refused.over:
            raise SignInAgain(refused.message, 400) from None
        raise


def not_here(host: str) -> str:
    """Why the step is refused at `host`, a name not ours (the mock's words: no vendor has one)."""
    return (f"This password must be changed first, which this server does only at its own address, not at "
            f"{host[:100]!r} (--base-url, --internal-base-url, localhost). Nobody was signed in.")


# The form's own page again: (error, HTTP status, username) -> the login form, posting to the same place.
SignInAgainPage = Callable[[str, int, str], Response]


def form_sign_in(request: Request, tenant, action: str, params, credentials: dict[str, str],
                 again: SignInAgainPage) -> UserConfig | Response:
    """A sign-in form's POST (the login form's, or the change step's) for `params` at `action`: the
    user who signs in now, or the page to show instead (the step, or `again` with the reason)."""
    host = foreign_host(request)
    if CHANGE_TOKEN in credentials:
        if host is not None:  # RFC 9110 §15.5.20: not a name this server answers such a write for
            return again(not_here(host), 421, "")
        try:
            return changed_user(request, tenant, action, params, credentials)
        except PasswordChangeRefused as refused:
            return step_page(request, tenant, action, params, credentials[CHANGE_TOKEN], refused.message, 400)
        except SignInAgain as stale:
            return again(stale.message, stale.status, "")
    if not csrf_ok(request, tenant, action, params, credentials.get(CSRF_FIELD, "")):
        return again(EXPIRED_FORM, 403, "")
    username = credentials.get("username", "")
    user = tenant.verify_password(username, credentials.get("password", ""))
    # The right password, and the vendor wants a new one first (Okta's PASSWORD_EXPIRED): the step.
    token = tenant.flavor.begin_password_change(tenant, user) if user is not None else None
    if token is not None:
        return step_page(request, tenant, action, params, token) if host is None else again(not_here(host), 421, "")
    if user is None or not tenant.flavor.may_sign_in(user):
        # A wrong password: the form again, with a message; nothing goes to the client.
        return again(tenant.flavor.wrong_password_message, 200, username)
    return user
