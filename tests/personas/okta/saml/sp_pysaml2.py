"""A pysaml2 service provider in its own process (xmlsec1 verifies), wanting signed assertions,
reading the IdP's metadata from its URL; or, with "defaults": true, configured as pysaml2's
documentation starts one (entity id, metadata, endpoints: its defaults want the Response signed,
refuse unsolicited Responses unless "allow_unsolicited" is sent).
A command naming a "session" keeps its client (and the users it signed in) for the next ones.

stdin: one JSON command a line; stdout: one JSON answer a line (saml_support.ServiceProvider).
  {"do": "login", "sp": {...}, "metadata_url": ..., "relay_state": ..., "binding": "redirect"|"post"}
      -> {"url"} or {"action", "SAMLRequest", "RelayState"}, and "request_id"
  {"do": "acs", ..., "request_id": ..., "SAMLResponse": ...}  -> {"error"} or {"name_id", "attributes", ...}
  {"do": "logout", "session": ..., "name_id_code": ...}         -> {"url"}  (global_logout, HTTP-Redirect)
  {"do": "sls", "session": ..., "SAMLResponse": ...}             -> {"status", "in_response_to", "logged_in"}
"""

import re
import shutil

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.ident import code, decode
from saml_support import serve_json_lines  # run as a script: its folder is on sys.path

CLIENTS: dict[str, Saml2Client] = {}  # by the commands' "session"


def client_for(command: dict) -> Saml2Client:
    if "session" not in command:
        return client(command)
    if command["session"] not in CLIENTS:
        CLIENTS[command["session"]] = client(command)
    return CLIENTS[command["session"]]


def client(command: dict) -> Saml2Client:
    """With "defaults": only what pysaml2 cannot guess, every security setting its own default;
    else signed assertions wanted, persistent NameIDs asked for."""
    sp = command["sp"]
    endpoints = {"assertion_consumer_service": [(sp["acs_url"], BINDING_HTTP_POST)]}
    if command.get("defaults"):
        endpoints["single_logout_service"] = [(sp["slo_url"], BINDING_HTTP_REDIRECT), (sp["slo_url"], BINDING_HTTP_POST)]
        service = {"allow_unsolicited": True} if command.get("allow_unsolicited") else {}
        more = {}
    else:
        service = {"want_assertions_signed": True, "want_response_signed": False, "allow_unsolicited": False,
                   "authn_requests_signed": False,
                   "name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"}
        more = {"allow_unknown_attributes": True}
    config = SPConfig()
    config.load({"entityid": sp["entity_id"], "xmlsec_binary": shutil.which("xmlsec1"),
                 "metadata": {"remote": [{"url": command["metadata_url"]}]},
                 "service": {"sp": {"endpoints": endpoints, **service}}, **more})
    return Saml2Client(config)


def handle(command: dict) -> dict:
    sp = client_for(command)
    idp = sp.metadata.identity_providers()[0]
    if command["do"] == "login":
        binding = BINDING_HTTP_POST if command.get("binding") == "post" else BINDING_HTTP_REDIRECT
        request_id, info = sp.prepare_for_authenticate(entityid=idp, relay_state=command.get("relay_state", ""),
                                                        binding=binding)
        answer = {"request_id": request_id}
        if binding == BINDING_HTTP_REDIRECT:
            answer["url"] = dict(info["headers"])["Location"]
        else:
            page = info["data"]
            answer["action"] = re.search(r'action="([^"]+)"', page).group(1)
            answer |= dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', page))
    elif command["do"] == "acs":
        outstanding = {command["request_id"]: "/"} if command.get("request_id") else {}
        try:
            response = sp.parse_authn_request_response(command["SAMLResponse"], BINDING_HTTP_POST,
                                                       outstanding=outstanding)
        except Exception as error:  # pysaml2 raises many kinds; the test reads what
            answer = {"error": f"{type(error).__name__}: {error}"}
        else:
            if response is None:
                answer = {"error": "no response"}
            else:
                answer = {"name_id": response.name_id.text, "name_id_format": response.name_id.format,
                          "attributes": response.ava, "session_index": response.session_info()["session_index"],
                          "in_response_to": response.in_response_to, "name_id_code": code(response.name_id)}
    elif command["do"] == "logout":
        [(binding, info)] = sp.global_logout(command["name_id_code"]).values()
        answer = {"binding": binding, "url": dict(info["headers"])["Location"]}
    elif command["do"] == "sls":
        response = sp.parse_logout_request_response(command["SAMLResponse"], BINDING_HTTP_POST)
        answer = {"status": response.response.status.status_code.value, "in_response_to": response.in_response_to,
                  "signed": response.response.signature is not None}
        sp.handle_logout_response(response)
        answer["logged_in"] = sp.is_logged_in(decode(command["name_id_code"]))
    else:
        raise SystemExit(f"unknown command {command['do']!r}")
    return answer


if __name__ == "__main__":
    serve_json_lines(handle)
