"""Users and clients of a tenant: list, read, create, replace, merge-patch, delete.

The bodies are the seed file's items (`users[]`, `clients[]` of a tenant), checked by the same
models, refused with the same messages (`grant_type: unknown key (did you mean 'grant_types'?)`).
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..directory import KINDS, Conflict
from ..storage.request_state import forget_state
from .errors import AdminError, json_body, not_found
from .openapi import answers
from .tenants import tenant_named
from ..web.off_loop import OffLoopRoute


def item_json(tenant, kind: str, item) -> dict:
    data = item.model_dump(mode="json")
    if kind == "user":
        data["sub"] = tenant.subject(item)  # as tokens carry it (the persona derives it when unset)
    return data


def directory_router() -> APIRouter:
    router = APIRouter(tags=["users and clients"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL
    for kind, (model, key, plural) in KINDS.items():
        add_routes(router, kind, model, plural)
    return router


def add_routes(router: APIRouter, kind: str, model, plural: str) -> None:
    # `:path`: a name may hold "/" (Cognito and Okta usernames can), which arrives decoded from %2F.
    collection, member = f"/tenants/{{tenant}}/{plural}", f"/tenants/{{tenant}}/{plural}/{{name:path}}"
    schema = {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}
    patch_schema = {"requestBody": {"required": True, "content": {"application/merge-patch+json": {
        "schema": {"type": "object", "description": f"RFC 7396 merge patch of the {kind}"}}}}}

    def existing(tenant, name: str):
        item = tenant.directory.current(kind).get(name)
        if item is None:
            raise not_found(f"{kind} '{name}' on tenant '{tenant.name}'")
        return item

    async def list_items(request: Request, tenant: str) -> list[dict]:
        found = tenant_named(request, tenant)
        return [item_json(found, kind, item) for item in found.directory.current(kind).values()]

    async def read_item(request: Request, tenant: str, name: str) -> dict:
        found = tenant_named(request, tenant)
        return item_json(found, kind, existing(found, name))

    async def create_item(request: Request, tenant: str) -> Response:
        found = tenant_named(request, tenant)
        body = await json_body(request)
        try:
            item = found.directory.create(kind, body)
        except Conflict as error:
            raise AdminError(409, "conflict", str(error)) from None
        forget_state(found.name)
        return JSONResponse(item_json(found, kind, item), status_code=201)

    async def replace_item(request: Request, tenant: str, name: str) -> dict:
        found = tenant_named(request, tenant)
        item = found.directory.put(kind, name, await json_body(request))
        forget_state(found.name)
        return item_json(found, kind, item)

    async def patch_item(request: Request, tenant: str, name: str) -> dict:
        found = tenant_named(request, tenant)
        existing(found, name)
        item = found.directory.update(kind, name, await json_body(request))
        forget_state(found.name)
        return item_json(found, kind, item)

    async def delete_item(request: Request, tenant: str, name: str) -> Response:
        found = tenant_named(request, tenant)
        if not found.directory.delete(kind, name):
            raise not_found(f"{kind} '{name}' on tenant '{found.name}'")
        forget_state(found.name)
        return Response(status_code=204)

    router.add_api_route(collection, list_items, methods=["GET"], summary=f"List the tenant's {plural}",
                         responses=answers(404))
    router.add_api_route(collection, create_item, methods=["POST"], status_code=201,
                         summary=f"Create a {kind}", openapi_extra=schema, responses=answers(400, 404, 409))
    router.add_api_route(member, read_item, methods=["GET"], summary=f"Read a {kind}", responses=answers(404))
    router.add_api_route(member, replace_item, methods=["PUT"], summary=f"Create or replace a {kind}",
                         openapi_extra=schema, responses=answers(400, 404))
    router.add_api_route(member, patch_item, methods=["PATCH"], summary=f"Change a {kind} (merge patch)",
                         openapi_extra=patch_schema, responses=answers(400, 404))
    router.add_api_route(member, delete_item, methods=["DELETE"], status_code=204, summary=f"Delete a {kind}",
                         responses=answers(404))
