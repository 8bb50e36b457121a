"""Entra's v1.0 endpoints that validators and scripts still point at, under the tenant id and
the `common` / `organizations` aliases (docs/vendors.md, "Entra ID v1.0 endpoints"):

- `/{tenant}/.well-known/openid-configuration`: the v1.0 document, issuer
  `https://sts.windows.net/{tid}/` (`{tenantid}` at the aliases). Microsoft.Identity.Web's
  AadIssuerValidator reads it to check the issuer of a v1.0 token even when configured with the
  v2.0 authority; passport-azure-ad and hand-written validators are configured with it.
- `/{tenant}/discovery/keys`: the same keys as `/discovery/v2.0/keys`, without the `issuer`
  member (the v1.0 endpoint "doesn't have issuers attached to keys", AadTokenValidationParametersExtension).
- `/{tenant}/oauth2/token`: client credentials with `resource` instead of `scope`, answered in
  the v1.0 shape (numbers as strings, `expires_on`, `not_before`, `resource`).

The document advertises only these: the v1.0 authorization, logout, device code and userinfo
endpoints are not served, so it names none of them.
"""

import functools
import json

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.routing import Route

from ...endpoints.http import NO_STORE
from ...endpoints.token import back_channel
from ...oauth.server import FormPayload
from ...web.prerendered import prerenderable, rendered
from . import claims as entra_claims
from . import errors
from . import keys as entra_keys
from . import scopes as entra_scopes
from ..vendor_api import VendorCall

ENDPOINTS: tuple[str, ...] = ()  # the v1.0 token endpoint is the admin API's "token" endpoint
# RFC 6749 §5.2's statuses of an injected error without one (admin/watch.py answers the v2.0 alike).
INJECTED_STATUS = {"invalid_client": 401, "server_error": 500, "temporarily_unavailable": 503}
ALIASES = ("common", "organizations")
CACHEABLE = {"Cache-Control": "public, max-age=300"}
CLAIMS = ("sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host",
          "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name", "nickname")


def routes(tenant) -> list[Route]:
    served = []
    for issuer in tenant.issuers:
        prefix = issuer.layout.prefix
        served += [Route(prefix + "/.well-known/openid-configuration", document_endpoint(issuer), methods=["GET"]),
                   Route(prefix + "/discovery/keys", keys_endpoint(issuer), methods=["GET"]),
                   Route(prefix + "/oauth2/token", token_endpoint(issuer), methods=["POST"])]
    return served


def injected_failure(error: str | None, description: str | None, status: int | None) -> JSONResponse:
    """An armed "token" scenario's answer, in the token endpoint's Entra shape."""
    error = error or ("server_error" if (status or 0) >= 500 else "invalid_request")
    status, body = errors.token_error(status or INJECTED_STATUS.get(error, 400), {
        "error": error, "error_description": description or "Failure injected by a mock_idp scenario."})
    return JSONResponse(body, status_code=status, headers=NO_STORE)


TOKEN = VendorCall("token", injected_failure, error_key="error")


def WATCHED(tenant) -> dict:  # noqa: N802 - the name vendor_api.watched_calls reads
    """The v1.0 token endpoints: scenarios armed for "token" fire there too; the trail shows them."""
    return {issuer.layout.prefix + "/oauth2/token": lambda headers: TOKEN for issuer in tenant.issuers}


def document(issuer) -> dict:
    """The v1.0 OpenID configuration, in Entra's order, of what is served here."""
    at = issuer.url + issuer.layout.prefix
    alias = issuer.layout.name in ALIASES
    tid = "{tenantid}" if alias else entra_claims.tenant_id(issuer.name, issuer.config)
    extras = issuer.flavor.discovery_extras
    return {
        "token_endpoint": at + "/oauth2/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": at + "/discovery/keys",
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid"],
        "issuer": entra_claims.v1_issuer(tid),
        "claims_supported": list(CLAIMS),
        "tenant_region_scope": None if alias else extras["tenant_region_scope"],
        **{key: extras[key] for key in ("cloud_instance_name", "cloud_graph_host_name", "msgraph_host", "rbac_url")},
    }


def document_endpoint(issuer):
    rendered_once = functools.cache(lambda: json.dumps(document(issuer), indent=2).encode())
    return cached_json(lambda internal_base: rendered_once())


def keys_endpoint(issuer):
    return cached_json(lambda internal_base: entra_keys.jwks_bytes(issuer.keys))  # the keys version: rotations show


def cached_json(body):
    """A GET answered with `body`, pre-rendered in front of the framework like the v2.0 documents."""
    async def handler(request: Request) -> Response:
        return Response(await rendered(request, body, None), media_type="application/json", headers=CACHEABLE)
    handler.off_loop = True  # it waits for no store call of its own (web/off_loop.route_off_loop)
    return prerenderable(handler, body, CACHEABLE)


def token_endpoint(issuer):
    """The v2.0 token endpoint's machinery behind v1.0 parameters and answers."""
    def respond(oauth_request):
        form = oauth_request.form
        if form.get("grant_type") != "client_credentials":
            return refused(issuer, oauth_request, "unsupported_grant_type",
                           "AADSTS70003: The app requested an unsupported grant type: the mock's v1.0 token "
                           "endpoint serves client_credentials only (use /oauth2/v2.0/token).")
        resource = form.get("resource")
        if not resource:
            return refused(issuer, oauth_request, "invalid_request",
                           "AADSTS900144: The request body must contain the following parameter: 'resource'.")
        items = [(key, value) for key, values in oauth_request.payload.datalist.items() for value in values
                 if key not in ("resource", "scope")]
        oauth_request.payload = FormPayload([*items, ("scope", default_scope(issuer, resource))])
        status, body, headers = issuer.server.create_token_response(oauth_request)
        return status, (v1_answer(issuer, body, resource) if status == 200 else body), headers
    handler = back_channel(issuer, respond, vendor_shaped=True, endpoint_name="token_endpoint")
    handler.off_loop = True  # back_channel moves its own work off the loop
    return handler


def refused(issuer, oauth_request, error: str, description: str):
    return issuer.server.handle_error_response(oauth_request, errors.EntraError(error, description))


def default_scope(issuer, resource: str) -> str:
    """The v2.0 scope of a v1.0 `resource`: its `/.default`; an API may be named by its
    Application ID URI or its application id, with or without a trailing slash."""
    name = resource.rstrip("/")
    api = next((api for api in issuer.config.apis if name in (api.identifier, entra_scopes.audience_of(api))), None)
    return f"{api.identifier if api is not None else name}/.default"


def v1_answer(issuer, body: dict, resource: str) -> dict:
    """A v1.0 answer: every number a string, the instants it is valid between, the resource."""
    now = issuer.now()
    lifetime = int(body["expires_in"])
    return {"token_type": body["token_type"], "expires_in": str(lifetime),
            "ext_expires_in": str(body.get("ext_expires_in", lifetime)), "expires_on": str(now + lifetime),
            "not_before": str(now), "resource": resource, "access_token": body["access_token"]}
