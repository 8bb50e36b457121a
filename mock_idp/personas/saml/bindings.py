"""The SAML HTTP bindings the IdP's URLs share (SAML bindings §3.4, §3.5): a request read from a
Redirect query or a POST form, a message posted by an auto-submitting form, and the one bounce a
cross-site POST needs to bring its SameSite=Lax session cookie (sign_on.py and logout.py use them)."""

from fastapi import Request
from fastapi.responses import Response

from ...endpoints.http import read_params, render
from ...endpoints.sso import cookie_name
from ...oauth.errors import OAuthError
from ...oauth.responses import FormPost
from .errors import SamlError
from .messages import Incoming, from_form, from_query
from .response import encoded

BOUNCED = "mock_idp_bounced"  # cookie_bounce's mark on the form it posts again


async def cookie_bounce(request: Request, tenant, url: str) -> Response | None:
    """A POST from another site's page carries no SameSite=Lax cookie, so the SSO session would
    not be found: the form goes once more to `url` from our own page (same-site), cookies and all.
    None: no need (a GET, the cookie came, or this is the second time)."""
    if request.method != "POST" or request.cookies.get(cookie_name(tenant)):
        return None
    try:
        form = await read_params(request)
    except OAuthError:
        return None  # not a form: incoming_request says so
    names = {name for name, _ in form}
    if BOUNCED in names or "SAMLRequest" not in names:
        return None
    return render(request, 200, FormPost(url, [*form, (BOUNCED, "1")]), [("Cache-Control", "no-store")])


async def incoming_request(request: Request) -> Incoming | None:
    if request.method == "GET":
        try:
            return from_query(request.scope["query_string"].decode("ascii"))
        except UnicodeDecodeError:
            raise SamlError("The query string is not URL-encoded ASCII.") from None
    try:
        incoming = from_form(await read_params(request))
    except OAuthError as error:  # not a form, or too many parameters
        raise SamlError(error.description or "The request is not a form.") from None
    if incoming is None:
        raise SamlError("A POST to the SSO URL needs a SAMLRequest (SAML bindings §3.5).")
    return incoming


def post_binding(request: Request, url: str, xml: bytes, relay_state: str | None) -> Response:
    """SAML bindings §3.5.4: an auto-submitting form (a button without scripts), RelayState as is."""
    params = [("SAMLResponse", encoded(xml))] + ([("RelayState", relay_state)] if relay_state is not None else [])
    return render(request, 200, FormPost(url, params), [("Cache-Control", "no-store")])
