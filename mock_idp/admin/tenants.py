"""The tenants, and what ends their run-time state: reset (back to the seed file) and revocation."""

import time
from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict

from ..oauth import logout_token
from ..storage.request_state import forget_state
from .errors import not_found
from .openapi import answers
from ..web.off_loop import OffLoopRoute


def tenant_named(request: Request, name: str):
    tenant = request.app.state.tenants_by_name.get(name)
    if tenant is None:
        raise not_found(f"tenant '{name}'")
    return tenant


def issuer_keys(tenant) -> list[str]:
    return [issuer.key for issuer in tenant.issuers]


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant: str | None = None  # None: every tenant


def reset(app_state, tenant) -> None:
    """Back to the seed file: users, clients, clock, scenarios; codes, tokens, sessions and the
    audit trail dropped (on every replica: they live in the store)."""
    app_state.store.reset_tenant(tenant.name, issuer_keys(tenant), time.time_ns() // 1000, tenant_now=tenant.now(),
                                 first_keys=len(tenant.flavor.signing_key_roles))
    app_state.audit.clear(tenant.name)
    forget_state(tenant.name)


def tenants_router() -> APIRouter:
    router = APIRouter(tags=["tenants"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL

    @router.get("/tenants", summary="The tenants and their issuers")
    async def list_tenants(request: Request) -> list[dict]:
        return [{"name": t.name, "flavor": t.flavor.name, "url": t.url,
                 "issuers": [{"key": i.key, "issuer": i.issuer} for i in t.issuers]}
                for t in request.app.state.tenants]

    @router.post("/reset", summary="Back to the seed file (every tenant, or one)", responses=answers(400, 404))
    async def reset_tenants(request: Request, body: Annotated[ResetRequest | None, Body()] = None) -> dict:
        name = body.tenant if body else None
        tenants = [tenant_named(request, name)] if name else request.app.state.tenants
        for tenant in tenants:
            reset(request.app.state, tenant)
        return {"reset": [tenant.name for tenant in tenants]}

    @router.post("/tenants/{tenant}/users/{username:path}/revoke", summary="End a user's sessions and tokens",
                 responses=answers(404))
    async def revoke_user(request: Request, tenant: str, username: str) -> dict:
        found = tenant_named(request, tenant)
        user = found.find_user(username)
        if user is None:
            raise not_found(f"user '{username}' on tenant '{found.name}'")
        # The clients that signed in through the sessions ending are told (Back-Channel Logout
        # §2.5), before this answers: a test that revokes then looks at its app sees it logged out.
        # (No browser here: no front-channel iframes.)
        notices, _ = logout_token.session_ended(found, "session-revoked", username=user.username)
        revoked = request.app.state.store.revoke_user(found.name, issuer_keys(found), username)
        told = await logout_token.deliver(notices) if notices else 0
        return {"revoked_tokens": revoked, "backchannel_logouts": told}

    return router
