"""What the admin API sees of the SAML apps (personas/vendor_api.py): the SSO and SLO URLs are
watched calls, "saml_sso" and "saml_slo", with the app_id as their client where the URL is the
app's own; request scenarios fail them with an error page, and the audit trail shows the decoded
request and Response XML. The persona says which paths (its `WATCHED`)."""

import base64
import html
import re
from urllib.parse import parse_qsl

from starlette.responses import HTMLResponse

from ..vendor_api import VendorCall
from .errors import SamlError

ENDPOINTS = ("saml_sso", "saml_slo")
SHOWN = 64 * 1024  # characters of XML the trail keeps of a message
RESPONSE_FIELD = re.compile(rb'name="SAMLResponse" value="([^"]+)"')


def sso_call(client_id: str | None) -> VendorCall:
    return VendorCall("saml_sso", injected_failure, error_key="error", client_id=client_id,
                      username_param="username",  # the login form's POST
                      decoded=decoded_request, response_decoded=decoded_response)


def slo_call(client_id: str | None) -> VendorCall:
    return VendorCall("saml_slo", injected_failure, error_key="error", client_id=client_id,
                      decoded=decoded_request, response_decoded=decoded_response)


def paths_of(calls: list[tuple[str, VendorCall]]) -> dict:
    """Full paths under the tenant -> the call served there (a function of the request headers)."""
    return {path: (lambda headers, call=call: call) for path, call in calls}


def injected_failure(error: str | None, description: str | None, status: int | None) -> HTMLResponse:
    """An armed scenario's answer: SAML endpoints answer a browser with an error page."""
    title = html.escape(error or "Internal error")
    text = html.escape(description or "Failure injected by a mock_idp scenario.")
    return HTMLResponse(f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>",
                        status_code=status or (400 if error else 500), headers={"Cache-Control": "no-store"})


def decoded_request(params: list[tuple[str, str]]) -> dict:
    """The SAMLRequest's XML, whichever way it came (Redirect, POST, or through the login form)."""
    from .xml import decode_post, decode_redirect  # lxml: on the first SAML request only

    found = dict(params)
    if "SAMLQuery" in found:  # the login form carries the Redirect query as it came
        found = dict(parse_qsl(found["SAMLQuery"]))
    if "SAMLRequest" not in found:
        return {}
    try:
        xml = decode_redirect(found["SAMLRequest"])
    except SamlError:  # not deflated: the POST binding's plain base64
        xml = decode_post(found["SAMLRequest"])
    return {"saml_request": xml.decode("utf-8", "replace")[:SHOWN]}


def decoded_response(body: bytes) -> dict:
    """The SAMLResponse of the auto-posting form: the Response or LogoutResponse we sent."""
    found = RESPONSE_FIELD.search(body)
    if found is None:
        return {}
    xml = base64.b64decode(html.unescape(found.group(1).decode()))
    return {"saml_response": xml.decode("utf-8", "replace")[:SHOWN]}
