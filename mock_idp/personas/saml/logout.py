"""SLO: the persona's SLO URL takes the app's LogoutRequest (HTTP-Redirect, or POST),
ends the browser's SSO session when the request names it, and POSTs a signed LogoutResponse to the
app's slo_url (SAML profiles §4.4), as Cognito's sign-out expects.

SAML core §3.7.3.2: the session ends only when the request is for this browser's session: its
SessionIndex (when given) and its NameID must be the ones the app was given. A browser with no
session is already signed out: Success.
"""

from fastapi import Request
from fastapi.responses import Response
from lxml import etree

from ...endpoints.sso import end_session, session_user
from .bindings import cookie_bounce, incoming_request, post_binding
from .errors import SamlError
from .idp import name_id_format_name, session_index
from .messages import issuer_of, parse_time, read
from .response import STATUS, envelope, name_id_value, sign, user_claims
from .xml import SAML, SAMLP, q


def slo(tenant, app, url: str):
    async def single_logout(request: Request) -> Response:
        if app is not None and not app.slo_url:
            raise SamlError(f"The app {app.name} has no single logout (slo_url in the seed).", status_code=404)
        bounced = await cookie_bounce(request, tenant, url)
        if bounced is not None:
            return bounced
        incoming = await incoming_request(request)
        if incoming is None:
            raise SamlError("The SLO URL needs a SAMLRequest: a LogoutRequest (SAML bindings §3.4).",
                            case="no_request")
        return log_out(request, tenant, app, incoming)
    return single_logout


def log_out(request: Request, tenant, app, incoming) -> Response:
    """The LogoutRequest `incoming` of `app` (None: the one its Issuer names) answered."""
    root, app = read(incoming, app, "LogoutRequest", tenant.clock(), True, tenant)
    if not app.slo_url:
        raise SamlError(f"The app {app.name} has no single logout (slo_url in the seed).", status_code=404,
                        case="no_logout_url", app_id=app.app_id)
    if issuer_of(root) != app.sp_entity_id:
        raise SamlError(f"The LogoutRequest's Issuer {issuer_of(root)!r} is not this app's SP entity ID "
                        f"({app.sp_entity_id}).")
    not_on_or_after = parse_time(root.get("NotOnOrAfter"))
    if not_on_or_after is not None and not_on_or_after <= tenant.clock():
        raise SamlError("The LogoutRequest expired (its NotOnOrAfter).", title="Expired SAML request")
    status, message = outcome(request, tenant, app, root)
    xml = logout_response(tenant, app, root.get("ID"), status, message)
    response = post_binding(request, app.slo_url, xml, incoming.relay_state)
    if status == "Success":
        end_session(request, response, tenant)
    return response


def outcome(request: Request, tenant, app, root) -> tuple[str, str | None]:
    """(status, message) of the LogoutRequest for this browser."""
    user = session_user(request, tenant)
    if user is None:
        return "Success", None
    asked = [element.text for element in root.findall(q(SAMLP, "SessionIndex"))]
    if asked and session_index(user.session_id) not in asked:
        return "Requester", "The SessionIndex is not the one of this browser's session."
    name_id = root.find(q(SAML, "NameID"))
    if name_id_format_name(tenant, app) != "transient" and (
            name_id is None or name_id.text != name_id_value(tenant, app, user_claims(tenant, user.config))):
        return "Requester", "The NameID is not the signed-in user's."
    return "Success", None


def logout_response(tenant, app, in_response_to: str, status: str, message: str | None) -> bytes:
    response = envelope(tenant, app, "LogoutResponse", app.slo_url, in_response_to, tenant.clock(),
                        STATUS + status, message)
    return etree.tostring(sign(tenant, response), xml_declaration=True, encoding="UTF-8")

