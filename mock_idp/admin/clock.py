"""A tenant's clock: an offset in seconds that moves iat, auth_time, exp and every expiry check,
so TTL rules (AppSync's iatTTL, refresh expiry) are tested in milliseconds, not hours."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..config.fields import MAX_SECONDS, WholeNumber
from ..storage.request_state import forget_state
from .openapi import answers
from .tenants import tenant_named
from ..web.off_loop import OffLoopRoute

# A hundred years either way: far enough for any TTL, near enough to stay a valid timestamp.
LIMIT = MAX_SECONDS


class ClockChange(BaseModel):
    # Exactly one of the two, said in the schema too (no JSON null: a member given is a number).
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [{"required": ["offset_seconds"]}, {"required": ["advance_seconds"]}]})
    offset_seconds: WholeNumber(ge=-LIMIT, le=LIMIT) = Field(
        None, description="The offset from real time (replaces the current one).")
    advance_seconds: WholeNumber(ge=-LIMIT, le=LIMIT) = Field(
        None, description="Move the clock by this much from where it is.")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.offset_seconds is None) == (self.advance_seconds is None):
            raise ValueError("give exactly one of offset_seconds and advance_seconds")
        return self


def clock_json(tenant) -> dict:
    return {"tenant": tenant.name, "offset_seconds": tenant.state().clock_offset, "now": tenant.now()}


def clock_router() -> APIRouter:
    router = APIRouter(tags=["clock"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL

    @router.get("/tenants/{tenant}/clock", summary="The tenant's clock", responses=answers(404))
    async def read_clock(request: Request, tenant: str) -> dict:
        return clock_json(tenant_named(request, tenant))

    @router.post("/tenants/{tenant}/clock", summary="Set or advance the tenant's clock", responses=answers(400, 404))
    async def set_clock(request: Request, tenant: str, change: ClockChange) -> dict:
        found = tenant_named(request, tenant)
        offset = change.offset_seconds
        if offset is None:
            offset = max(-LIMIT, min(LIMIT, found.store.tenant_state(found.name).clock_offset + change.advance_seconds))
        found.store.change_tenant_state(found.name, clock_offset=offset)
        forget_state(found.name)
        return clock_json(found)

    return router
