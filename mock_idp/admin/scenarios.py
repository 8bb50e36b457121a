"""Scenarios for negative tests: the next N matching requests fail (an OAuth error or an HTTP
status) or are answered late, or the next N issued tokens are defective. Each fires exactly as
many times as asked, under concurrent requests and across replicas (watch.py, tenants.py)."""

import uuid
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..config.fields import WholeNumber
from ..personas import all_flavors
from ..storage.request_state import forget_state
from ..storage.models import Scenario
from ..oauth.shape import DEFECTS
from ..personas.vendor_api import defect_endpoints, endpoint_names
from .watch import ENDPOINTS
from .errors import AdminError, not_found
from .openapi import answers
from .tenants import tenant_named
from ..web.off_loop import OffLoopRoute

# The protocol endpoints, then the vendor API calls (Okta "authn", Auth0 "signup", Cognito "InitiateAuth"...).
VENDOR_ENDPOINTS = tuple(dict.fromkeys(name for flavor in all_flavors().values() for name in endpoint_names(flavor)))
# The token hooks a persona calls (Cognito "pre_token_generation", Okta "token_inline_hook"): a
# scenario makes the next calls fail; the audit trail lists the calls under these names.
HOOK_ENDPOINTS = tuple(dict.fromkeys(hook for flavor in all_flavors().values() for hook in flavor.seed_hooks))
# Vendor answers a defect scenario spoils (Okta's SAML Response "saml_sso"), and their defects.
VENDOR_DEFECTS = {name: defects for flavor in all_flavors().values()
                  for name, defects in defect_endpoints(flavor).items()}
Endpoint = Literal[tuple(ENDPOINTS) + ("discovery",)
                   + tuple(dict.fromkeys(VENDOR_ENDPOINTS + tuple(VENDOR_DEFECTS) + HOOK_ENDPOINTS))]
Defect = Literal[tuple(dict.fromkeys(DEFECTS + tuple(d for defects in VENDOR_DEFECTS.values() for d in defects)))]


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    endpoint: Endpoint | None = Field(None, description="Which endpoint's requests (or vendor API call, answered in "
                                      "the vendor's error shape); any when left out.")
    client_id: str | None = Field(None, description="Only requests of this client.")
    username: str | None = Field(None, description="Only requests of this user: naming them (password grant, login "
                                 "form) or presenting a token of theirs (userinfo, introspection, revocation, refresh).")
    times: WholeNumber(gt=0, le=10_000) = 1
    error: str | None = Field(None, pattern=r"^[\x20-\x21\x23-\x5B\x5D-\x7E]+$",
                              description="The OAuth error code to answer with (RFC 6749 §5.2).")
    error_description: str | None = Field(None, pattern=r"^[\x20-\x21\x23-\x5B\x5D-\x7E]*$")
    status: WholeNumber(ge=400, le=599) | None = None
    delay_ms: WholeNumber(gt=0, le=60_000) | None = None
    defect: Defect | None = Field(None, description="Make the next issued tokens (or SAML Responses) defective.")
    claim: str | None = Field(None, description="The claim a 'missing_claim' defect leaves out.")

    @model_validator(mode="after")
    def _one_effect(self):
        effects = [self.error is not None or self.status is not None, self.delay_ms is not None,
                   self.defect is not None]
        if sum(effects) != 1:
            raise ValueError("give exactly one effect: error and/or status, delay_ms, or defect")
        if self.defect == "missing_claim" and not self.claim:
            raise ValueError("a missing_claim defect needs the claim to leave out")
        if self.endpoint in VENDOR_DEFECTS and (self.defect is not None or self.endpoint not in VENDOR_ENDPOINTS):
            if self.defect not in VENDOR_DEFECTS[self.endpoint]:
                raise ValueError(f"the {self.endpoint} endpoint takes a defect, one of: "
                                 f"{', '.join(VENDOR_DEFECTS[self.endpoint])}")
        elif self.defect is not None and self.endpoint not in (None, "token", "authorize"):
            raise ValueError("defective tokens are issued by the token and authorize endpoints only")
        elif self.defect is not None and self.defect not in DEFECTS:
            raise ValueError(f"a token defect is one of: {', '.join(DEFECTS)}")
        if self.endpoint in HOOK_ENDPOINTS and self.error is None and self.status is None:
            raise ValueError("a hook scenario makes the hook fail: give error (and error_description) or status")
        return self


def scenario_json(row: Scenario) -> dict:
    data = row.model_dump(exclude={"created_at"})
    return {key: value for key, value in data.items() if value is not None}


def scenarios_router() -> APIRouter:
    router = APIRouter(tags=["scenarios"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL

    @router.post("/tenants/{tenant}/scenarios", status_code=201, summary="Arm a scenario", responses=answers(400, 404))
    async def arm(request: Request, tenant: str, body: ScenarioRequest) -> dict:
        found = tenant_named(request, tenant)
        if body.endpoint in VENDOR_ENDPOINTS and body.endpoint not in endpoint_names(found.flavor):
            raise AdminError(400, "invalid_request", f"endpoint: tenant '{found.name}' ({found.flavor.name}) has no "
                             f"'{body.endpoint}' call; its vendor calls: {', '.join(endpoint_names(found.flavor)) or 'none'}")
        if body.endpoint in HOOK_ENDPOINTS and body.endpoint not in found.flavor.seed_hooks:
            raise AdminError(400, "invalid_request", f"endpoint: tenant '{found.name}' ({found.flavor.name}) runs no "
                             f"'{body.endpoint}' hook; its hooks: {', '.join(found.flavor.seed_hooks) or 'none'}")
        if body.endpoint in VENDOR_DEFECTS and body.endpoint not in defect_endpoints(found.flavor):
            raise AdminError(400, "invalid_request", f"endpoint: tenant '{found.name}' ({found.flavor.name}) has no "
                             f"'{body.endpoint}' answers to spoil")
        kind = "token" if body.defect else "hook" if body.endpoint in HOOK_ENDPOINTS else "request"
        row = Scenario(id=uuid.uuid4().hex, tenant=found.name, kind=kind,
                       remaining=body.times, **body.model_dump(exclude_none=True))
        found.store.arm_scenario(row)
        forget_state(found.name)
        return scenario_json(row)

    @router.get("/scenarios", summary="Every armed scenario")
    async def list_all(request: Request) -> list[dict]:
        return [scenario_json(row) for t in request.app.state.tenants for row in t.store.armed_scenarios(t.name)]

    @router.get("/tenants/{tenant}/scenarios", summary="The tenant's armed scenarios", responses=answers(404))
    async def list_tenant(request: Request, tenant: str) -> list[dict]:
        found = tenant_named(request, tenant)
        return [scenario_json(row) for row in found.store.armed_scenarios(found.name)]

    @router.delete("/scenarios", status_code=204, summary="Disarm every scenario")
    async def disarm_all(request: Request) -> Response:
        for t in request.app.state.tenants:
            t.store.disarm_scenarios(t.name)
            forget_state(t.name)
        return Response(status_code=204)

    @router.delete("/tenants/{tenant}/scenarios", status_code=204, summary="Disarm the tenant's scenarios",
                   responses=answers(404))
    async def disarm_tenant(request: Request, tenant: str) -> Response:
        found = tenant_named(request, tenant)
        found.store.disarm_scenarios(found.name)
        forget_state(found.name)
        return Response(status_code=204)

    @router.delete("/tenants/{tenant}/scenarios/{scenario_id}", status_code=204, summary="Disarm one scenario",
                   responses=answers(404))
    async def disarm_one(request: Request, tenant: str, scenario_id: str) -> Response:
        found = tenant_named(request, tenant)
        if not found.store.disarm_scenarios(found.name, scenario_id):
            raise not_found(f"armed scenario '{scenario_id}' on tenant '{found.name}'")
        forget_state(found.name)
        return Response(status_code=204)

    return router
