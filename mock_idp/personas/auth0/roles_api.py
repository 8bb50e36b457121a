"""Auth0's Management API v2, roles: create, list (`name_filter`, pages), get, update (a rename
carries its users and permissions), delete; their permissions on the tenant's APIs (`apis:` of the
seed) and their users. On an API with
`enforce_policies` (RBAC), a user's access tokens for it keep only the scopes their roles grant,
and with `token_dialect: access_token_authz` carry them in `permissions` (flavor.py).
Facts: docs/vendors.md, "Auth0 Management API v2".
"""

import hashlib
import secrets
from typing import Any

from fastapi import Request
from starlette.routing import Route

from ..vendor_api import VendorCall
from .apis import api_named
from .management import (ManagementError, api, checkpoint, create, injected_failure, invalid_body, json_body, paged,
                         remove, write)

ENDPOINTS = ("roles",)
ROLES = VendorCall("roles", injected_failure, error_key="errorCode")
WATCHED = {"/api/v2/roles": lambda headers: ROLES}
ROLE_EXISTS = ManagementError(409, "Role name already exists", "conflict")


def role_id(tenant, role) -> str:
    return role.id or "rol_" + hashlib.sha256(f"{tenant.name}:{role.name}".encode()).hexdigest()[:16]


def role_json(tenant, role) -> dict[str, Any]:
    return {"id": role_id(tenant, role), "name": role.name, "description": role.description or role.name}


def find_role(tenant, wanted: str):
    role = next((r for r in tenant.roles.values() if role_id(tenant, r) == wanted), None)
    if role is None:
        raise ManagementError(404, "The role does not exist.", "inexistent_role")
    return role


def role_ids(body: dict) -> list[str]:
    ids = body.get("roles")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise invalid_body("Missing required property: roles")
    return ids


def permission_json(tenant, api_identifier: str, permission: str, **extra) -> dict[str, Any]:
    api = api_named(tenant.issuers[0], api_identifier)
    return {"permission_name": permission, "description": permission, "resource_server_identifier": api_identifier,
            "resource_server_name": (api.name if api and api.name else api_identifier), **extra}


def user_permissions(tenant, user) -> list[dict[str, Any]]:
    """GET /users/{id}/permissions: the user's own (on every API that lists them) and their roles'."""
    found: dict[tuple[str, str], dict] = {}
    for resource in tenant.config.apis:
        for permission in user.permissions or ():
            if permission in resource.permissions or permission in resource.scopes:
                found[(resource.identifier, permission)] = permission_json(tenant, resource.identifier, permission)
    roles = tenant.roles
    for name in user.roles:
        for granted in roles[name].permissions if name in roles else ():
            found.setdefault((granted.api, granted.permission), permission_json(tenant, granted.api, granted.permission))
    return list(found.values())


def permissions_of(tenant, body: dict) -> list[tuple[str, str]]:
    """[(API identifier, permission)] of a body, each defined on one of the tenant's APIs."""
    given = body.get("permissions")
    if not isinstance(given, list) or not given:
        raise invalid_body("Missing required property: permissions")
    pairs = []
    for item in given:
        identifier = item.get("resource_server_identifier") if isinstance(item, dict) else None
        name = item.get("permission_name") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or not isinstance(name, str):
            raise invalid_body("Missing required property: resource_server_identifier, permission_name")
        api = api_named(tenant.issuers[0], identifier)
        if api is None:
            raise ManagementError(404, f"Resource server \"{identifier[:200]}\" does not exist.",
                                  "inexistent_resource_server")
        if name not in api.scopes and name not in api.permissions:
            raise ManagementError(400, f"Permission \"{name[:200]}\" does not exist on resource server "
                                       f"\"{identifier[:200]}\".", "invalid_body")
        pairs.append((identifier, name))
    return pairs


def routes(tenant) -> list[Route]:
    async def create_role(request: Request):
        body = await json_body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise invalid_body("Missing required property: name")
        if name in tenant.roles:
            raise ROLE_EXISTS
        description = body.get("description") if isinstance(body.get("description"), str) else None
        role = create(tenant, "role", {"name": name, "description": description,
                                       "id": "rol_" + secrets.token_hex(8)}, ROLE_EXISTS)
        return 200, role_json(tenant, role)

    async def list_roles(request: Request):
        wanted = (request.query_params.get("name_filter") or "").lower()
        roles = sorted((r for r in tenant.roles.values() if wanted in r.name.lower()), key=lambda r: r.name)
        return 200, paged(request, [role_json(tenant, role) for role in roles], "roles")

    async def get_role(request: Request, role: str):
        return 200, role_json(tenant, find_role(tenant, role))

    async def update_role(request: Request, role: str):
        found, body = find_role(tenant, role), await json_body(request)
        name, description = body.get("name", found.name), body.get("description", found.description)
        if not isinstance(name, str) or not name:
            raise invalid_body("name: must be a non-empty string")
        if name == found.name:
            changed = write(tenant, "role", found.name, {"description": description, "id": role_id(tenant, found)})
            return 200, role_json(tenant, changed)
        if name in tenant.roles:
            raise ROLE_EXISTS
        # A rename: the role under its new name (same id and permissions), its users with it.
        changed = create(tenant, "role", {"name": name, "description": description, "id": role_id(tenant, found),
                                          "permissions": [{"api": p.api, "permission": p.permission}
                                                          for p in found.permissions]}, ROLE_EXISTS)
        for user in [u for u in tenant.all_users() if found.name in u.roles]:
            write(tenant, "user", user.username, {"roles": [name if n == found.name else n for n in user.roles]})
        remove(tenant, "role", found.name)
        return 200, role_json(tenant, changed)

    async def delete_role(request: Request, role: str):
        found = find_role(tenant, role)
        for user in [u for u in tenant.all_users() if found.name in u.roles]:
            write(tenant, "user", user.username, {"roles": [n for n in user.roles if n != found.name]})
        remove(tenant, "role", found.name)
        return 200, None

    async def role_permissions(request: Request, role: str):
        found = find_role(tenant, role)
        listed = [permission_json(tenant, p.api, p.permission) for p in found.permissions]
        return 200, paged(request, listed, "permissions")

    async def change_permissions(request: Request, role: str):
        found, pairs = find_role(tenant, role), permissions_of(tenant, await json_body(request))
        current = [(p.api, p.permission) for p in found.permissions]
        kept = list(dict.fromkeys(current + pairs)) if request.method == "POST" else [p for p in current if p not in pairs]
        write(tenant, "role", found.name, {"id": role_id(tenant, found),
                                           "permissions": [{"api": a, "permission": p} for a, p in kept]})
        return (201 if request.method == "POST" else 204), None

    async def role_users(request: Request, role: str):
        found = find_role(tenant, role)
        members = [{"user_id": tenant.subject(u), **{name: claims.get(name) for name in ("picture", "name", "email")}}
                   for u in tenant.all_users() if found.name in u.roles
                   for claims in [{**tenant.flavor.user_defaults(u), **u.claims}]]
        pages = checkpoint(request, members, "users")  # what auth0-python and node-auth0 ask for
        return 200, pages if pages is not None else paged(request, members, "users")

    async def assign_users(request: Request, role: str):
        found, body = find_role(tenant, role), await json_body(request)
        ids = body.get("users")
        if not isinstance(ids, list) or not ids:
            raise invalid_body("Missing required property: users")
        users = {tenant.subject(u): u for u in tenant.all_users()}
        for user_id in ids:
            user = users.get(user_id) if isinstance(user_id, str) else None
            if user is None:
                raise ManagementError(404, "The user does not exist.", "inexistent_user")
            if found.name not in user.roles:
                write(tenant, "user", user.username, {"roles": [*user.roles, found.name]})
        return 200, None

    one = "/api/v2/roles/{role}"
    return [
        Route("/api/v2/roles", api(tenant, ("create:roles",), create_role), methods=["POST"]),
        Route("/api/v2/roles", api(tenant, ("read:roles",), list_roles), methods=["GET"]),
        Route(one, api(tenant, ("read:roles",), get_role), methods=["GET"]),
        Route(one, api(tenant, ("update:roles",), update_role), methods=["PATCH"]),
        Route(one, api(tenant, ("delete:roles",), delete_role), methods=["DELETE"]),
        Route(one + "/permissions", api(tenant, ("read:roles",), role_permissions), methods=["GET"]),
        Route(one + "/permissions", api(tenant, ("update:roles",), change_permissions), methods=["POST", "DELETE"]),
        Route(one + "/users", api(tenant, ("read:roles", "read:role_members"), role_users), methods=["GET"]),
        Route(one + "/users", api(tenant, ("create:role_members",), assign_users), methods=["POST"]),
    ]
