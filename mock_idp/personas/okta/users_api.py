"""Okta's Users API on the org URL, as okta-sdk-python calls it: create (activated or staged, with a
password, in `groupIds`, `nextLogin=changePassword`), get by id or login, list with q/filter/search
and pages, partial (POST) and full (PUT) profile update, delete (a first DELETE deactivates, a second
deletes, as on Okta), the user's groups and factors (none); the lifecycle operations and password
change are user_lifecycle.py's.

A user made here signs in at once on the login page and /api/v1/authn (status ACTIVE only).
Facts: docs/vendors.md, "Okta Users and Groups API".
"""

from fastapi import Request
from starlette.routing import Route

from . import user_lifecycle
from .everyone import groups_of, is_built_in, okta_groups
from ..vendor_api import VendorCall
from .token_claims import login_of
from .management import api, create, flag, injected_failure, invalid, json_body, page, remove, write
from .user_lifecycle import lifecycle
from .okta_users import (check_profile, claims_of, find, group_id, group_json, new_user_id, password_of,
                         status_of, user_attribute, user_json, user_matcher)

ENDPOINTS = ("users",)
USERS = VendorCall("users", injected_failure, error_key="errorCode")
WATCHED = {"/api/v1/users": lambda headers: USERS}
USERS_PAGE, USERS_MAX = 200, 200
MAX_GROUP_IDS = 20


def routes(tenant) -> list[Route]:
    async def list_users(request: Request):
        matches = user_matcher(tenant, request)
        found = sorted((u for u in tenant.all_users() if matches(u)), key=tenant.subject)
        users, headers = page(tenant, request, "/api/v1/users", sort_users(tenant, request, found),
                              key=tenant.subject, default_limit=USERS_PAGE, max_limit=USERS_MAX, ordered=True)
        return 200, [user_json(tenant, user) for user in users], headers

    async def create_user(request: Request):
        body = await json_body(request)
        profile = check_profile(tenant, body.get("profile"), full=True)
        check_login_free(tenant, profile)
        password = password_of(body)
        status = ("ACTIVE" if password else "PROVISIONED") if flag(request, "activate", True) else "STAGED"
        if status == "ACTIVE" and request.query_params.get("nextLogin") == "changePassword":
            status = "PASSWORD_EXPIRED"  # Okta: the password must be changed at the next sign-in
        claims = drop_nulls(claims_of(profile)) | ({"groups": names} if (names := group_names(tenant, body)) else {})
        user = create(tenant, "user", {"username": profile["login"], "password": password or "",
                                       "sub": new_user_id(), "claims": claims, **lifecycle(status)}, "login")
        return 200, user_json(tenant, user)

    async def get_user(request: Request, user_id: str):
        return 200, user_json(tenant, find(tenant, user_id))

    async def update_user(request: Request, user_id: str):
        """POST: a partial update (only the attributes sent change)."""
        user, body = find(tenant, user_id), await json_body(request)
        profile = check_profile(tenant, body.get("profile", {}), full=False)
        check_login_free(tenant, profile, user)
        patch = {"claims": claims_of(profile)}
        if (password := password_of(body)) is not None:
            patch["password"] = password
        return 200, user_json(tenant, write(tenant, "user", user.username, patch))

    async def replace_user(request: Request, user_id: str):
        """PUT: the profile is replaced (attributes not sent are removed; groups stay)."""
        user, body = find(tenant, user_id), await json_body(request)
        profile = check_profile(tenant, body.get("profile"), full=True)
        check_login_free(tenant, profile, user)
        claims = {name: None for name in user.claims if name != "groups"} | drop_nulls(claims_of(profile))
        patch = {"claims": claims}
        if (password := password_of(body)) is not None:
            patch["password"] = password
        return 200, user_json(tenant, write(tenant, "user", user.username, patch))

    async def delete_user(request: Request, user_id: str):
        user = find(tenant, user_id)
        if status_of(user) != "DEPROVISIONED":
            write(tenant, "user", user.username, lifecycle("DEPROVISIONED"))  # Okta: the first DELETE deactivates
        else:
            remove(tenant, "user", user.username)
        return 204, None

    async def user_factors(request: Request, user_id: str):
        find(tenant, user_id)
        return 200, []  # the mock enrolls no factors: every user signs in with a password alone

    async def user_groups(request: Request, user_id: str):
        user, groups = find(tenant, user_id), okta_groups(tenant)
        return 200, [group_json(tenant, groups[name]) for name in groups_of(user)]

    read, manage = ("okta.users.read", "okta.users.manage"), ("okta.users.manage",)
    return [
        Route("/api/v1/users", api(tenant, read, list_users), methods=["GET"]),
        Route("/api/v1/users", api(tenant, manage, create_user), methods=["POST"]),
        Route("/api/v1/users/{user_id}", api(tenant, read, get_user), methods=["GET"]),
        Route("/api/v1/users/{user_id}", api(tenant, manage, update_user), methods=["POST"]),
        Route("/api/v1/users/{user_id}", api(tenant, manage, replace_user), methods=["PUT"]),
        Route("/api/v1/users/{user_id}", api(tenant, manage, delete_user), methods=["DELETE"]),
        Route("/api/v1/users/{user_id}/groups", api(tenant, read, user_groups), methods=["GET"]),
        Route("/api/v1/users/{user_id}/factors", api(tenant, read, user_factors), methods=["GET"]),
        *user_lifecycle.routes(tenant),
    ]


def check_login_free(tenant, profile: dict, user=None) -> None:
    """A login is the user's own: another's (whatever its case) is E0000001, on create and update."""
    login, own = profile.get("login"), user.username if user is not None else None
    if isinstance(login, str) and any(login_of(other).lower() == login.lower() and other.username != own
                                      for other in tenant.all_users()):
        raise invalid("login", "login: An object with this field already exists in the current organization")


def sort_users(tenant, request: Request, users: list) -> list:
    """`sortBy` (any attribute, e.g. profile.lastName) and `sortOrder` (asc, desc) of a search;
    users of the same value stay in id order, as Okta orders them; those without one come last."""
    sort_by = request.query_params.get("sortBy")
    if not sort_by or not request.query_params.get("search"):
        return users  # Okta sorts search results only
    order = request.query_params.get("sortOrder", "asc").lower()
    if order not in ("asc", "desc"):
        raise invalid("sortOrder", "sortOrder: must be asc or desc")
    descending = order == "desc"
    values = {tenant.subject(user): user_attribute(tenant, user, sort_by) for user in users}
    present = [user for user in users if values[tenant.subject(user)] is not None]
    # Python's sort is stable, reversed too: ties keep their id order.
    ordered = sorted(present, key=lambda user: str(values[tenant.subject(user)]).lower(), reverse=descending)
    return ordered + [user for user in users if values[tenant.subject(user)] is None]


def group_names(tenant, body: dict) -> list[str]:
    """The groups `groupIds` puts a new user in (at most 20, as Okta allows); Everyone goes without saying."""
    ids = body.get("groupIds")
    if ids is None:
        return []
    if not isinstance(ids, list) or len(ids) > MAX_GROUP_IDS or not all(isinstance(gid, str) for gid in ids):
        raise invalid("groupIds", f"groupIds: A user can be added to at most {MAX_GROUP_IDS} groups on creation")
    groups = {group_id(tenant, group): group for group in okta_groups(tenant).values()}
    unknown = [gid for gid in ids if gid not in groups]
    if unknown:
        raise invalid("groupIds", *(f"groupIds: Group {gid[:40]} was not found" for gid in unknown))
    return list(dict.fromkeys(groups[gid].name for gid in ids if not is_built_in(groups[gid])))


def drop_nulls(claims: dict) -> dict:
    return {name: value for name, value in claims.items() if value is not None}

