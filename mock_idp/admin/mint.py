"""Tokens without a browser: POST /_admin/tenants/{t}/tokens issues what the flows would issue on
that persona (same claim builders, same key), recorded so userinfo, introspection and refresh
work on them; a user's tokens as from a code flow, a client's as from client_credentials."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from ..config.fields import MAX_SECONDS, Seconds, WholeNumber
from ..hooks import HookFailure
from ..web.off_loop import off_loop
from ..personas.views import TokenContext
from ..oauth.shape import DEFECTS, TokenShape
from ..oauth.tokens import apply_shape, issue_access_token, issue_id_token
from .errors import AdminError, invalid_body, not_found
from .openapi import answers
from .tenants import tenant_named



class MintRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str | None = Field(None, description="The user; leave out for a client (client_credentials) token.")
    client_id: str | None = Field(None, description="Default: the tenant's first client that fits.")
    scope: str | list[str] | None = Field(None, description="Default: 'openid profile email' for a user.")
    audience: str | None = None
    nonce: str | None = None
    issuer: str | None = Field(None, description="The issuer URL (or key) on a tenant with several.")
    extra_claims: dict[str, Any] = Field({}, description="Added to (or replacing) the tokens' claims.")
    remove_claims: list[str] = []
    lifetime_seconds: Seconds | None = None
    iat_offset_seconds: WholeNumber(ge=-MAX_SECONDS, le=MAX_SECONDS) = Field(0,
                                    description="Moves iat (and exp) from the tenant's now.")
    refresh_token: bool | None = Field(None, description="Default: as the flow would (persona rules).")
    defect: Literal[DEFECTS] | None = Field(None, description="A token a careful relying party must refuse.")
    claim: str | None = Field(None, description="The claim a 'missing_claim' defect leaves out.")


def mint_router() -> APIRouter:
    router = APIRouter(tags=["tokens"])

    @router.post("/tenants/{tenant}/tokens", summary="Issue tokens without a browser", responses=answers(400, 404))
    async def mint(request: Request, tenant: str, body: MintRequest) -> dict:
        found = tenant_named(request, tenant)
        try:
            # Minted tokens go through the tenant's token hooks too: off the event loop (hooks.py).
            return await off_loop(mint_tokens, found, body,
                                  needed=lambda: any(found.flavor.calls_hooks(issuer) for issuer in found.issuers),
                                  store=found.store)
        except HookFailure as failure:
            raise AdminError(400, "hook_failed", failure.message) from None

    return router


def mint_tokens(tenant, body: MintRequest) -> dict:
    issuer = chosen_issuer(tenant, body.issuer)
    user = None
    if body.username is not None:
        user = tenant.find_user(body.username)
        if user is None:
            raise invalid_body([("username", f"there is no user {body.username!r} on tenant {tenant.name!r}")])
    grant_type = "authorization_code" if user else "client_credentials"
    client = chosen_client(tenant, body.client_id, grant_type)
    requested = body.scope.split() if isinstance(body.scope, str) else body.scope
    if requested is None:
        requested = ["openid", "profile", "email"] if user else []
    if body.defect == "missing_claim" and not body.claim:
        raise invalid_body([("claim", "name the claim a missing_claim defect leaves out")])
    flavor = issuer.flavor
    audience = flavor.resolve_audience(issuer, client, body.audience, grant_type)
    ctx = TokenContext(issuer=issuer, client=client, user=user, grant_type=grant_type, audience=audience,
                       scopes=flavor.granted_scopes(issuer, client, requested, audience, grant_type, user=user),
                       nonce=body.nonce, auth_time=issuer.now() + body.iat_offset_seconds if user else None)
    apply_shape(ctx, TokenShape(extra_claims=body.extra_claims, remove_claims=tuple(body.remove_claims),
                                lifetime=body.lifetime_seconds, iat_offset=body.iat_offset_seconds,
                                defect=body.defect, claim=body.claim))
    refresh = flavor.refresh_allowed(ctx) if body.refresh_token is None else body.refresh_token and user is not None
    token = issue_access_token(ctx, include_refresh_token=refresh)
    if user is not None and "openid" in ctx.scopes:
        token["id_token"] = issue_id_token(ctx, access_token=token["access_token"])
    return token


def chosen_issuer(tenant, wanted: str | None):
    if wanted is None:
        # The authorization server the seed names (Okta's `authorization_server`), else the first.
        named = tenant.config.authorization_server
        return next((i for i in tenant.issuers if named and i.key.endswith("/" + named)), tenant.issuers[0])
    issuer = next((i for i in tenant.issuers if wanted in (i.issuer, i.key)), None)
    if issuer is None:
        raise invalid_body([("issuer", f"not an issuer of tenant {tenant.name!r}: "
                                       + ", ".join(i.issuer for i in tenant.issuers))])
    return issuer


def chosen_client(tenant, client_id: str | None, grant_type: str):
    if client_id is not None:
        client = tenant.find_client(client_id)
        if client is None:
            raise invalid_body([("client_id", f"there is no client {client_id!r} on tenant {tenant.name!r}")])
        return client
    clients = list(tenant.clients.values())
    fitting = [c for c in clients if grant_type in c.grant_types and (grant_type != "client_credentials"
                                                                        or not c.is_public)]
    if not fitting and not clients:
        raise not_found(f"client on tenant '{tenant.name}'")
    return (fitting or clients)[0]
