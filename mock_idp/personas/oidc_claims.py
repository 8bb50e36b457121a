"""The generic claims: released by scope (OIDC Core §5.4), ID token (§2), JWT access token (RFC 9068 §2.2)."""

from typing import Any

from .standard_claims import STANDARD_CLAIMS, STANDARD_SCOPE_CLAIMS


def user_claims(flavor, ctx) -> dict[str, Any]:
    """The user's claims released by the granted scopes (OIDC Core §5.4).

    Custom claims ride on `profile`, so a seeded `department` reaches the client without
    extra set-up.
    """
    if ctx.user is None:
        return {}
    granted = set(ctx.scopes)
    released = {}
    profile = {**flavor.user_defaults(ctx.user), **ctx.user.claims}
    for claim, value in profile.items():
        if claim in STANDARD_CLAIMS:
            if any(claim in STANDARD_SCOPE_CLAIMS[s] for s in granted & STANDARD_SCOPE_CLAIMS.keys()):
                released[claim] = value
        elif "profile" in granted:
            released[claim] = value
    if "profile" in granted:
        released.setdefault("preferred_username", ctx.user.username)
    return released


def id_token_claims(flavor, ctx) -> dict[str, Any]:
    claims = {
        "iss": ctx.issuer.issuer,
        "sub": ctx.subject,
        "aud": ctx.client.client_id,
        "iat": ctx.now,
        "exp": ctx.now + flavor.lifetimes.id_token,
        "auth_time": ctx.auth_time,
        "azp": ctx.client.client_id,
    }
    if ctx.sid:
        claims["sid"] = ctx.sid
    return {**flavor.user_claims(ctx), **claims}


def access_token_claims(flavor, ctx) -> dict[str, Any]:
    """RFC 9068 §2.2 claims."""
    claims = {
        "iss": ctx.issuer.issuer,
        "sub": ctx.subject,
        "aud": ctx.audience,
        "client_id": ctx.client.client_id,
        "iat": ctx.now,
        "exp": ctx.now + ctx.access_token_lifetime,
        "jti": ctx.jti,
        "scope": " ".join(ctx.scopes),
    }
    if ctx.auth_time is not None:
        claims["auth_time"] = ctx.auth_time
    if ctx.user is not None and "groups" in ctx.user.claims:
        claims["groups"] = ctx.user.claims["groups"]
    return claims
