"""Signing in: the login form, and the tenant's SSO session that lets a signed-in browser skip
it (authorization endpoint and device verification page alike)."""

import secrets
import time

from fastapi import Request
from fastapi.responses import Response

from ..config import UserConfig
from ..models import LoginSession
from ..oauth.clients import EndUser
from .http import html_page


def session_user(request: Request, tenant) -> EndUser | None:
    session_id = request.cookies.get(cookie_name(tenant))
    if not session_id:
        return None
    session = tenant.store.get(LoginSession, session_id)
    if session is None or session.tenant != tenant.name:
        return None
    user = tenant.users.get(session.username)
    if user is None:
        return None
    return EndUser(user, auth_time=session.auth_time, session_id=session.id)


def sign_in_page(request: Request, tenant, action: str, params, error: str | None = None,
                 username: str = "") -> Response:
    """The login form, posting `params` back to `action` with the credentials."""
    return html_page(
        request, "login.html", status=200,
        persona=tenant.display_name, tenant=tenant.name,
        action=action, params=params, error=error, username=username,
        users=list(tenant.users.values()),
    )


def start_session(tenant, user: UserConfig) -> EndUser:
    session = LoginSession(id=secrets.token_urlsafe(24), tenant=tenant.name,
                           username=user.username, auth_time=int(time.time()))
    tenant.store.insert(session)
    return EndUser(user, auth_time=session.auth_time, session_id=session.id)


def set_session_cookie(response: Response, tenant, user: EndUser) -> None:
    response.set_cookie(cookie_name(tenant), user.session_id, path=cookie_path(tenant),
                        httponly=True, samesite="lax")


def end_session(request: Request, response: Response, tenant) -> None:
    session_id = request.cookies.get(cookie_name(tenant))
    if session_id:
        tenant.store.delete(LoginSession, session_id)
    response.delete_cookie(cookie_name(tenant), path=cookie_path(tenant))


def cookie_name(tenant) -> str:
    return f"mock_idp_sso_{tenant.name}"


def cookie_path(tenant) -> str:
    return tenant.route_prefix or "/"
