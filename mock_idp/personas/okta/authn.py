"""Okta's Authentication API, primary authentication: `POST /api/v1/authn` with a username and
password answers SUCCESS with a one-time `sessionToken`, which `/v1/authorize?sessionToken=` of
the org and custom authorization servers redeems without a page (endpoints/sso.py); an expired
password first goes through authn_password_expired.py.

As @okta/okta-auth-js `signInWithCredentials` calls it: the URL is the issuer up to `/oauth2/`.
Shapes and errors: docs/vendors.md, "Okta Authentication API".
"""

import hmac
import secrets
from datetime import datetime, timezone
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from ...endpoints.http import NO_STORE
from ...endpoints.sso import record_signin_token
from ...web.same_origin import foreign_host, misdirected
from . import authn_password_expired
from .errors import api_error
from .token_claims import login_of
from ..vendor_api import VendorCall
from ...web import json_body

PASSWORD_CHANGED = 1700000000  # seeded users have always had their password


def routes(tenant) -> list[Route]:
    def endpoint(answer):
        """A POST of a JSON object: `answer(body)` gives (status, body)."""
        async def handle(request: Request) -> Response:
            host = foreign_host(request)
            if host is not None:
                # The sessionToken signs a browser in by a plain GET of /authorize (Okta's design): a
                # page at a name re-pointed at us (DNS rebinding) must not get one to sign the browser
                # in at our real address.
                return misdirected(host)
            status, body = json_request(await request.body(), answer)
            return JSONResponse(body, status_code=status, headers=NO_STORE)
        return handle

    expired = authn_password_expired
    return [Route("/api/v1/authn", endpoint(lambda body: authenticate(tenant, body)), methods=["POST"]),
            Route("/api/v1/authn/credentials/change_password", endpoint(lambda body: expired.change_password(
                tenant, body, lambda user: success(tenant, user, {}))), methods=["POST"]),
            Route("/api/v1/authn/cancel", endpoint(lambda body: expired.cancel(tenant, body)), methods=["POST"])]


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed scenario's answer, as Okta words API errors (E0000004 is its failed sign-in, a 401)."""
    code = error or ("E0000009" if (status or 0) >= 500 else "E0000004")
    status = status or (401 if code == "E0000004" else 400)
    return JSONResponse(api_error(code, description or "Failure injected by a mock_idp scenario."),
                        status_code=status, headers=NO_STORE)


ENDPOINTS = ("authn",)
AUTHN = VendorCall("authn", injected_failure, error_key="errorCode", username_param="username")
WATCHED = {"/api/v1/authn": lambda headers: AUTHN}


def json_request(raw: bytes, answer):
    """`answer(request)` of a JSON object body, else Okta's E0000003 (status, body)."""
    try:
        request = json_body.loads(raw)
    except ValueError:
        request = None
    if not isinstance(request, dict):
        return 400, api_error("E0000003", "The request body was not well-formed.")
    return answer(request)


def authenticate(tenant, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(status, body) of a primary authentication request."""
    username, password = request.get("username"), request.get("password")
    user = find_user(tenant, username) if isinstance(username, str) else None
    if user is not None and user.status == "PASSWORD_EXPIRED" and isinstance(password, str) \
            and hmac.compare_digest(user.password.encode(), password.encode()):
        return 200, authn_password_expired.password_expired(tenant, user, user_resource(tenant, user), okta_time)
    if user is None or not isinstance(password, str) or tenant.authenticate(user.username, password) is None:
        # Okta does not say whether the user exists: one answer for every failed sign-in.
        return 401, api_error("E0000004", "Authentication failed")
    return 200, success(tenant, user, request)


def success(tenant, user, request: dict[str, Any]) -> dict[str, Any]:
    """The SUCCESS transaction: a one-time sessionToken for /authorize, and the user."""
    session_token = "20111" + secrets.token_urlsafe(30)
    expires_at = record_signin_token(tenant, session_token, user)
    body = {"expiresAt": okta_time(expires_at), "status": "SUCCESS", "sessionToken": session_token}
    if isinstance(request.get("relayState"), str):
        body["relayState"] = request["relayState"]
    body["_embedded"] = {"user": user_resource(tenant, user)}
    return body


def find_user(tenant, username: str):
    """By Okta login (case-insensitive, usually the email address) or by the seeded username."""
    wanted = username.lower()
    return tenant.find_user(username) or next(
        (user for user in tenant.all_users() if login_of(user).lower() == wanted), None)


def user_resource(tenant, user) -> dict[str, Any]:
    profile = {**tenant.flavor.user_defaults(user), **user.claims}
    return {
        "id": tenant.subject(user),
        "passwordChanged": okta_time(PASSWORD_CHANGED),
        "profile": {
            "login": login_of(user),
            "firstName": profile.get("given_name"),
            "lastName": profile.get("family_name"),
            "locale": profile.get("locale"),
            "timeZone": profile.get("zoneinfo"),
        },
    }


def okta_time(epoch: int) -> str:
    """Okta's timestamps: ISO 8601 in UTC with milliseconds, e.g. 2015-06-08T23:34:34.000Z."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
