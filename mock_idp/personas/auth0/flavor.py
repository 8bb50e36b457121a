"""Auth0: issuer with a trailing slash, APIs chosen by `audience`, namespaced custom claims.

Shapes follow real Auth0 tokens (docs/vendors.md): `sub` "auth0|<24 hex>", ID tokens with
nickname/picture/updated_at (ISO string)/sid, API access tokens with `azp`, `scope` as a string,
`permissions` and `gty`; `<client_id>@clients` for machine-to-machine tokens. The claims:
token_claims.py; the APIs an `audience` names: apis.py; the token endpoint's errors: errors.py.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .. import cors
from ..base import Flavor
from ..layout import ClientAssertionRules, DeviceFlow, EndpointPaths, IssuerLayout, Lifetimes
from . import (apis, backchannel_logout, client_grants, errors, m2m_organizations, organizations, refresh_tokens,
               token_claims)
from .token_claims import PASSWORD_REALM

PATHS = EndpointPaths(
    authorization_endpoint="/authorize",
    token_endpoint="/oauth/token",
    userinfo_endpoint="/userinfo",
    jwks_uri="/.well-known/jwks.json",
    introspection_endpoint=None,
    revocation_endpoint="/oauth/revoke",
    end_session_endpoint="/oidc/logout",
    extra_logout=("/v2/logout",),
    device_authorization_endpoint="/oauth/device/code",
    login="/u/login",
)
DISCOVERY_KEYS = (
    "issuer", "authorization_endpoint", "token_endpoint", "device_authorization_endpoint",
    "userinfo_endpoint", "mfa_challenge_endpoint", "jwks_uri", "registration_endpoint",
    "revocation_endpoint", "scopes_supported", "response_types_supported",
    "code_challenge_methods_supported", "response_modes_supported", "subject_types_supported",
    "token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported",
    "claims_supported", "request_uri_parameter_supported", "request_parameter_supported",
    "id_token_signing_alg_values_supported", "end_session_endpoint", "backchannel_logout_supported",
    "backchannel_logout_session_supported",
)


@dataclass(frozen=True)
class Auth0Flavor(Flavor):
    def issuers(self, tenant_key, tenant_url, config):
        return [IssuerLayout(key=tenant_key, issuer=tenant_url + "/", prefix="", paths=self.paths)]

    def subject(self, tenant, user) -> str:
        return user.sub or "auth0|" + hashlib.sha256(f"{tenant.name}:{user.username}".encode()).hexdigest()[:24]

    def client_subject(self, client) -> str:
        return f"{client.client_id}@clients"

    def granted_scopes(self, issuer, client, requested, audience, grant_type, user=None):
        return apis.granted_scopes(issuer, client, requested, audience, grant_type, user, self.scopes_supported)

    def resolve_audience(self, issuer, client, requested, grant_type=None):
        return apis.resolve_audience(issuer, client, requested, grant_type)

    def web_message_origins(self, client):
        # The dashboard's Allowed Web Origins, when the seed names them.
        return client.web_origins if "web_origins" in client.model_fields_set else None

    def cors_origins(self, tenant, client):
        # Allowed Origins (CORS), which "by default" counts the callback URLs, and Allowed Web
        # Origins (docs/vendors.md, "CORS allow-lists"). Logout URLs do not count.
        return cors.origins([*client.allowed_origins, *client.web_origins, *client.redirect_uris])

    def check_token_origin(self, issuer, client, grant_type, origin):
        if origin is not None and not cors.allows(self, issuer.config, client, origin):
            raise errors.OriginNotAllowedError()

    def backchannel_logout_urls(self, client, initiator):
        return backchannel_logout.urls(client, initiator)

    def namespace(self, issuer) -> str:
        return issuer.config.claims_namespace or issuer.issuer

    def user_defaults(self, user) -> dict[str, Any]:
        email = user.claims.get("email")
        nickname = (email or user.username).split("@")[0]
        return {
            "nickname": nickname,
            "name": email or user.username,
            "picture": f"https://s.gravatar.com/avatar/{hashlib.md5((email or user.username).encode()).hexdigest()}?s=480&r=pg&d=mp",
            "updated_at": datetime.fromtimestamp(1700000000, timezone.utc).isoformat().replace("+00:00", ".000Z"),
        }

    def user_claims(self, ctx) -> dict[str, Any]:
        released = super().user_claims(ctx)
        if ctx.user is not None and "preferred_username" not in ctx.user.claims:
            released.pop("preferred_username", None)  # Auth0 profiles have none by default
        return token_claims.namespaced(released, self.namespace(ctx.issuer))

    def token_request_context(self, issuer, client, data, audience, grant_type):
        if grant_type != "client_credentials":
            return None
        return m2m_organizations.client_credentials_context(issuer, client, data, audience)

    def authorization_context(self, issuer, client, data, user):
        return organizations.authorization_context(issuer, client, data, user)

    def id_token_claims(self, ctx) -> dict[str, Any]:
        return token_claims.id_token_claims(self, ctx)

    def access_token_claims(self, ctx) -> dict[str, Any]:
        return token_claims.access_token_claims(self, ctx)

    def refresh_rotation_of(self, client):
        return refresh_tokens.rotation(client)

    def client_seed_problems(self, tenant, client):
        return (refresh_tokens.seed_problems(client) + client_grants.seed_problems(tenant, client)
                + organizations.seed_problems(client))

    def api_seed_words(self, written):
        return apis.seed_words(written)

    def api_seed_problems(self, api):
        return apis.seed_problems(api)

    def access_token_lifetime(self, ctx) -> int:
        return apis.token_lifetime(ctx.issuer, ctx.audience, self.lifetimes.access_token)

    def token_endpoint_response(self, status, body, request_headers):
        return errors.token_endpoint_response(status, body)


PROFILE = Auth0Flavor(
    token_exchange=None,  # no RFC 8693 exchange (Auth0's Custom Token Exchange runs Actions)
    name="auth0",
    label="Auth0 (mock)",
    signing_algorithms=("RS256",),
    paths=PATHS,
    lifetimes=Lifetimes(access_token=86400, id_token=36000, authorization_code=600,
                        refresh_token=30 * 24 * 3600, device_code=900),
    scopes_supported=("openid", "profile", "offline_access", "name", "given_name", "family_name",
                      "nickname", "email", "email_verified", "picture", "created_at", "identities",
                      "phone", "address"),
    response_types_supported=("code", "token", "id_token", "code token", "code id_token",
                              "token id_token", "code token id_token"),
    access_token_typ="JWT",
    id_token_typ="JWT",
    refresh_requires_offline_access=True,
    token_endpoint_accepts_json=True,
    client_id_claim="azp",
    # /oauth/revoke takes refresh tokens; a JWT access token lives until it expires (docs/vendors.md 4e).
    revokes_access_tokens=False,
    # docs/vendors.md, "private_key_jwt": aud is the tenant URL (the issuer, with its slash), at most
    # five minutes of life, a jti, and the algorithms of Auth0's discovery.
    token_endpoint_auth_methods_supported=("client_secret_basic", "client_secret_post", "private_key_jwt"),
    client_assertion=ClientAssertionRules(algorithms=("RS256", "RS384", "PS256"), audiences=("issuer",),
                                          max_lifetime=300),
    vendor_grants=("auth0.password_realm",),  # GetToken.login(username, password, realm=...)
    extension_grant_types=(PASSWORD_REALM,),
    # The dashboard's one "Password" grant box enables both (docs/vendors.md, "Auth0: the Password box").
    implied_grant_types={"password": (PASSWORD_REALM,)},
    extra_authorization_parameters=("connection", "organization", "invitation", "screen_hint"),
    # auth0-spa-js's getTokenSilently: a hidden iframe with prompt=none&response_mode=web_message; the
    # page posts {type: "authorization_response", response} (docs/vendors.md, "SPA SDKs"). Auth0's
    # discovery does not list it.
    post_message_modes=("web_message",),
    # /dbconnections/signup and change_password; the Management API v2's /api/v2/users, roles and organizations;
    # last, the rest of /api/v2 (Auth0's 404)
    vendor_apis=("auth0.dbconnections", "auth0.organization_prompt", "auth0.users_api", "auth0.roles_api",
                 "auth0.organizations_api", "auth0.invitations",
                 "auth0.unknown_api"),
    # served by auth0.roles_api; refresh_tokens.py; apis.py (an API's RBAC); management.py; web_message_origins;
    # cors_origins; client_grants.py; organizations.py; backchannel_logout.py
    seed_keys=("roles", "refresh_token", "enforce_policies", "token_dialect", "management_scopes", "web_origins",
               "allowed_origins", "client_grants", "organizations", "allow_organization_name_in_authentication_api",
               "organization_usage", "organization_require_behavior", "default_organization", "initiate_login_uri",
               "oidc_logout"),
    # docs/vendors.md, "SPA SDKs in the browser": web_message for an origin not allowed is a 400 page.
    page_error_descriptions={
        "unregistered_web_origin": "The specified redirect_uri '{redirect_uri}' does not have a registered origin.",
    },
    logout_redirect_params=("post_logout_redirect_uri", "returnTo"),
    sdk_settings=(
        "express-oauth2-jwt-bearer, auth0-spa-js, nextjs-auth0: issuerBaseURL: '{issuer}', "
        "audience: '{audience}', clientID: '{client_id}'",
    ),
    wrong_password_message="Wrong email or password.",
    # Database connections store usernames and emails lower-cased (docs/vendors.md, Usernames).
    case_insensitive_usernames=True,
    discovery_keys=DISCOVERY_KEYS,
    discovery_extras={"request_uri_parameter_supported": False,
                      # docs/vendors.md, "Back-channel and front-channel logout"
                      "backchannel_logout_supported": True, "backchannel_logout_session_supported": True},
    # docs/vendors.md, "Auth0 error bodies" (client authentication errors: token_endpoint_response).
    error_descriptions={
        "invalid_code": "Invalid authorization code",
        "login_required": "Login required",  # prompt=none without a session (docs/vendors.md, "SPA SDKs")
        "code_verifier_mismatch": "Failed to verify code verifier",
        "invalid_refresh_token": "Unknown or invalid refresh token.",
        "user_blocked": "user is blocked",  # a blocked user's refresh token (and password-realm sign-in)
        # /authorize's organization (organizations.py; docs/vendors.md, "Auth0 Organizations")
        "organization_not_an_id": "authorization request parameter organization must be an organization id",
        "organization_invalid": "parameter organization is invalid: no organization found for '{organization}'",
        "organization_not_member": "user {user_id} is not part of the {org_id} organization",
        "organization_not_allowed": "parameter organization is not allowed for this client",
        "organization_required": "parameter organization is required for this client",
        "invitation_invalid": "invitation not found or already used",
        "invitation_without_organization": "parameter organization is required when invitation is sent",
        "invitation_other_email": "the invitation was sent to {email}, not to the user who signed in",
    },
    device_flow=DeviceFlow(
        verification_path="/activate",
        pending_message="User has yet to authorize device code.",
        slow_down_message="You are polling faster than the specified interval of {interval} seconds.",
        expired_message="User did not authorize the request",
        denied_message="User refused to authorize the request",
        invalid_message="Invalid or expired device code.",
    ),
)
