"""Okta's Groups API on the org URL: create, list (q: a name prefix; filter/search; pages), get,
replace (a rename carries the members along), delete, and members (add, remove, list).

The groups are the tenant's (seed `groups:`, or names members carry), membership is the user's
`groups` claim: what the tokens' `groups` claim and the pages show. The built-in Everyone group is
always there, holds every user, and refuses changes (everyone.py). Facts: docs/vendors.md,
"Okta Users and Groups API" and "6e. Okta's Everyone group".
"""

from fastapi import Request
from starlette.routing import Route

from ..groups import member_of
from ..vendor_api import VendorCall
from .everyone import is_built_in, members_of, okta_groups
from .expressions import ExpressionError, predicate
from .ids import okta_id
from .management import OktaApiError, api, create, injected_failure, invalid, json_body, page, remove, write
from .okta_users import find, find_group, group_id, group_json, invalid_search, user_json

ENDPOINTS = ("groups",)
GROUPS = VendorCall("groups", injected_failure, error_key="errorCode")
WATCHED = {"/api/v1/groups": lambda headers: GROUPS}
GROUPS_PAGE, GROUPS_MAX, MEMBERS_PAGE = 10000, 10000, 1000
# What Okta answers a change to a BUILT_IN group's profile or membership (docs/vendors.md 6e).
BUILT_IN_PROFILE = OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")
BUILT_IN_MEMBERS = OktaApiError(400, "E0000060", "Unsupported operation.")


def profile_fields(body: dict) -> tuple[str, str | None]:
    profile = body.get("profile")
    name = profile.get("name") if isinstance(profile, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "name: The field cannot be left blank")
    description = profile.get("description")
    return name, description if isinstance(description, str) else None


def routes(tenant) -> list[Route]:
    async def list_groups(request: Request):
        groups = list(okta_groups(tenant).values())
        q, text = request.query_params.get("q"), request.query_params.get("search") or request.query_params.get("filter")
        if text:
            try:
                matches = predicate(text, lambda group, attribute: group_attribute(tenant, group, attribute))
            except ExpressionError:
                raise invalid_search() from None
            groups = [group for group in groups if matches(group)]
        elif q:
            groups = [group for group in groups if group.name.lower().startswith(q.lower())]
        shown, headers = page(tenant, request, "/api/v1/groups", groups, key=lambda group: group_id(tenant, group),
                              default_limit=GROUPS_PAGE, max_limit=GROUPS_MAX)
        return 200, [group_json(tenant, group) for group in shown], headers

    async def add_group(request: Request):
        name, description = profile_fields(await json_body(request))
        if name in okta_groups(tenant):
            raise invalid("name", "name: An object with this field already exists in the current organization")
        group = create(tenant, "group", {"name": name, "description": description,
                                         "id": okta_id("00g", f"{tenant.name}:{name}:{tenant.clock()}")}, "name")
        return 200, group_json(tenant, group)

    async def get_group(request: Request, gid: str):
        return 200, group_json(tenant, find_group(tenant, gid))

    async def replace_group(request: Request, gid: str):
        group = find_group(tenant, gid)
        if is_built_in(group):
            raise BUILT_IN_PROFILE
        name, description = profile_fields(await json_body(request))
        if name != group.name and name in okta_groups(tenant):
            raise invalid("name", "name: An object with this field already exists in the current organization")
        kept = {"id": gid, "description": description, "precedence": group.precedence,
                "role_arn": group.role_arn, "created_at": group.created_at or tenant.now()}
        if name == group.name:
            changed = write(tenant, "group", name, {"description": description, "id": gid})
        else:  # a rename: the group under its new name, its members with it
            changed = create(tenant, "group", {"name": name, **{k: v for k, v in kept.items() if v is not None}}, "name")
            for user in members_of(tenant, group.name):
                write(tenant, "user", user.username,
                      {"claims": {"groups": [name if g == group.name else g for g in member_of(user)]}})
            if group.name in tenant.groups:
                remove(tenant, "group", group.name)
        return 200, group_json(tenant, changed)

    async def delete_group(request: Request, gid: str):
        group = find_group(tenant, gid)
        if is_built_in(group):
            raise BUILT_IN_PROFILE
        for user in members_of(tenant, group.name):
            remaining = [g for g in member_of(user) if g != group.name]
            write(tenant, "user", user.username, {"claims": {"groups": remaining or None}})
        if group.name in tenant.groups:
            remove(tenant, "group", group.name)
        return 204, None

    async def list_members(request: Request, gid: str):
        group = find_group(tenant, gid)
        shown, headers = page(tenant, request, f"/api/v1/groups/{gid}/users", members_of(tenant, group.name),
                              key=tenant.subject, default_limit=MEMBERS_PAGE, max_limit=MEMBERS_PAGE)
        return 200, [user_json(tenant, user) for user in shown], headers

    async def add_member(request: Request, gid: str, uid: str):
        group, user = find_group(tenant, gid), find(tenant, uid)
        if is_built_in(group):
            raise BUILT_IN_MEMBERS
        if group.name not in member_of(user):
            write(tenant, "user", user.username, {"claims": {"groups": member_of(user) + [group.name]}})
        return 204, None

    async def remove_member(request: Request, gid: str, uid: str):
        group, user = find_group(tenant, gid), find(tenant, uid)
        if is_built_in(group):
            raise BUILT_IN_MEMBERS
        if group.name in member_of(user):
            remaining = [g for g in member_of(user) if g != group.name]
            write(tenant, "user", user.username, {"claims": {"groups": remaining or None}})
        return 204, None

    read, manage = ("okta.groups.read", "okta.groups.manage"), ("okta.groups.manage",)
    return [
        Route("/api/v1/groups", api(tenant, read, list_groups), methods=["GET"]),
        Route("/api/v1/groups", api(tenant, manage, add_group), methods=["POST"]),
        Route("/api/v1/groups/{gid}", api(tenant, read, get_group), methods=["GET"]),
        Route("/api/v1/groups/{gid}", api(tenant, manage, replace_group), methods=["PUT"]),
        Route("/api/v1/groups/{gid}", api(tenant, manage, delete_group), methods=["DELETE"]),
        Route("/api/v1/groups/{gid}/users", api(tenant, read, list_members), methods=["GET"]),
        Route("/api/v1/groups/{gid}/users/{uid}", api(tenant, manage, add_member), methods=["PUT"]),
        Route("/api/v1/groups/{gid}/users/{uid}", api(tenant, manage, remove_member), methods=["DELETE"]),
    ]


def group_attribute(tenant, group, attribute: str):
    values = {"id": group_id(tenant, group), "type": "BUILT_IN" if is_built_in(group) else "OKTA_GROUP",
              "profile.name": group.name, "profile.description": group.description}
    return values.get(attribute)
