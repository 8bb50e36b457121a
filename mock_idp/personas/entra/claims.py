"""v2.0 tokens as Entra shapes them (docs/vendors.md, "Entra ID tokens"): ID tokens for the app,
access tokens for the API the scopes name, and the `client_info` MSAL keys its cache with."""

import base64
import hashlib
import json
import secrets
import uuid
from typing import Any

from authlib.common.urls import add_params_to_uri

from . import scopes as entra_scopes

GROUPS_LIMIT = 200  # past this many groups a JWT carries the overage claim instead


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tenant_id(tenant_name: str, config) -> str:
    return config.tenant_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"mock-idp:tenant:{tenant_name}"))


def object_id(tenant_name: str, user) -> str:
    return user.claims.get("oid") or str(uuid.uuid5(uuid.NAMESPACE_URL, f"mock-idp:{tenant_name}:{user.username}"))


def service_principal_id(tenant_name: str, client) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mock-idp:{tenant_name}:sp:{client.client_id}"))


def pairwise(oid: str, app: str) -> str:
    """`sub`: the user as one application sees them (another app sees another value)."""
    return b64url(hashlib.sha256(f"{oid}:{app}".encode()).digest())


def azpacr(client) -> str:
    """How the client authenticated: 0 public, 1 secret, 2 certificate or key."""
    if client.is_public:
        return "0"
    return "2" if client.token_endpoint_auth_method == "private_key_jwt" else "1"


def common(ctx, tid: str) -> dict[str, Any]:
    return {"iss": ctx.issuer.issuer, "iat": ctx.now, "nbf": ctx.now, "tid": tid,
            "uti": b64url(secrets.token_bytes(16)), "rh": "0." + b64url(secrets.token_bytes(32)), "ver": "2.0"}


def names_of(tenant_name: str, user) -> set[str]:
    """What an app-role assignment may name the user by (case-folded): their UPN, object id, and
    the groups they are a direct member of (object ids, as their `groups` list them)."""
    groups = [group for group in user.claims.get("groups") or [] if isinstance(group, str)]
    names = {user.username, object_id(tenant_name, user), str(user.claims.get("preferred_username") or ""), *groups}
    return {name.casefold() for name in names if name}


def assignments(client) -> list[tuple[str, str | None]]:
    """An application's "Users and groups": (principal, app role; None for "Default Access")."""
    return [(entry.principal, entry.app_role) for entry in (client.app_role_assigned_to if client is not None else ())]


def assigned_roles(issuer, user, app: str) -> list[str]:
    """The user's app roles in one application: their own `roles` (seeded as a list: every app;
    as {application id: [roles]}: each app sees only its own, as in Entra), then the roles the
    app's assignments give them or a group they are a direct member of (Entra gives a group's app
    role to its direct members only: nested groups are not expanded)."""
    roles = user.claims.get("roles") or []
    if isinstance(roles, dict):
        roles = roles.get(app) or []
    mine = names_of(issuer.name, user)
    given = [role for principal, role in assignments(issuer.find_client(app)) if role and principal.casefold() in mine]
    return list(dict.fromkeys([*roles, *given]))


def user_part(ctx, tid: str, app: str) -> dict[str, Any]:
    user, oid = ctx.user, object_id(ctx.issuer.name, ctx.user)
    claims = {"oid": oid, "name": user.claims.get("name") or user.username,
              "preferred_username": user.claims.get("preferred_username") or user.username}
    if "email" in ctx.scopes and user.claims.get("email"):
        claims["email"] = user.claims["email"]
    if roles := assigned_roles(ctx.issuer, user, app):
        claims["roles"] = roles
    groups = user.claims.get("groups")
    if groups:
        if len(groups) > GROUPS_LIMIT:
            # The overage claim: the app reads the groups from Graph instead.
            claims["_claim_names"] = {"groups": "src1"}
            claims["_claim_sources"] = {"src1": {"endpoint": f"https://graph.microsoft.com/v1.0/users/{oid}/getMemberObjects"}}
        else:
            claims["groups"] = list(groups)
    return claims


def id_token_claims(ctx, tid: str) -> dict[str, Any]:
    client_id = ctx.client.client_id
    claims = {**common(ctx, tid), **user_part(ctx, tid, client_id), "aud": client_id,
              "exp": ctx.now + ctx.flavor.lifetimes.id_token,
              "sub": pairwise(object_id(ctx.issuer.name, ctx.user), client_id)}
    if ctx.sid:
        claims["sid"] = session_guid(ctx.sid)
    return claims


def v1_issuer(tid: str) -> str:
    """`iss` of v1.0 access tokens (docs/vendors.md, "Entra ID v1.0 access tokens")."""
    return f"https://sts.windows.net/{tid}/"


def access_token_claims(ctx, tid: str) -> dict[str, Any]:
    api = entra_scopes.resource_of(ctx.issuer, ctx.scopes)
    if api is not None and api.access_token_version == 1:
        return v1_access_token_claims(ctx, tid, api)
    audience = entra_scopes.audience_of(api)
    claims = {**common(ctx, tid), "aud": audience, "exp": ctx.now + ctx.access_token_lifetime,
              "aio": b64url(secrets.token_bytes(24)), "azp": ctx.client.client_id, "azpacr": azpacr(ctx.client)}
    if ctx.user is None:
        oid = service_principal_id(ctx.issuer.name, ctx.client)
        claims.update({"oid": oid, "sub": oid, "idtyp": "app"})
        if roles := entra_scopes.granted_app_roles(api, ctx.client):
            claims["roles"] = roles  # only the app roles granted to this client, never all the API's
        return claims
    claims.update(user_part(ctx, tid, audience))
    claims["sub"] = pairwise(claims["oid"], audience)
    claims["scp"] = " ".join(entra_scopes.delegated_scopes(api, ctx.scopes))
    if ctx.auth_time:
        claims["auth_time"] = ctx.auth_time
    return claims


def client_info(ctx, tid: str) -> str:
    """base64url JSON {"uid": oid, "utid": tid}: MSAL's home account id is uid.utid."""
    return b64url(json.dumps({"uid": object_id(ctx.issuer.name, ctx.user), "utid": tid}).encode())


def v1_access_token_claims(ctx, tid: str, api) -> dict[str, Any]:
    """A v1.0 access token, for an API whose manifest asks for them (requestedAccessTokenVersion 1
    or null): Entra's v1 issuer and the Application ID URI as `aud`, the client in `appid`, the
    user's UPN in `upn` and `unique_name`, whichever endpoint issued it."""
    app_id = entra_scopes.audience_of(api)
    claims = {**common(ctx, tid), "iss": v1_issuer(tid), "ver": "1.0", "aud": api.identifier,
              "exp": ctx.now + ctx.access_token_lifetime, "aio": b64url(secrets.token_bytes(24)),
              "appid": ctx.client.client_id, "appidacr": azpacr(ctx.client)}
    if ctx.user is None:
        oid = service_principal_id(ctx.issuer.name, ctx.client)
        claims.update({"idp": v1_issuer(tid), "oid": oid, "sub": oid, "idtyp": "app"})
        if roles := entra_scopes.granted_app_roles(api, ctx.client):
            claims["roles"] = roles
        return claims
    user = user_part(ctx, tid, app_id)
    upn = user.pop("preferred_username")
    claims.update(user)
    claims.update({"upn": upn, "unique_name": upn, "amr": ["pwd"],
                   "sub": pairwise(claims["oid"], app_id),
                   "scp": " ".join(entra_scopes.delegated_scopes(api, ctx.scopes))})
    for name in ("given_name", "family_name"):
        if ctx.user.claims.get(name):
            claims[name] = ctx.user.claims[name]
    return claims


def session_guid(sid: str) -> str:
    """Entra's sid is a GUID: the session's `sid` (views.public_sid) in that form."""
    return str(uuid.UUID(bytes=base64.urlsafe_b64decode(sid)[:16]))


def frontchannel_logout_url(client, sid: str | None) -> str | None:
    """The app's front-channel logout URL with the one parameter Entra adds, the session's `sid`
    (docs/vendors.md, "Back-channel and front-channel logout")."""
    if client.frontchannel_logout_uri is None or sid is None:
        return client.frontchannel_logout_uri
    return add_params_to_uri(client.frontchannel_logout_uri, [("sid", session_guid(sid))])
