"""Issuing and reading back tokens. The persona decides the claims; this module signs and records."""

import hashlib
import json
import secrets
import uuid

from authlib.oidc.core.util import create_half_hash

from ..storage.models import IssuedToken, new_row
from ..personas.base import AUTHORIZATION_CONTEXT, TokenContext
from .shape import TokenShape


def issue_access_token(ctx: TokenContext, include_refresh_token: bool, code: str | None = None,
                       grant_id: str | None = None, record=None, previous_refresh_expiry: int | None = None) -> dict:
    """Sign an RFC 9068 access token, record it, and return the RFC 6749 §5.1 response fields.
    `record(make_row)` stores `make_row()`, called once (by default a plain insert); a grant that
    stores nothing (client_credentials) never builds the row, its hash or its id."""
    flavor, shape = ctx.flavor, shape_of(ctx)
    # A grant that a refresh token can continue (or that this one continues) has an id.
    ctx.grant_id = grant_id or (uuid.uuid4().hex if include_refresh_token else None)
    ctx.jti = flavor.new_jti("access")
    ctx.access_token_lifetime = shape.lifetime or flavor.access_token_lifetime(ctx)
    claims = flavor.access_token_claims(ctx)
    if ctx.extra.get("act"):
        claims["act"] = ctx.extra["act"]  # RFC 8693 §4.1: who acts for the subject
    claims = shape.claims(claims)
    access_token = ctx.issuer.keys.sign(claims, typ=flavor.access_token_typ, defect=shape.signature_defect,
                                        header_members=flavor.token_header(ctx.issuer, claims), role="access")
    token = {
        "token_type": "Bearer",
        "expires_in": ctx.access_token_lifetime,
        "access_token": access_token,
        "scope": " ".join(ctx.scopes),
    }
    refresh = {}
    if include_refresh_token:
        token["refresh_token"] = secrets.token_urlsafe(32)
        refresh = {"refresh_token": token["refresh_token"],
                   "refresh_expires_at": flavor.refresh_token_expires_at(ctx, previous_refresh_expiry)}

    def make_row() -> IssuedToken:
        return new_row(
            IssuedToken,
            token_hash=token_hash(access_token),
            issuer=ctx.issuer.key,
            client_id=ctx.client.client_id,
            username=ctx.user.username if ctx.user else None,
            scope=token["scope"],
            audience=_audience_text(ctx.audience),
            auth_time=ctx.auth_time,
            session_id=ctx.session_id,
            issued_at=ctx.now,
            access_expires_at=ctx.now + ctx.access_token_lifetime,
            code=code,
            grant_id=ctx.grant_id,
            authorization_context=json.dumps(ctx.extra[AUTHORIZATION_CONTEXT])
            if AUTHORIZATION_CONTEXT in ctx.extra else None,
            **refresh,
        )
    if record is None:
        ctx.issuer.store.insert(make_row())
    else:
        record(make_row)
    return token


def issue_id_token(ctx: TokenContext, access_token: str | None = None, code: str | None = None) -> str:
    """OIDC Core §2 ID token; at_hash/c_hash per §3.3.2.11."""
    shape = shape_of(ctx)
    claims = ctx.flavor.id_token_claims(ctx)
    if ctx.nonce:
        claims["nonce"] = ctx.nonce
    if access_token:
        claims["at_hash"] = create_half_hash(access_token, "RS256").decode()
    if code:
        claims["c_hash"] = create_half_hash(code, "RS256").decode()
    claims = shape.claims(claims)
    return ctx.issuer.keys.sign(claims, typ=ctx.flavor.id_token_typ, defect=shape.signature_defect,
                                header_members=ctx.flavor.token_header(ctx.issuer, claims), role="id")


def shape_of(ctx: TokenContext) -> TokenShape:
    """The shape of this issuance's tokens, fixed by its first token: the one the caller set
    (admin mint), else the next armed defective-token scenario, else as the flows issue them."""
    if ctx.shape is None:
        apply_shape(ctx, ctx.issuer.next_token_shape(ctx))
    return ctx.shape


def apply_shape(ctx: TokenContext, shape: TokenShape) -> None:
    ctx.shape = shape
    ctx.now = shape.issued_at(ctx.now, shape.lifetime or ctx.flavor.access_token_lifetime(ctx))


def read_access_token(issuer, token: str) -> tuple[IssuedToken, dict] | None:
    """The record and claims of a live access token issued by `issuer`, else None."""
    found = find_access_token(issuer, token)
    if found is None:
        return None
    row, claims = found
    if (claims.get("iss") not in issuer.flavor.token_issuers(issuer) or row.revoked
            or row.access_expires_at <= issuer.now()):
        return None
    return row, claims


def find_access_token(issuer, token: str) -> tuple[IssuedToken, dict] | None:
    """The record and claims of an access token `issuer` signed, live or not. A token without a
    record (client_credentials: never written) is read from its claims."""
    claims = issuer.keys.verify(token)  # the tenant's published keys: rotated ones in their grace too
    if not claims:
        return None
    hashed = token_hash(token)
    row = issuer.store.find_access_token(hashed) or unrecorded(issuer, claims, hashed)
    if row is None or row.issuer != issuer.key:
        return None
    return row, claims


def unrecorded(issuer, claims: dict, hashed: str) -> IssuedToken | None:
    """A record made of a verified token's claims (its `id` empty: not stored): revoked if the
    revocation list has it, or if a cutoff (a reset, its client's deletion or new secret) came in
    or after its second (one signed in that second after the cutoff was recorded, client_credentials.py)."""
    client_id, issued_at, expires_at = issuer.flavor.token_client_id(claims), claims.get("iat"), claims.get("exp")
    if (claims.get("iss") not in issuer.flavor.token_issuers(issuer) or not isinstance(client_id, str)
            or not isinstance(issued_at, int) or not isinstance(expires_at, int)):
        return None
    revoked = issued_at <= issuer.revoked_before(client_id) or issuer.store.is_revoked(hashed)
    scope = claims.get("scope")
    if not isinstance(scope, str):  # RFC 9068 §2.2.3 `scope`, or a list (Okta's `scp`)
        scope = " ".join(scope_claim) if isinstance(scope_claim := claims.get("scp"), list) else ""
    return new_row(IssuedToken, id="", token_hash=hashed, issuer=issuer.key, client_id=client_id, scope=scope,
                   audience=_audience_text(claims.get("aud")), issued_at=issued_at, access_expires_at=expires_at,
                   revoked=revoked)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audience_text(audience) -> str | None:
    if isinstance(audience, list):
        return " ".join(audience)
    return audience
