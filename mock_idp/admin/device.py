"""The device flow's user side without a browser: approve or deny a pending user code as a user of
the tenant would on the verification page (RFC 8628 §3.3), so a test's device polls to tokens."""

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from ..oauth.clients import EndUser
from ..oauth.device import decide, display_user_code, pending_authorization
from .errors import AdminError, not_found
from .openapi import answers
from .tenants import tenant_named
from ..web.off_loop import OffLoopRoute


class DeviceDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_code: str = Field(min_length=1, description="The user_code the device was given (any case, dashes optional).")
    username: str = Field(min_length=1, description="The user of the tenant who decides.")
    approve: bool = Field(True, description="false denies: the device then gets access_denied.")


def device_router() -> APIRouter:
    router = APIRouter(tags=["device flow"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL

    @router.post("/tenants/{tenant}/device", summary="Approve or deny a pending device user code",
                 responses=answers(400, 404))
    async def decide_device(request: Request, tenant: str, decision: DeviceDecision) -> dict:
        found = tenant_named(request, tenant)
        if found.flavor.device_flow is None:
            raise not_found(f"device flow on tenant '{found.name}' (its persona has none)")
        user = found.find_user(decision.username)
        if user is None:
            raise not_found(f"user '{decision.username}' in tenant '{found.name}'")
        row = pending_authorization(found, decision.user_code)
        if row is None or not decide(found, row, EndUser(user, auth_time=found.now()), decision.approve):
            raise AdminError(400, "invalid_request",
                             f"No pending device authorization has the user code '{decision.user_code}' "
                             "(unknown, expired, or already decided).")
        return {"user_code": display_user_code(found.flavor.device_flow, row.user_code), "client_id": row.client_id,
                "username": user.username, "status": "approved" if decision.approve else "denied"}

    return router
