"""SSO: the persona's SSO URL takes an AuthnRequest by HTTP-Redirect (GET) or HTTP-POST; without
one, a GET of an app's own URL is the IdP-initiated launch. The user signs in on the tenant's login
page (same SSO session, same one-click users as OIDC); the Response goes to the app's ACS by
HTTP-POST with RelayState as received (SAML profiles §4.1.4).

Each endpoint is made for a URL (`url`, where it is served; its login form posts to url + "/login")
and an app; with no app (one URL for all of a tenant's apps), the request's Issuer names it.
"""

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from ...endpoints.password_change import form_sign_in
from ...endpoints.sso import (read_sign_in, session_user, set_session_cookie, sign_in_page,
                               start_session)
from .bindings import cookie_bounce, incoming_request, post_binding
from .errors import SamlError
from .idp import idp_of, session_index
from .logout import log_out
from .messages import Incoming, from_form, kind_of, read
from .preview import PREVIEW, page as preview_page
from .response import SignIn, failure, success
from .scenarios import next_defect
from .xml import POST

TRUE = ("true", "1")  # xs:boolean


@dataclass(frozen=True)
class Asked:
    """What the request asks of the sign-in (an IdP-initiated sign-in asks nothing)."""

    request_id: str | None = None
    force_authn: bool = False
    is_passive: bool = False


def sso(tenant, app, url: str):
    async def single_sign_on(request: Request) -> Response:
        bounced = await cookie_bounce(request, tenant, url)
        if bounced is not None:
            return bounced
        return await sign_on(request, tenant, app, url, await incoming_request(request))
    return single_sign_on


def sso_and_slo(tenant, url: str):
    """One URL for all of a tenant's apps, their AuthnRequests and LogoutRequests: the request's
    Issuer names the app."""
    async def single_sign_on_and_logout(request: Request) -> Response:
        bounced = await cookie_bounce(request, tenant, url)
        if bounced is not None:
            return bounced
        incoming = await incoming_request(request)
        if incoming is not None and kind_of(incoming) == "LogoutRequest":
            return log_out(request, tenant, None, incoming)
        return await sign_on(request, tenant, None, url, incoming)
    return single_sign_on_and_logout


async def sign_on(request: Request, tenant, app, url: str, incoming: Incoming | None) -> Response:
    """The AuthnRequest `incoming` (None: an IdP-initiated launch of `app`) answered or sent to sign in."""
    relay_state = incoming.relay_state if incoming else request.query_params.get("RelayState")
    if incoming:
        asked, app = check(tenant, app, incoming, request)
    elif app is None:
        raise SamlError("The SSO URL needs a SAMLRequest: an AuthnRequest (SAML bindings §3.4).", case="no_request")
    else:
        asked = Asked()
    user = session_user(request, tenant)
    if user is not None and not asked.force_authn:
        return answer(request, tenant, app, asked, relay_state, user)
    if asked.is_passive:
        # SAML core §3.4.1: IsPassive and no session -> NoPassive, to the app's own ACS.
        xml = failure(tenant, app, asked.request_id, "NoPassive", "The user is not signed in.")
        return post_to_acs(request, app, xml, relay_state)
    params = incoming.login_params() if incoming else relay_params(relay_state)
    return sign_in_page(request, tenant, url + "/login", params)


def login(tenant, app, url: str):
    """The login page posts here, with the request it was shown for, checked again."""

    async def login_form(request: Request) -> Response:
        refused, credentials, rest = await read_sign_in(request)
        if refused is not None:
            return refused
        incoming = from_form(rest)
        relay_state = incoming.relay_state if incoming else dict(rest).get("RelayState")
        preview = not incoming and dict(rest).get(PREVIEW) == "1"  # the tenant page's "see the assertion"
        # The request was checked, fresh, when it arrived; the user may take a while to sign in.
        if incoming:
            asked, found = check(tenant, app, incoming, request, check_age=False)
        elif app is None:
            raise SamlError("The sign-in form carries no SAMLRequest.", case="no_request")
        else:
            asked, found = Asked(), app
        params = incoming.login_params() if incoming else relay_params(relay_state, preview)
        action = url + "/login"

        def again(error: str, status: int, username: str) -> Response:
            return sign_in_page(request, tenant, action, params, error, username, status)

        # The credentials, or the password change step of an expired password (expired_at_sign_in.py).
        user = form_sign_in(request, tenant, action, params, credentials, again)
        if isinstance(user, Response):
            return user
        with tenant.store.together():
            end_user = start_session(tenant, user)
        response = answer(request, tenant, found, asked, relay_state, end_user, preview)
        set_session_cookie(response, tenant, end_user)
        return response
    return login_form


def check(tenant, app, incoming: Incoming, request: Request, check_age: bool = True) -> tuple[Asked, object]:
    """The AuthnRequest's own rules (SAML core §3.4.1), after messages.read's; and its app."""
    root, app = read(incoming, app, "AuthnRequest", tenant.clock(), check_age, tenant)
    acs = root.get("AssertionConsumerServiceURL")
    if acs is not None and acs != app.acs_url:
        # Only the app's configured ACS URL; never post an assertion where a request says.
        raise SamlError(f"AssertionConsumerServiceURL {acs} is not this app's ACS URL ({app.acs_url}).",
                        title="Wrong ACS URL", case="wrong_acs", acs=acs, app_id=app.app_id)
    binding = root.get("ProtocolBinding")
    if binding is not None and binding != POST:
        raise SamlError(f"ProtocolBinding {binding} is not supported: the Response is sent by HTTP-POST.")
    destination = root.get("Destination")
    sso_url = idp_of(tenant).sso_url(tenant, app)
    if destination is not None and destination not in (sso_url, str(request.url).split("?")[0]):
        # SAML bindings §3.4.5.2, §3.5.5.2: the Destination must be where the request arrived.
        raise SamlError(f"Destination {destination} is not this app's SSO URL ({sso_url}).")
    return Asked(root.get("ID"), (root.get("ForceAuthn") or "").lower() in TRUE,
                 (root.get("IsPassive") or "").lower() in TRUE), app


def answer(request: Request, tenant, app, asked: Asked, relay_state: str | None, user,
           preview: bool = False) -> Response:
    sign_in = SignIn(user.config, user.auth_time, session_index(user.session_id), asked.request_id)
    defect = next_defect(tenant, app, user.config) if tenant.armed_scenarios() else None
    xml = success(tenant, app, sign_in, defect)
    if preview:
        return preview_page(request, tenant, app, xml, relay_state)
    return post_to_acs(request, app, xml, relay_state)


def preview_sign_in(tenant, app, url: str):
    """GET <tenant>/_ui/saml/<app_id>: sign in (or reuse the session) and see the Response."""

    async def see_the_assertion(request: Request) -> Response:
        relay_state = request.query_params.get("RelayState")
        user = session_user(request, tenant)
        if user is not None:
            return answer(request, tenant, app, Asked(), relay_state, user, preview=True)
        return sign_in_page(request, tenant, url + "/login", relay_params(relay_state, True))
    return see_the_assertion


def post_to_acs(request: Request, app, xml: bytes, relay_state: str | None) -> Response:
    return post_binding(request, app.acs_url, xml, relay_state)


def relay_params(relay_state: str | None, preview: bool = False) -> list[tuple[str, str]]:
    return ([] if relay_state is None else [("RelayState", relay_state)]) + ([(PREVIEW, "1")] if preview else [])
