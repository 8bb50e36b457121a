"""The audit trail: what relying parties actually sent (secrets masked) and what they got."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ..watch import AUDIT_PER_TENANT
from .tenants import tenant_named


def audit_router() -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get("/tenants/{tenant}/requests", summary="The last requests the tenant's endpoints saw")
    async def requests(request: Request, tenant: str, endpoint: str | None = None,
                       limit: Annotated[int, Query(gt=0, le=AUDIT_PER_TENANT)] = AUDIT_PER_TENANT) -> list[dict]:
        """This server's requests (each replica keeps its own), oldest first."""
        found = tenant_named(request, tenant)
        return request.app.state.audit.list(found.name, endpoint, limit)

    return router
