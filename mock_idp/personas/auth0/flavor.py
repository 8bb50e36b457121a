"""Auth0: issuer with a trailing slash, APIs chosen by `audience`, namespaced custom claims.

Shapes follow real Auth0 tokens (docs/vendors.md): `sub` "auth0|<24 hex>", ID tokens with
nickname/picture/updated_at (ISO string)/sid, API access tokens with `azp`, `scope` as a string,
`permissions` and `gty`; `<client_id>@clients` for machine-to-machine tokens.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ...oauth.errors import OAuthError, safe_description
from ..base import STANDARD_CLAIMS, Flavor
from ..layout import ClientAssertionRules, DeviceFlow, EndpointPaths, IssuerLayout, Lifetimes

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
    "id_token_signing_alg_values_supported", "end_session_endpoint",
)
# ID-token claims Auth0 releases un-namespaced; anything else needs a namespace.
OIDC_CLAIMS = STANDARD_CLAIMS | {"nickname", "picture", "updated_at", "email", "email_verified"}
FORBIDDEN_ERRORS = ("invalid_grant", "unauthorized_client", "access_denied",
                    "authorization_pending", "expired_token")
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
GRANT_TYPE_GTY = {"client_credentials": "client-credentials", "password": "password", PASSWORD_REALM: "password"}


class AccessDeniedError(OAuthError):
    error = "access_denied"
    status_code = 403


@dataclass(frozen=True)
class Auth0Flavor(Flavor):
    def issuers(self, tenant_key, tenant_url, config):
        return [IssuerLayout(key=tenant_key, issuer=tenant_url + "/", prefix="", paths=self.paths)]

    def subject(self, tenant, user) -> str:
        return user.sub or "auth0|" + hashlib.sha256(f"{tenant.name}:{user.username}".encode()).hexdigest()[:24]

    def client_subject(self, client) -> str:
        return f"{client.client_id}@clients"

    def granted_scopes(self, issuer, client, requested, audience, grant_type, user=None):
        if audience is not None and audience == management_audience(issuer):
            # The client's grant on the Management API: all of it, or what was asked of it.
            missing = [scope for scope in requested if scope not in client.management_scopes]
            if missing:
                raise AccessDeniedError(f"Client has not been granted scopes: {safe_description(', '.join(missing))}")
            return list(requested or client.management_scopes)
        # A client-credentials grant with no scope gets every scope of its API ("client grant").
        api = api_named(issuer, audience) if audience else None
        if grant_type == "client_credentials" and not requested and api is not None:
            return list(api.scopes)
        if user is not None and api is not None and api.enforce_policies:
            # RBAC: of the API's permissions asked for, only those the user holds (their own and their
            # roles'); OIDC scopes (openid, profile, offline_access...) are not the API's (vendors.md 6d).
            held = set(role_permissions(issuer, user, api)) | set(self.scopes_supported)
            return [scope for scope in requested if scope in held]
        return requested

    def resolve_audience(self, issuer, client, requested, grant_type=None):
        audience = requested or client.audience
        if audience is None:
            if grant_type == "client_credentials":
                raise AccessDeniedError("No audience parameter was provided, and no default "
                                        "audience has been configured")
            return None
        if audience == management_audience(issuer):
            if grant_type != "client_credentials" or not client.management_scopes:
                raise AccessDeniedError(f'Client is not authorized to access "{audience}". You need to create a '
                                        '"client-grant" associated to this API. See: '
                                        "https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants")
            return audience
        if api_named(issuer, audience) is None:
            raise AccessDeniedError(f"Service not found: {safe_description(audience)}")
        return audience

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
        ns = self.namespace(ctx.issuer)
        # Auth0 drops un-namespaced custom claims; a seeded `department` becomes `<ns>department`.
        return {(k if k in OIDC_CLAIMS else ns + k): v for k, v in released.items()}

    def id_token_claims(self, ctx) -> dict[str, Any]:
        claims = {
            **self.user_claims(ctx),
            "iss": ctx.issuer.issuer,
            "aud": ctx.client.client_id,
            "iat": ctx.now,
            "exp": ctx.now + self.lifetimes.id_token,
            "sub": ctx.subject,
        }
        if ctx.session_id:
            claims["sid"] = ctx.session_id
        if ctx.auth_time is not None:
            claims["auth_time"] = ctx.auth_time
        return claims

    def access_token_claims(self, ctx) -> dict[str, Any]:
        issuer = ctx.issuer.issuer
        if ctx.audience is None:
            audience: Any = issuer + "userinfo"  # Auth0: good for /userinfo only
        elif ctx.user is not None and "openid" in ctx.scopes:
            audience = [ctx.audience, issuer + "userinfo"]
        else:
            audience = ctx.audience
        claims = {
            "iss": issuer,
            "sub": ctx.subject,
            "aud": audience,
            "iat": ctx.now,
            "exp": ctx.now + ctx.access_token_lifetime,
            "scope": " ".join(ctx.scopes),
            "azp": ctx.client.client_id,
        }
        if not ctx.scopes:
            del claims["scope"]  # Auth0 omits `scope` when the grant has none
        if ctx.grant_type in GRANT_TYPE_GTY:
            claims["gty"] = GRANT_TYPE_GTY[ctx.grant_type]
        api = api_named(ctx.issuer, ctx.audience) if ctx.audience else None
        if api is not None and api.token_dialect == "access_token_authz":
            # "Add Permissions in the Access Token": all the user's permissions on the API, asked for
            # or not (their own and their roles'); a machine-to-machine client's, its granted scopes.
            claims["permissions"] = role_permissions(ctx.issuer, ctx.user, api) if ctx.user else list(ctx.scopes)
        if ctx.user is not None:
            # What an Auth0 Action typically adds to API tokens: the custom claims, namespaced.
            ns = self.namespace(ctx.issuer)
            claims.update({ns + k: v for k, v in ctx.user.claims.items() if k not in OIDC_CLAIMS})
        return claims

    def access_token_lifetime(self, ctx) -> int:
        api = api_named(ctx.issuer, ctx.audience) if ctx.audience else None
        if api is not None and api.token_lifetime:
            return api.token_lifetime
        return self.lifetimes.access_token

    def token_endpoint_response(self, status, body):
        # Auth0 answers bad client credentials with 401 access_denied "Unauthorized", a bad
        # grant (and a device flow still waiting) with 403, polling too fast with 429.
        error = body.get("error") if isinstance(body, dict) else None
        if error == "invalid_client":
            return 401, {"error": "access_denied", "error_description": "Unauthorized"}
        if error in FORBIDDEN_ERRORS:
            return 403, body
        if error == "slow_down":
            return 429, body
        if error is None and body.get("scope") == "":
            del body["scope"]  # no scopes granted: Auth0 sends no `scope` member
        return status, body


def api_named(issuer, identifier: str):
    return next((api for api in issuer.config.apis if api.identifier == identifier), None)


def management_audience(issuer) -> str:
    """The Management API v2's identifier: `https://<tenant>/api/v2/` (management_api.py)."""
    return issuer.issuer + "api/v2/"


def role_permissions(issuer, user, api) -> list[str]:
    """The user's own permissions and those of their roles, on `api`, each once."""
    roles = issuer.roles
    found = list(user.permissions or [])
    for name in user.roles:
        role = roles.get(name)
        found += [p.permission for p in (role.permissions if role else ()) if p.api == api.identifier]
    return list(dict.fromkeys(found))


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
    # The dashboard's one "Password" grant box enables both (docs/vendors.md, "Auth0: the Password box").
    implied_grant_types={"password": (PASSWORD_REALM,)},
    extra_authorization_parameters=("connection", "organization", "invitation", "screen_hint"),
    # /dbconnections/signup and change_password; the Management API v2's /api/v2/users and roles
    vendor_apis=("auth0.dbconnections", "auth0.users_api", "auth0.roles_api"),
    seed_keys=("roles",),  # served by auth0.roles_api
    logout_redirect_params=("post_logout_redirect_uri", "returnTo"),
    sdk_settings=(
        "express-oauth2-jwt-bearer, auth0-spa-js, nextjs-auth0: issuerBaseURL: '{issuer}', "
        "audience: '{audience}', clientID: '{client_id}'",
    ),
    wrong_password_message="Wrong email or password.",
    # Database connections store usernames and emails lower-cased (docs/vendors.md, Usernames).
    case_insensitive_usernames=True,
    discovery_keys=DISCOVERY_KEYS,
    discovery_extras={"request_uri_parameter_supported": False},
    # docs/vendors.md, "Auth0 error bodies" (client authentication errors: token_endpoint_response).
    error_descriptions={
        "invalid_code": "Invalid authorization code",
        "code_verifier_mismatch": "Failed to verify code verifier",
        "invalid_refresh_token": "Unknown or invalid refresh token.",
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
