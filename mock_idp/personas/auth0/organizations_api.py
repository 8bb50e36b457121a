"""Auth0's Management API v2, organizations: the list (offset pages with
`include_totals`, or checkpoint pages with `from`/`take`, as node-auth0 asks), one by id or by
name, an organization's members, and a user's organizations. Scopes: read:organizations
(read:organizations_summary also lists), read:organization_members. The organizations are the seed's
and those written through this API (organization_writes.py: create, update, delete, members).
Facts: docs/vendors.md, "Auth0 Organizations".
"""

from typing import Any

from fastapi import Request
from starlette.routing import Route

from ..vendor_api import VendorCall
from . import organization_writes as writes
from .management import api, checkpoint, injected_failure, json_body, paged, remove, selected, sorted_by
from .organization_records import found, is_member, not_found, org_id
from .users_api import find_user

ENDPOINTS = ("organizations",)
ORGANIZATIONS = VendorCall("organizations", injected_failure, error_key="errorCode")
WATCHED = {"/api/v2/organizations": lambda headers: ORGANIZATIONS}
READ = ("read:organizations",)


def organization_json(tenant, organization) -> dict[str, Any]:
    """Auth0's organization object: id and name; display_name, metadata and branding when set."""
    item: dict[str, Any] = {"id": org_id(tenant, organization), "name": organization.name}
    if organization.display_name is not None:
        item["display_name"] = organization.display_name
    if organization.metadata:
        item["metadata"] = dict(organization.metadata)
    if organization.branding:
        item["branding"] = organization.branding
    return item


def member_json(tenant, user) -> dict[str, Any]:
    claims = {**tenant.flavor.user_defaults(user), **user.claims}
    return {"user_id": tenant.subject(user), **{name: claims.get(name) for name in ("email", "picture", "name")}}


def routes(tenant) -> list[Route]:
    async def list_organizations(request: Request):
        listed = sorted_by(request, [organization_json(tenant, o) for o in tenant.organizations])
        pages = checkpoint(request, listed, "organizations")  # node-auth0's list() sends take=50
        return 200, pages if pages is not None else paged(request, listed, "organizations")

    async def get_organization(request: Request, organization: str):
        return 200, organization_json(tenant, found(tenant, organization))

    async def get_by_name(request: Request, name: str):
        match = next((o for o in tenant.organizations if o.name == name), None)
        if match is None:
            raise not_found()
        return 200, organization_json(tenant, match)

    async def list_members(request: Request, organization: str):
        chosen = found(tenant, organization)
        members = [selected(request, member_json(tenant, user)) for user in tenant.all_users()
                   if is_member(tenant, chosen, user)]
        pages = checkpoint(request, members, "members")
        return 200, pages if pages is not None else paged(request, members, "members")

    async def user_organizations(request: Request, user: str):
        member = find_user(tenant, user)
        mine = [organization_json(tenant, o) for o in tenant.organizations if is_member(tenant, o, member)]
        return 200, paged(request, mine, "organizations")

    async def create_organization(request: Request):
        return 201, organization_json(tenant, writes.create_organization(tenant, await json_body(request)))

    async def update_organization(request: Request, organization: str):
        chosen, body = found(tenant, organization), await json_body(request)
        return 200, organization_json(tenant, writes.update_organization(tenant, chosen, body))

    async def delete_organization(request: Request, organization: str):
        remove(tenant, "organization", found(tenant, organization).name)
        return 204, None

    async def change_members(request: Request, organization: str):
        chosen, body = found(tenant, organization), await json_body(request)
        writes.change_members(tenant, chosen, body, adding=request.method == "POST")
        return 204, None

    one = "/api/v2/organizations/{organization}"
    return [
        Route("/api/v2/organizations", api(tenant, ("create:organizations",), create_organization), methods=["POST"]),
        Route(one, api(tenant, ("update:organizations",), update_organization), methods=["PATCH"]),
        Route(one, api(tenant, ("delete:organizations",), delete_organization), methods=["DELETE"]),
        Route(one + "/members", api(tenant, ("create:organization_members",), change_members), methods=["POST"]),
        Route(one + "/members", api(tenant, ("delete:organization_members",), change_members), methods=["DELETE"]),
        Route("/api/v2/organizations", api(tenant, READ + ("read:organizations_summary",), list_organizations),
              methods=["GET"]),
        Route("/api/v2/organizations/name/{name}", api(tenant, READ, get_by_name), methods=["GET"]),
        Route(one, api(tenant, READ, get_organization), methods=["GET"]),
        Route(one + "/members", api(tenant, ("read:organization_members",), list_members), methods=["GET"]),
        Route("/api/v2/users/{user}/organizations", api(tenant, READ, user_organizations), methods=["GET"]),
    ]
