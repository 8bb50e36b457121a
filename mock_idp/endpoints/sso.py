"""Signing in: the login form, and the tenant's SSO session that lets a signed-in browser skip
it (authorization endpoint and device verification page alike).

Login CSRF (RFC 6749 §10.12, OIDC Core §3.1.2.1 via RFC 9700 §4.7): a sign-in is accepted from our
own pages only. A browser's POST from another origin (another port of this host included) is
refused (web/same_origin.py); and the form's token is an HMAC, keyed by the browser's CSRF cookie,
of the request the form completes, so a cookie and token pair an attacker fetched for one request
(and tossed into the victim's browser from another port: cookies ignore ports) completes no other.
Under https the cookies are `__Host-` prefixed (RFC 6265bis §4.1.3.2): Secure, host-only, path /.
"""

import base64
import functools
import hashlib
import hmac
import itertools
import secrets
import unicodedata
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import Response

from ..config import UserConfig
from ..storage.models import LoginSession, SignInToken, new_row
from ..oauth.clients import EndUser
from ..oauth.tokens import token_hash
from ..web.same_origin import foreign_host, foreign_request
from .http import browser_url, html_page, read_params

CSRF_FIELD = "csrf_token"
# The "change your password" step's fields (endpoints/password_change.py).
CHANGE_TOKEN, NEW_PASSWORD, CONFIRM_PASSWORD = "change_token", "new_password", "confirm_password"
# A sign-in form's own fields; the others are the request it signs in for.
LOGIN_FIELDS = ("username", "password", CSRF_FIELD, CHANGE_TOKEN, NEW_PASSWORD, CONFIRM_PASSWORD)
# The login page's one-click list: this many users, and a plain GET form to find the others (a
# 10,000-user seed rendered whole was a 9.7 MB page and 285 ms of a blocked event loop).
SHOWN_USERS = 25
USER_FILTER = "login_user_filter"  # its field: a name no authorization request uses
NOBODY_LISTED = {"users": [], "users_total": 0, "user_filter": ""}  # at a name not ours (html_page)
EXPIRED_FORM = "This sign-in form has expired or was not sent from this site. Please sign in again."
# Our own forms are same-origin; without this the browser sends `Origin: null` (no-referrer).
FORM_HEADERS = {"Referrer-Policy": "same-origin"}


def session_user(request: Request, tenant) -> EndUser | None:
    session_id = request.cookies.get(cookie_name(tenant))
    if not session_id:
        return None
    session = tenant.store.get(LoginSession, session_id)
    if session is None or session.tenant != tenant.name or session.expires_at <= tenant.now():
        return None
    user = tenant.users.get(session.username)
    if user is None:
        return None
    return EndUser(user, auth_time=session.auth_time, session_id=session.id)


def signed_in_user(request: Request, tenant, params) -> tuple[EndUser | None, list, bool]:
    """Who is behind an authorization request: (user, the other params, signed in just now).

    A sign-in token from a vendor API (Okta's sessionToken) stands for a fresh password check; it
    is used once, so a used, expired or unknown one signs no one in (the login page, or
    login_required with prompt=none). Without one, the SSO cookie decides.
    """
    name = tenant.flavor.signin_token_param
    tokens = [value for key, value in params if name and key == name]
    if not tokens:
        return session_user(request, tenant), params, False
    rest = [(key, value) for key, value in params if key != name]
    row = tenant.store.redeem_signin_token(token_hash(tokens[0]), tenant.now()) if len(tokens) == 1 else None
    user = tenant.find_user(row.username) if row is not None and row.tenant == tenant.name else None
    if user is None:
        return None, rest, False
    return start_session(tenant, user, auth_time=row.auth_time), rest, True


def record_signin_token(tenant, token: str, user: UserConfig, challenge_key: str | None = None) -> int:
    """Keep a new sign-in token (hashed) for `signed_in_user`, and the key its challenge is answered
    with if any; returns when it expires."""
    now = tenant.now()
    expires_at = now + tenant.flavor.lifetimes.signin_token
    tenant.store.insert(SignInToken(token_hash=token_hash(token), tenant=tenant.name, username=user.username,
                                    auth_time=now, expires_at=expires_at, challenge_key=challenge_key))
    return expires_at


def sign_in_page(request: Request, tenant, action: str, params, error: str | None = None,
                 username: str = "", status: int = 200, filter_action: str | None = None) -> Response:
    """The login form, posting `params` back to `action` with the credentials and the CSRF token:
    which application asks, for which scopes, and one-click seeded users (the first SHOWN_USERS,
    or those matching the filter, a GET of `params` to `filter_action`, `action` by default)."""
    secret = form_secret(request, tenant)
    asked = dict(params)
    client = tenant.find_client(asked.get("client_id", ""))
    response = html_page(
        request, "login.html", status=status,
        persona=tenant.display_name, tenant=tenant.name,
        action=browser_url(request, action), params=[*params, (CSRF_FIELD, csrf_token(secret, action, params))],
        error=error, username=username,
        **(listed_users(tenant, request.query_params.get(USER_FILTER, "") if request.method == "GET" else "")
           if foreign_host(request) is None else NOBODY_LISTED),
        user_filter_field=USER_FILTER, filter_action=browser_url(request, filter_action or action),
        filter_params=params, signed_in=session_user(request, tenant),
        client_name=(client.name or client.client_id) if client else asked.get("client_id"),
        scopes=asked.get("scope", "").split(),
    )
    return form_response(request, response, tenant, secret)


def form_secret(request: Request, tenant) -> str:
    """The key of this browser's form tokens: its CSRF cookie, or a new one (form_response sets it)."""
    return request.cookies.get(csrf_cookie_name(tenant)) or secrets.token_urlsafe(24)


def form_response(request: Request, response: Response, tenant, secret: str) -> Response:
    """A page holding one of our sign-in forms, keyed by `secret` (form_secret)."""
    response.headers.update(FORM_HEADERS)
    if request.cookies.get(csrf_cookie_name(tenant)) != secret:
        response.set_cookie(csrf_cookie_name(tenant), secret, path=cookie_path(tenant), httponly=True,
                            samesite="lax", secure=is_https(tenant))
    return response


def listed_users(tenant, wanted: str) -> dict:
    """The users the page lists: the first SHOWN_USERS whose username, name or email holds
    `wanted` (any case), and how many match in all."""
    wanted = wanted.strip()[:200]
    folded = unicodedata.normalize("NFC", wanted).casefold()
    users = tenant.users.values()
    if folded:
        users = [user for user in users if folded in user.username.casefold()
                 or folded in str(user.claims.get("name", "")).casefold()
                 or folded in str(user.claims.get("email", "")).casefold()]
    shown = list(itertools.islice(users, SHOWN_USERS))
    return {"users": shown, "users_total": len(users), "user_filter": wanted}


def csrf_token(secret: str, action: str, params) -> str:
    """The form's token: bound to this browser (its cookie) and to the request it completes."""
    message = urlencode([("action", action), *sorted(params)]).encode()
    return base64.urlsafe_b64encode(hmac.digest(secret.encode(), message, hashlib.sha256)).rstrip(b"=").decode()


def csrf_ok(request: Request, tenant, action: str, params, sent: str) -> bool:
    """Was this sign-in posted by the form we showed this browser for these very `params`?"""
    cookie = request.cookies.get(csrf_cookie_name(tenant), "")
    return bool(cookie) and hmac.compare_digest(csrf_token(cookie, action, params).encode(), sent.encode())


def foreign_sign_in(request: Request) -> Response | None:
    """A sign-in POST from another site's page: an error page (it signs no one in, and offers no
    form that would complete the other site's request), or None."""
    foreign = foreign_request(request)
    if foreign is None:
        return None
    return html_page(request, "error.html", status=403, error="access_denied",
                     description=f"This sign-in was sent by a page of another site ({foreign}), not by this "
                                 "site's sign-in page. Nobody was signed in.",
                     note="Go back to the application and sign in from there.")


async def read_sign_in(request: Request) -> tuple[Response | None, dict[str, str], list[tuple[str, str]]]:
    """A sign-in form's POST, read: (the refusal of a POST another site's page sent, else None;
    the username, password and CSRF token; the other fields, what the sign-in is for)."""
    refused = foreign_sign_in(request)
    if refused is not None:
        return refused, {}, []
    form = await read_params(request)
    return None, {k: v for k, v in form if k in LOGIN_FIELDS}, [(k, v) for k, v in form if k not in LOGIN_FIELDS]


def start_session(tenant, user: UserConfig, auth_time: int | None = None) -> EndUser:
    now = tenant.now()
    session = new_row(LoginSession, id=secrets.token_urlsafe(24), tenant=tenant.name, username=user.username,
                      auth_time=auth_time or now, expires_at=now + tenant.flavor.lifetimes.session)
    tenant.store.insert(session)
    return EndUser(user, auth_time=session.auth_time, session_id=session.id)


def set_session_cookie(response: Response, tenant, user: EndUser) -> None:
    response.set_cookie(cookie_name(tenant), user.session_id, path=cookie_path(tenant),
                        httponly=True, samesite="lax", secure=is_https(tenant))


def current_session_id(request: Request, tenant) -> str | None:
    """The id of the SSO session the browser's cookie names (live or not), if it has one."""
    return request.cookies.get(cookie_name(tenant)) or None


def end_session(request: Request, response: Response, tenant) -> None:
    session_id = current_session_id(request, tenant)
    if session_id:
        tenant.store.delete(LoginSession, session_id)
    # Secure as it was set: a browser ignores a __Host- Set-Cookie without it, deletion included.
    response.delete_cookie(cookie_name(tenant), path=cookie_path(tenant), secure=is_https(tenant), httponly=True,
                           samesite="lax")


def cookie_name(tenant) -> str:
    # Cookies are per host, not per port: the port in the name keeps two servers on one host
    # (and the tenant's name, two tenants on one server) from overwriting each other's sessions.
    return f"{cookie_prefix(tenant)}mock_idp_sso_{tenant.name}_{public_port(tenant)}"


def csrf_cookie_name(tenant) -> str:
    return f"{cookie_prefix(tenant)}mock_idp_csrf_{tenant.name}_{public_port(tenant)}"


def cookie_prefix(tenant) -> str:
    # RFC 6265bis §4.1.3.2: a __Host- cookie is Secure, has no Domain and the path /, so no other
    # host or plain-http page can set or shadow it.
    return "__Host-" if is_https(tenant) else ""


def cookie_path(tenant) -> str:
    if is_https(tenant):
        return "/"  # as __Host- requires
    return public_path_and_port(tenant.url)[0]  # the public path, also behind a path-routing proxy


def public_port(tenant) -> int:
    return public_path_and_port(tenant.url)[1]


@functools.lru_cache(maxsize=256)
def public_path_and_port(url: str) -> tuple[str, int]:
    """Of a tenant's URL (asked several times per sign-in, for each cookie)."""
    parts = urlsplit(url)
    return parts.path or "/", parts.port or (443 if parts.scheme == "https" else 80)


def is_https(tenant) -> bool:
    return tenant.url.startswith("https://")
