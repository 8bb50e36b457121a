"""Authorization endpoint and the login form it shows (GET and POST, OIDC Core §3.1.2.1)."""

import secrets
import time

from fastapi import Request
from fastapi.responses import Response

from ..models import LoginSession
from ..oauth.authorize import NeedsLogin, authorize
from ..oauth.clients import EndUser
from ..oauth.server import ParsedRequest
from .http import html_page, read_params, render

# Form fields of the login page that are not authorization parameters.
LOGIN_FIELDS = ("username", "password")


def add_routes(app, issuer) -> None:
    async def authorization_endpoint(request: Request) -> Response:
        params = await read_params(request)
        return run(request, issuer, params, session_user(request, issuer))

    async def login(request: Request) -> Response:
        form = await read_params(request)
        credentials = {k: v for k, v in form if k in LOGIN_FIELDS}
        params = [(k, v) for k, v in form if k not in LOGIN_FIELDS]
        user = issuer.tenant.authenticate(credentials.get("username", ""), credentials.get("password", ""))
        if user is None:
            # Wrong password: the form again, with a message; nothing goes to the client.
            return login_page(request, issuer, params, error=issuer.tenant.flavor.wrong_password_message,
                              username=credentials.get("username", ""))
        session = LoginSession(id=secrets.token_urlsafe(24), tenant=issuer.tenant.name,
                               username=user.username, auth_time=int(time.time()))
        issuer.tenant.store.put(session)
        end_user = EndUser(user, auth_time=session.auth_time, session_id=session.id)
        response = run(request, issuer, params, end_user, just_logged_in=True)
        response.set_cookie(cookie_name(issuer), session.id, path=cookie_path(issuer),
                            httponly=True, samesite="lax")
        return response

    app.add_api_route(issuer.route("authorization_endpoint"), authorization_endpoint,
                      methods=["GET", "POST"], include_in_schema=False)
    app.add_api_route(issuer.route("login"), login, methods=["POST"], include_in_schema=False)


def run(request: Request, issuer, params, user, just_logged_in: bool = False) -> Response:
    oauth_request = ParsedRequest(request.method, str(request.url), request.headers, params)
    outcome = authorize(issuer, oauth_request, user, just_logged_in)
    if isinstance(outcome, NeedsLogin):
        hint = oauth_request.payload.data.get("login_hint", "")
        return login_page(request, issuer, params, username=hint)
    return render(request, *outcome)


def login_page(request: Request, issuer, params, error: str | None = None, username: str = ""):
    tenant = issuer.tenant
    return html_page(
        request, "login.html", status=200,
        persona=tenant.display_name, tenant=tenant.name,
        action=issuer.endpoint_url("login"), params=params, error=error, username=username,
        users=list(tenant.users.values()),
    )


def session_user(request: Request, issuer) -> EndUser | None:
    session_id = request.cookies.get(cookie_name(issuer))
    if not session_id:
        return None
    session = issuer.tenant.store.get(LoginSession, session_id)
    if session is None or session.tenant != issuer.tenant.name:
        return None
    user = issuer.tenant.users.get(session.username)
    if user is None:
        return None
    return EndUser(user, auth_time=session.auth_time, session_id=session.id)


def cookie_name(issuer) -> str:
    return f"mock_idp_sso_{issuer.tenant.name}"


def cookie_path(issuer) -> str:
    return issuer.tenant.route_prefix or "/"
