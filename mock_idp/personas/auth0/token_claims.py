"""Auth0's ID and access-token claims (namespaced claims, `azp`, `gty`, `permissions`): docs/vendors.md 2, 6d."""

from typing import Any

from ..standard_claims import STANDARD_CLAIMS
from . import organizations
from .apis import api_named, role_permissions

# ID-token claims Auth0 releases un-namespaced; anything else needs a namespace.
OIDC_CLAIMS = STANDARD_CLAIMS | {"nickname", "picture", "updated_at", "email", "email_verified"}
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
GRANT_TYPE_GTY = {"client_credentials": "client-credentials", "password": "password", PASSWORD_REALM: "password"}


def namespaced(released: dict[str, Any], ns: str) -> dict[str, Any]:
    # Auth0 drops un-namespaced custom claims; a seeded `department` becomes `<ns>department`.
    return {(k if k in OIDC_CLAIMS else ns + k): v for k, v in released.items()}


def id_token_claims(flavor, ctx) -> dict[str, Any]:
    claims = {
        **flavor.user_claims(ctx),
        "iss": ctx.issuer.issuer,
        "aud": ctx.client.client_id,
        "iat": ctx.now,
        "exp": ctx.now + flavor.lifetimes.id_token,
        "sub": ctx.subject,
    }
    if ctx.sid:
        claims["sid"] = ctx.sid
    if ctx.auth_time is not None:
        claims["auth_time"] = ctx.auth_time
    claims.update(organizations.token_claims(ctx))  # signed in through an organization
    return claims


def access_token_claims(flavor, ctx) -> dict[str, Any]:
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
        ns = flavor.namespace(ctx.issuer)
        claims.update({ns + k: v for k, v in ctx.user.claims.items() if k not in OIDC_CLAIMS})
    claims.update(organizations.token_claims(ctx))
    return claims
