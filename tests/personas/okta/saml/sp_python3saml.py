"""A python3-saml (OneLogin) service provider in its own process, in strict mode with signed
assertions and messages wanted, schema validation on, signed AuthnRequests and LogoutRequests.

With "defaults": true, configured as the toolkit's README starts one (strict, the SP's entity id and
URLs, the IdP's metadata; every security setting its default but those in the command's "security").
stdin: one JSON command a line; stdout: one JSON answer a line (saml_support.ServiceProvider).
  {"do": "login", "sp": {...}, "metadata_url": ..., "relay_state": ...}        -> {"url", "request_id"}
  {"do": "acs", "sp": ..., "metadata_url": ..., "request_id": ..., "SAMLResponse": ...}
      -> {"errors", "reason", "name_id", "name_id_format", "attributes", "session_index"}
  {"do": "logout", ..., "name_id": ..., "session_index": ...}                  -> {"url", "request_id"}
  {"do": "sls", ..., "request_id": ..., "SAMLResponse": ...}     -> {"errors", "reason", "signed", "status"}
python3-saml reads logout messages from the query only (HTTP-Redirect): the IdP's POSTed
LogoutResponse is handed to it the same way, its message checks strict, and its XML signature is
checked against the IdP's metadata certificate with the toolkit's own validate_sign.
"""

from urllib.parse import urlsplit

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.logout_response import OneLogin_Saml2_Logout_Response
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from saml_support import serve_json_lines  # run as a script: its folder is on sys.path


def settings(command: dict) -> dict:
    sp = command["sp"]
    idp = OneLogin_Saml2_IdPMetadataParser.parse_remote(command["metadata_url"], validate_cert=True)
    if command.get("defaults"):  # the toolkit's own security defaults, but for those the command names
        return OneLogin_Saml2_IdPMetadataParser.merge_settings({
            "strict": True,
            "sp": {"entityId": sp["entity_id"], "assertionConsumerService": {"url": sp["acs_url"]},
                   "singleLogoutService": {"url": sp["slo_url"]}},
            "security": dict(command.get("security", {})),
        }, idp)
    return OneLogin_Saml2_IdPMetadataParser.merge_settings({
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": sp["entity_id"],
            "assertionConsumerService": {"url": sp["acs_url"], "binding": C.BINDING_HTTP_POST},
            "singleLogoutService": {"url": sp["slo_url"], "binding": C.BINDING_HTTP_REDIRECT},
            "NameIDFormat": C.NAMEID_EMAIL_ADDRESS,
            "x509cert": sp["certificate"],
            "privateKey": sp["private_key"],
        },
        "security": {
            "authnRequestsSigned": True,
            "logoutRequestSigned": True,
            "wantAssertionsSigned": True,
            "wantMessagesSigned": True,
            "wantNameId": True,
            "wantXMLValidation": True,
            "rejectDeprecatedAlgorithm": True,
            "signatureAlgorithm": C.RSA_SHA256,
            "digestAlgorithm": C.SHA256,
        },
    }, idp)


def request_data(url: str, post: dict | None = None, get: dict | None = None) -> dict:
    """What python3-saml knows of the HTTP request: strict mode checks it against Destination."""
    parts = urlsplit(url)
    return {"https": "on" if parts.scheme == "https" else "off", "http_host": parts.hostname,
            "server_port": parts.port or (443 if parts.scheme == "https" else 80), "script_name": parts.path,
            "get_data": get or {}, "post_data": post or {}}


def handle(command: dict) -> dict:
    config, sp = settings(command), command["sp"]
    if command["do"] == "login":
        auth = OneLogin_Saml2_Auth(request_data(sp["acs_url"]), config)
        url = auth.login(return_to=command.get("relay_state"))
        answer = {"url": url, "request_id": auth.get_last_request_id()}
    elif command["do"] == "acs":
        auth = OneLogin_Saml2_Auth(request_data(sp["acs_url"], post={"SAMLResponse": command["SAMLResponse"]}), config)
        auth.process_response(request_id=command.get("request_id"))
        answer = {"errors": auth.get_errors(), "reason": auth.get_last_error_reason(),
                  "authenticated": auth.is_authenticated(), "name_id": auth.get_nameid(),
                  "name_id_format": auth.get_nameid_format(), "attributes": auth.get_attributes(),
                  "session_index": auth.get_session_index()}
    elif command["do"] == "logout":
        auth = OneLogin_Saml2_Auth(request_data(sp["slo_url"]), config)
        url = auth.logout(name_id=command["name_id"], session_index=command["session_index"],
                          name_id_format=command.get("name_id_format", C.NAMEID_EMAIL_ADDRESS))
        answer = {"url": url, "request_id": auth.get_last_request_id()}
    elif command["do"] == "sls":
        config["security"]["wantMessagesSigned"] = False  # the query signature of Redirect: see above
        data = request_data(sp["slo_url"], get={"SAMLResponse": command["SAMLResponse"]})
        auth = OneLogin_Saml2_Auth(data, config)
        auth.process_slo(request_id=command.get("request_id"), keep_local_session=True)
        xml = OneLogin_Saml2_Utils.b64decode(command["SAMLResponse"])
        signed = OneLogin_Saml2_Utils.validate_sign(xml, cert=config["idp"]["x509cert"], raise_exceptions=False,
                                                    xpath="/samlp:LogoutResponse/ds:Signature")
        status = OneLogin_Saml2_Logout_Response(auth.get_settings(), command["SAMLResponse"]).get_status()
        answer = {"errors": auth.get_errors(), "reason": auth.get_last_error_reason(), "signed": signed,
                  "status": status}
    else:
        raise SystemExit(f"unknown command {command['do']!r}")
    return answer


if __name__ == "__main__":
    serve_json_lines(handle)
