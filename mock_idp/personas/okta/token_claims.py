"""Okta's ID, access-token and introspection claims (`ver`, `cid`, `uid`, `scp`): docs/vendors.md 1a."""

import secrets
from typing import Any

from ..standard_claims import STANDARD_CLAIMS
from .everyone import groups_claim
from .ids import okta_id

ID_TOKEN_PROFILE = ("name", "preferred_username", "email")


def login_of(user) -> str:
    """The Okta login (usually an email address): `sub` of access tokens."""
    return user.claims.get("preferred_username") or user.claims.get("email") or user.username


def new_jti(kind: str) -> str:
    return ("AT." if kind == "access" else "ID.") + secrets.token_urlsafe(32)


def id_token_claims(flavor, ctx) -> dict[str, Any]:
    profile = flavor.user_claims(ctx)
    if ctx.grant_type != "implicit":
        # Okta: when an access token is issued too, the ID token keeps only name,
        # preferred_username and email of the standard claims; the rest is for /userinfo.
        profile = {k: v for k, v in profile.items() if k not in STANDARD_CLAIMS or k in ID_TOKEN_PROFILE}
    return {
        **profile,
        "sub": ctx.subject,
        "ver": 1,
        "iss": ctx.issuer.issuer,
        "aud": ctx.client.client_id,
        "iat": ctx.now,
        "exp": ctx.now + flavor.lifetimes.id_token,
        "jti": flavor.new_jti("id"),
        "amr": ["pwd"],
        "idp": okta_id("00o", ctx.issuer.name),
        "auth_time": ctx.auth_time,
    }


def access_token_claims(flavor, ctx) -> dict[str, Any]:
    claims = {
        "ver": 1,
        "jti": ctx.jti,
        "iss": ctx.issuer.issuer,
        "aud": ctx.audience,
        "iat": ctx.now,
        "exp": ctx.now + ctx.access_token_lifetime,
        "cid": ctx.client.client_id,
    }
    if ctx.user is not None:
        claims["uid"] = ctx.subject
    claims["scp"] = list(ctx.scopes)
    if ctx.user is None:
        claims["sub"] = ctx.client.client_id
        return claims
    claims["auth_time"] = ctx.auth_time
    claims["sub"] = flavor.login(ctx)
    # Custom claims exist on custom authorization servers only; org AS tokens are Okta's own.
    if ctx.issuer.layout.name is not None:
        claims.update(groups_claim(ctx.issuer, ctx.user))
    return claims


def introspection_claims(payload, user) -> dict[str, Any]:
    if user is not None:
        # Okta introspection names the user by login; the 00u… id is `uid`.
        payload["uid"] = payload["sub"]
        payload["sub"] = payload["username"] = login_of(user)
    return payload
