"""The audit trail: what relying parties actually sent (secrets masked) and what they got."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from .openapi import answers
from .trail import AUDIT_PER_ENDPOINT
from .scenarios import Endpoint
from .tenants import tenant_named


def audit_router() -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get("/tenants/{tenant}/requests", summary="The last requests the tenant's endpoints saw",
                responses=answers(400, 404))
    async def requests(request: Request, tenant: str, endpoint: Endpoint | None = None,
                       limit: Annotated[int, Query(gt=0, le=AUDIT_PER_ENDPOINT)] = AUDIT_PER_ENDPOINT) -> list[dict]:
        """Every replica's requests, oldest first (see trail.py for how fresh)."""
        found = tenant_named(request, tenant)
        return await request.app.state.audit.list(found.name, endpoint, limit)

    return router
