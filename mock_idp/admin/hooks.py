"""A tenant's token hooks at run time: set, change or switch off the hooks its persona runs
(the seed's `triggers.pre_token_generation`, an authorization server's `token_inline_hook`), with
the seed file's bodies and messages. `POST /_admin/reset` brings back the seed's.

    GET    /tenants/{tenant}/hooks                         {name: config | null} as in force now
    PUT    /tenants/{tenant}/hooks/pre_token_generation    {"version": "V2_0", "url": "..."}
    PUT    /tenants/{tenant}/hooks/token_inline_hook/{authorization server id}   {"url", "headers"}
    DELETE /tenants/{tenant}/hooks/{name}                  switched off (until reset)
"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..config.hooks import HOOK_MODELS
from ..storage.request_state import forget_state
from .errors import json_body, not_found
from .openapi import answers
from .tenants import tenant_named
from ..web.off_loop import OffLoopRoute

MASK = "********"  # header values (credentials of the hook service) are not read back


def hook_names(tenant) -> list[str]:
    """The hooks the tenant's persona runs: "pre_token_generation", "token_inline_hook:<server id>"."""
    names = []
    for hook in tenant.flavor.seed_hooks:
        if hook == "token_inline_hook":
            names += [f"{hook}:{issuer.layout.name}" for issuer in tenant.issuers if issuer.layout.name]
        else:
            names.append(hook)
    return names


def in_force(tenant, name: str):
    overrides = tenant.directory.current("hook")
    if name in overrides:
        return overrides[name]
    hook, _, server = name.partition(":")
    if hook == "pre_token_generation":
        return tenant.config.triggers.pre_token_generation if tenant.config.triggers else None
    found = next((s for s in tenant.config.authorization_servers if s.id == server), None)
    return found.token_inline_hook if found else None


def shown(config) -> dict | None:
    if config is None:
        return None
    data = config.model_dump(mode="json", exclude_none=True)
    if data.get("headers"):
        data["headers"] = {name: MASK for name in data["headers"]}
    return data


def hooks_router() -> APIRouter:
    router = APIRouter(tags=["hooks"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL

    def named(request: Request, tenant: str, name: str):
        found = tenant_named(request, tenant)
        name = name.replace("/", ":", 1)
        if name not in hook_names(found):
            raise not_found(f"hook '{name}' on tenant '{found.name}' (its persona runs: "
                            f"{', '.join(hook_names(found)) or 'none'})")
        return found, name

    @router.get("/tenants/{tenant}/hooks", summary="The tenant's token hooks as in force now",
                responses=answers(404))
    async def list_hooks(request: Request, tenant: str) -> dict:
        found = tenant_named(request, tenant)
        return {name: shown(in_force(found, name)) for name in hook_names(found)}

    @router.put("/tenants/{tenant}/hooks/{name:path}", summary="Set or change a token hook", responses=answers(400, 404),
                openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"oneOf": [model.model_json_schema() for model in HOOK_MODELS.values()]}}}}})
    async def set_hook(request: Request, tenant: str, name: str) -> dict:
        found, name = named(request, tenant, name)
        config = found.directory.set_hook(name, await json_body(request))
        forget_state(found.name)
        return {name: shown(config)}

    @router.delete("/tenants/{tenant}/hooks/{name:path}", status_code=204, summary="Switch a token hook off",
                   responses=answers(404))
    async def switch_off(request: Request, tenant: str, name: str) -> Response:
        found, name = named(request, tenant, name)
        found.directory.set_hook(name, None)
        forget_state(found.name)
        return Response(status_code=204)

    return router



