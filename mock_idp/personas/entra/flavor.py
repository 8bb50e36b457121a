"""Entra ID's data and hooks: the v2.0 URL layout under the tenant id and the `common` and
`organizations` aliases, discovery and JWKS as Entra serves them, v2.0 claims (claims.py), scopes
(scopes.py) and AADSTS errors (errors.py). docs/vendors.md, "Entra ID"."""

import secrets
from dataclasses import dataclass
from typing import Any

from ..base import Flavor
from ..layout import ClientAssertionRules, DeviceFlow, EndpointPaths, IssuerLayout, Lifetimes, RefreshRotation
from . import assignment
from . import claims as entra_claims
from . import errors
from . import keys as entra_keys
from . import scopes as entra_scopes
from . import spa
from .saml.idp import IDP as SAML_IDP

PATHS = EndpointPaths(
    authorization_endpoint="/oauth2/v2.0/authorize",
    token_endpoint="/oauth2/v2.0/token",
    userinfo_endpoint="/oidc/userinfo",  # Graph's, served here under the tenant
    jwks_uri="/discovery/v2.0/keys",
    introspection_endpoint=None,
    revocation_endpoint=None,
    end_session_endpoint="/oauth2/v2.0/logout",
    device_authorization_endpoint="/oauth2/v2.0/devicecode",
    login="/login",
    discovery=("/v2.0/.well-known/openid-configuration",),
)
ALIASES = ("common", "organizations")  # multi-tenant authorities: the directory comes from the user
DISCOVERY_KEYS = (
    "token_endpoint", "token_endpoint_auth_methods_supported", "jwks_uri", "response_modes_supported",
    "subject_types_supported", "id_token_signing_alg_values_supported", "response_types_supported",
    "scopes_supported", "issuer", "request_uri_parameter_supported", "userinfo_endpoint",
    "authorization_endpoint", "device_authorization_endpoint", "http_logout_supported",
    "frontchannel_logout_supported", "end_session_endpoint", "claims_supported", "tenant_region_scope",
    "cloud_instance_name", "cloud_graph_host_name", "msgraph_host", "rbac_url",
)


def tid_of(issuer) -> str:
    return entra_claims.tenant_id(issuer.name, issuer.config)


@dataclass(frozen=True)
class EntraFlavor(Flavor):
    def issuers(self, tenant_key, tenant_url, config):
        tid = entra_claims.tenant_id(tenant_key, config)
        issuer = f"{tenant_url}/{tid}/v2.0"
        # The aliases issue the directory's own tokens (iss names the tenant id), under keys of their own.
        return [IssuerLayout(key=tenant_key, issuer=issuer, prefix=f"/{tid}", paths=self.paths)] + [
            IssuerLayout(key=f"{tenant_key}/{alias}", issuer=issuer, prefix=f"/{alias}", paths=self.paths, name=alias)
            for alias in ALIASES]

    def advertised_issuer(self, issuer) -> str:
        """Discovery's and the JWKS keys' `issuer`: the aliases name the template `{tenantid}`."""
        if issuer.layout.name in ALIASES:
            return f"{issuer.url}/{{tenantid}}/v2.0"
        return issuer.issuer

    def discovery(self, issuer) -> dict[str, Any]:
        doc = super().discovery(issuer)
        doc["issuer"] = self.advertised_issuer(issuer)
        # Entra lists the three confidential methods only (public clients send none all the same),
        # and the aliases, which belong to no directory, have no region.
        doc["token_endpoint_auth_methods_supported"] = [
            method for method in doc["token_endpoint_auth_methods_supported"] if method != "none"]
        if issuer.layout.name in ALIASES:
            doc["tenant_region_scope"] = None
        return doc

    def claims_supported(self, issuer) -> list[str]:
        return ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
                "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name",
                "tid", "ver", "at_hash", "c_hash", "email"]

    def jwks_bytes(self, issuer) -> bytes:
        # Entra's keys carry their certificate (`x5c`, `x5t`), which some validators build the key from.
        return entra_keys.jwks_bytes(issuer.keys, self.advertised_issuer(issuer))

    def published_kid(self, row) -> str:
        return entra_keys.published_kid(row)  # the certificate's thumbprint, as `x5t`

    def token_header(self, issuer, claims):
        x5t = entra_keys.signing_x5t(issuer.keys) if claims.get("ver") == "1.0" else None
        return {"x5t": x5t} if x5t else {}  # v2.0 tokens name their key by `kid` alone

    def token_issuers(self, issuer) -> tuple[str, ...]:
        return (issuer.issuer, entra_claims.v1_issuer(tid_of(issuer)))  # v2.0 and v1.0 access tokens

    def token_client_id(self, claims):
        return claims.get("azp") or claims.get("appid")  # v2.0, v1.0

    def subject(self, tenant, user) -> str:
        return entra_claims.object_id(tenant.name, user)  # the oid; tokens carry pairwise subs

    def client_subject(self, client) -> str:
        return client.client_id

    def granted_scopes(self, issuer, client, requested, audience, grant_type, user=None):
        if grant_type == "client_credentials":
            entra_scopes.check_app_only(requested)
        api = entra_scopes.resource_of(issuer, requested, client)  # Entra's errors for unknown resources, scopes
        if grant_type == "client_credentials" and api is not None:
            entra_scopes.check_assignment(api, client)
        return requested

    def check_user_access(self, issuer, client, user, scopes, channel):
        assignment.check(issuer, client, user, scopes, channel)  # AADSTS50105

    def client_seed_problems(self, tenant, client):
        return assignment.seed_problems(tenant, client)

    def check_authorization_scopes(self, issuer, scopes):
        entra_scopes.check_authorization_scopes(issuer, scopes)

    def page_error(self, error):
        return errors.page_error(super().page_error(error))

    def error_values(self, case, values):
        return errors.error_values(values)

    def authorization_error_body(self, body, data):
        return errors.redirected(body, data)

    def resolve_audience(self, issuer, client, requested, grant_type=None):
        return requested  # the scopes name the resource (claims.access_token_claims)

    def id_token_claims(self, ctx) -> dict[str, Any]:
        return entra_claims.id_token_claims(ctx, tid_of(ctx.issuer))

    def access_token_claims(self, ctx) -> dict[str, Any]:
        return entra_claims.access_token_claims(ctx, tid_of(ctx.issuer))

    def userinfo_claims(self, ctx) -> dict[str, Any]:
        claims = entra_claims.user_part(ctx, tid_of(ctx.issuer), ctx.client.client_id)
        return {"sub": entra_claims.pairwise(claims["oid"], ctx.client.client_id), "name": claims["name"],
                "preferred_username": claims["preferred_username"], **({"email": claims["email"]} if "email" in claims else {})}

    def token_response_members(self, ctx, params) -> dict[str, Any]:
        members = {"ext_expires_in": ctx.access_token_lifetime}
        if params.get("client_info") == "1" and ctx.user is not None:
            members["client_info"] = entra_claims.client_info(ctx, tid_of(ctx.issuer))
        return members

    def cors_origins(self, tenant, client):
        return spa.cors_origins(client)

    def check_token_origin(self, issuer, client, grant_type, origin):
        spa.check_origin(client, grant_type, origin)
        super().check_token_origin(issuer, client, grant_type, origin)

    def redeemed_from_browser(self, client):
        return client.single_page_app

    def refresh_token_expires_at(self, ctx, previous):
        fixed = spa.refresh_token_expires_at(ctx, previous)
        return fixed if fixed is not None else super().refresh_token_expires_at(ctx, previous)

    def refresh_expired_case(self, client):
        return "refresh_token_fixed_lifetime_expired" if client.single_page_app else "refresh_token_expired"

    def token_endpoint_response(self, status, body, request_headers):
        if isinstance(body, dict) and "error" in body:
            return errors.token_error(status, body, request_headers.get("client-request-id"))
        if isinstance(body, dict) and "device_code" in body and "user_code" in body:
            # Entra's device authorization answer: a `message` to show, no verification_uri_complete.
            body.pop("verification_uri_complete", None)
            body["message"] = (f"To sign in, use a web browser to open the page {body['verification_uri']} "
                               f"and enter the code {body['user_code']} to authenticate.")
        return status, body

    def frontchannel_logout_url(self, client, sid):
        return entra_claims.frontchannel_logout_url(client, sid)

    def new_jti(self, kind: str) -> str:
        return entra_claims.b64url(secrets.token_bytes(16))


PROFILE = EntraFlavor(
    name="entra",
    label="Microsoft Entra ID (mock)",
    paths=PATHS,
    signing_algorithms=("RS256",),
    lifetimes=Lifetimes(access_token=3600, id_token=3600, authorization_code=600, refresh_token=90 * 24 * 3600,
                        device_code=900),
    scopes_supported=("openid", "profile", "email", "offline_access"),
    response_types_supported=("code", "id_token", "code id_token", "id_token token"),
    grant_types_supported=("authorization_code", "refresh_token", "client_credentials", "password",
                           "urn:ietf:params:oauth:grant-type:device_code",
                           "urn:ietf:params:oauth:grant-type:jwt-bearer"),
    token_endpoint_auth_methods_supported=("client_secret_post", "private_key_jwt", "client_secret_basic", "none"),
    unnamed_client_auth_methods=("client_secret_post",),  # a secret goes in the body (MSAL) or Basic
    # docs/vendors.md, "Entra ID": aud is the token endpoint; MSAL reuses one assertion for up to
    # 9 minutes, so a jti seen twice is not refused; RS256 with x5t, PS256 with x5t#S256.
    client_assertion=ClientAssertionRules(algorithms=("RS256", "PS256"), audiences=("token_endpoint",),
                                          max_lifetime=3600, jti_required=False, reject_replay=False,
                                          list_algorithms=False),
    token_exchange=None,  # Entra's exchange is on-behalf-of (on_behalf_of.py)
    client_id_claim="azp",  # v2.0 access tokens name the client in azp (v1.0: appid)
    vendor_grants=("entra.on_behalf_of",),
    vendor_apis=("entra.userrealm", "entra.v1", "entra.saml"),
    saml_idp=SAML_IDP,  # enterprise apps' SAML single sign-on: saml/idp.py
    # A new refresh token with each refresh, and the one used stays valid until it expires or is
    # revoked (docs/vendors.md, "Refresh token rotation, per vendor"); Entra has no setting for it.
    refresh_rotation=RefreshRotation(retire_used=False),
    # Refresh tokens "aren't tied to a resource": one redeems for any API the app may call, as
    # MSAL's acquire_token_silent does for a second resource (docs/vendors.md, "Entra ID, as MSAL drives it").
    refresh_any_scope=True,
    # Clients' app roles on the APIs (claims.granted_app_roles); user assignment (assignment.py);
    # the single-page application platform (spa.py); front-channel logout (claims.frontchannel_logout_url);
    # SAML apps (saml/).
    seed_keys=("application_permissions", "app_role_assignment_required", "app_role_assigned_to",
               "access_token_version", "single_page_app", "frontchannel_logout_uri", "saml_apps"),
    access_token_typ="JWT",
    id_token_typ="JWT",
    refresh_requires_offline_access=True,
    extra_authorization_parameters=("client_info", "login_hint", "domain_hint", "prompt"),
    wrong_password_message=errors.WRONG_PASSWORD,
    case_insensitive_usernames=True,  # UPNs sign in whatever their case (docs/vendors.md, Usernames)
    discovery_keys=DISCOVERY_KEYS,
    discovery_extras={"http_logout_supported": True, "frontchannel_logout_supported": True,
                      "subject_types_supported": ["pairwise"], "tenant_region_scope": "NA",
                      "cloud_instance_name": "microsoftonline.com", "cloud_graph_host_name": "graph.windows.net",
                      "msgraph_host": "graph.microsoft.com", "rbac_url": "https://pas.windows.net"},
    error_descriptions=errors.DESCRIPTIONS,
    page_error_descriptions=errors.PAGE_DESCRIPTIONS,
    sdk_settings=(
        "MSAL (Python, Node, .NET): authority '{issuer}' without its '/v2.0', instance_discovery=False "
        "(msal-node: knownAuthorities: [host]), client id '{client_id}'",
        "Access tokens: audience '{audience}' (the API's application id), issuer '{issuer}'",
    ),
    device_flow=DeviceFlow(verification_path="/devicelogin", user_code_alphabet="BCDFGHJKLMNPQRSTVWXZ",
                           user_code_length=9, user_code_group=0, **errors.DEVICE_MESSAGES),
)
