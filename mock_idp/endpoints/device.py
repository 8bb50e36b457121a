"""The device verification page (RFC 8628 §3.3): the user enters the code, signs in, decides.

Signing in on this page approves the device, as Okta's /activate does; a browser that is already
signed in gets Allow / Deny buttons instead.
"""

from fastapi import Request
from fastapi.responses import Response

from ..oauth.device import decide, display_user_code, pending_authorization
from ..oauth.errors import ErrorPage
from ..web.off_loop import off_loop
from .http import browser_url, html_page, read_params
from .password_change import form_sign_in
from .sso import CHANGE_TOKEN, foreign_sign_in, session_user, set_session_cookie, sign_in_page, start_session

INVALID_CODE = "That code is invalid or has expired. Check the code on your device."


def verification_page(tenant):
    """One verification page per tenant, whichever of its authorization servers started the flow."""
    flow = tenant.flavor.device_flow
    action = tenant.url + flow.verification_path

    async def verification(request: Request) -> Response:
        # A POST signs in, or allows a device: never on another site's say (RFC 8628 §5.4, §5.5).
        refused = foreign_sign_in(request) if request.method == "POST" else None
        if refused is not None:
            return refused
        # verification_uri_complete carries the code in the query, also when the page is POSTed to.
        params = {**request.query_params, **dict(await read_params(request))}
        # The store is read and written from here on: off the event loop on a database server.
        return await off_loop(verify, request, tenant, action, params, needed=False, store=tenant.store)
    return verification


def verify(request: Request, tenant, action: str, params: dict) -> Response:
    """The page's answer to `params` (the user code, a sign-in, a decision)."""
    flow = tenant.flavor.device_flow
    user_code = params.get("user_code", "").strip()
    if not user_code:
        return device_page(request, tenant, "enter", action)
    row = pending_authorization(tenant, user_code)
    if row is None:
        return device_page(request, tenant, "enter", action, error=INVALID_CODE, user_code=user_code)
    user_code = display_user_code(flow, row.user_code)
    user, signed_in_now = session_user(request, tenant), False
    if request.method == "POST" and ("username" in params or CHANGE_TOKEN in params):
        def again(error: str, status: int, username: str) -> Response:
            return sign_in_page(request, tenant, action, [("user_code", user_code)], error=error, username=username,
                                status=status)

        # The credentials, or the vendor's password change step (an expired password), then the session.
        account = form_sign_in(request, tenant, action, [("user_code", user_code)], params, again)
        if isinstance(account, Response):
            return account
        user, signed_in_now = start_session(tenant, account), True
    if user is None:
        return sign_in_page(request, tenant, action, [("user_code", user_code)])
    check_access(tenant, row, user)
    decision = params.get("decision") if request.method == "POST" else None
    if decision is None and not signed_in_now:
        client = tenant.clients.get(row.client_id)
        return device_page(request, tenant, "confirm", action, user_code=user_code,
                           client_name=(client.name if client else None) or row.client_id,
                           scopes=row.scope.split(), username=user.config.username)
    approve = decision != "deny"
    if not decide(tenant, row, user, approve):
        # Decided in another tab, or expired meanwhile.
        return device_page(request, tenant, "enter", action, error=INVALID_CODE, user_code=user_code)
    response = device_page(request, tenant, "approved" if approve else "denied", action)
    if signed_in_now:
        set_session_cookie(response, tenant, user)
    return response


def check_access(tenant, row, user) -> None:
    """May this person have the device's tokens (Entra's user assignment)? A refusal is shown on
    this page as soon as they are known (an ErrorPage, rendered in one place); their sign-in is
    handed to the device, whose next poll gets the token endpoint's refusal of the same user."""
    issuer = next((issuer for issuer in tenant.issuers if issuer.key == row.issuer), None)
    client = tenant.find_client(row.client_id)
    if issuer is None or client is None:
        return  # gone since the device asked: its poll is refused anyway
    try:
        tenant.flavor.check_user_access(issuer, client, user.config, row.scope.split(), "page")
    except ErrorPage:
        decide(tenant, row, user, approve=True)
        raise


def device_page(request: Request, tenant, stage: str, action: str, **context) -> Response:
    context.setdefault("user_code", "")
    return html_page(request, "device.html", persona=tenant.display_name, tenant=tenant.name,
                     stage=stage, action=browser_url(request, action), **context)
