"""Auth0's Management API v2, users: create (in a database connection), get, list with `q` (the
Lucene subset of lucene.py), `sort`, `fields`/`include_fields` and pages, `users-by-email`, patch
(metadata merged at the top level, `blocked`, `password`...), delete; a user's roles (list, assign,
remove) and own permissions (list, add, remove).

A user made here signs in at once (password-realm, the login page) unless blocked. Facts:
docs/vendors.md, "Auth0 Management API v2".
"""

import secrets
from typing import Any

from fastapi import Request
from starlette.routing import Route

from ..vendor_api import VendorCall
from .dbconnections import DEFAULT_CONNECTION
from .lucene import QueryError, predicate
from .management import (ManagementError, allowed, api, auth0_time, create, injected_failure, invalid_body, json_body,
                         paged, remove, replace_user, selected, sorted_by, write)
from .roles_api import find_role, permissions_of, role_ids, role_json, user_permissions

ENDPOINTS = ("users",)
USERS = VendorCall("users", injected_failure, error_key="errorCode")
WATCHED = {"/api/v2/users": lambda headers: USERS}
SEEDED_AT = 1700000000
PROFILE = ("given_name", "family_name", "name", "nickname", "picture", "phone_number")
CREATE_FIELDS = frozenset({"connection", "email", "password", "username", "user_id", "email_verified", "verify_email",
                           "user_metadata", "app_metadata", "blocked", "phone_verified", *PROFILE})
PATCH_FIELDS = CREATE_FIELDS - {"user_id"} | {"client_id", "verify_phone_number"}
USER_EXISTS = ManagementError(409, "The user already exists.", "auth0_idp_error")
EMAIL_TAKEN = ManagementError(400, "The specified new email already exists", "auth0_idp_error")


def user_not_found() -> ManagementError:
    return ManagementError(404, "The user does not exist.", "inexistent_user")


def user_json(tenant, user) -> dict[str, Any]:
    user_id = tenant.subject(user)
    claims = {**tenant.flavor.user_defaults(user), **user.claims}
    answer: dict[str, Any] = {"user_id": user_id, "email": claims.get("email"),
                              "email_verified": bool(claims.get("email_verified", False))}
    if user.username != claims.get("email"):
        answer["username"] = user.username
    answer |= {name: claims[name] for name in PROFILE if name in claims}
    answer |= {"created_at": auth0_time(user.created_at or SEEDED_AT),
               "updated_at": auth0_time(user.updated_at or user.created_at or SEEDED_AT),
               "identities": [{"connection": user.connection, "user_id": user_id.partition("|")[2] or user_id,
                               "provider": "auth0", "isSocial": False}]}
    for name in ("user_metadata", "app_metadata"):
        if isinstance(user.claims.get(name), dict):
            answer[name] = user.claims[name]
    if not user.enabled:
        answer["blocked"] = True
    return answer


def find_user(tenant, user_id: str):
    user = next((u for u in tenant.all_users() if tenant.subject(u) == user_id), None)
    if user is None:
        raise user_not_found()
    return user


def check_password(password: Any) -> str:
    """The "Good" policy of new tenants: 8+ characters, three of lower, upper, digits, symbols."""
    if not isinstance(password, str):
        raise invalid_body("Missing required property: password")
    kinds = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    if len(password) < 8 or kinds < 3:
        raise ManagementError(400, "PasswordStrengthError: Password is too weak")
    return password


def profile_patch(body: dict[str, Any], user=None) -> dict[str, Any]:
    """The claims a body sets; metadata merged at the top level (null removes a key, {} all of
    them), as Auth0 does."""
    claims: dict[str, Any] = {}
    for name in (*PROFILE, "email"):
        if name in body:
            if body[name] is not None and not isinstance(body[name], str):
                raise invalid_body(f"Expected type string but found type {type(body[name]).__name__}")
            claims[name] = body[name]
    if "email_verified" in body:
        claims["email_verified"] = bool(body["email_verified"])
    for name in ("user_metadata", "app_metadata"):
        if name in body:
            if not isinstance(body[name], dict):
                raise invalid_body(f"Expected type object but found type {type(body[name]).__name__} at {name}")
            # An empty object removes the metadata completely (docs/vendors.md 6c).
            merged = {**((user.claims.get(name) or {}) if user and body[name] else {}), **body[name]}
            claims[name] = {k: v for k, v in merged.items() if v is not None} or None
    return claims


def known_connections(tenant) -> set[str]:
    return {DEFAULT_CONNECTION} | {user.connection for user in tenant.all_users()}


def routes(tenant) -> list[Route]:
    async def create_user(request: Request):
        body = await json_body(request)
        allowed(body, CREATE_FIELDS)
        connection = body.get("connection")
        if not isinstance(connection, str) or not connection:
            raise invalid_body("Missing required property: connection")
        if connection not in known_connections(tenant):
            raise ManagementError(400, "The connection does not exist.", "inexistent_connection")
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise invalid_body("Missing required property: email")
        password = check_password(body.get("password"))
        username = body["username"] if isinstance(body.get("username"), str) and body["username"] else email
        if any(str(u.claims.get("email", "")).lower() == email.lower() and u.connection == connection
               for u in tenant.all_users()):
            raise USER_EXISTS
        claims = {"email_verified": False, **profile_patch(body)}
        user_id = body.get("user_id") if isinstance(body.get("user_id"), str) else secrets.token_hex(12)
        user = create(tenant, "user", {"username": username, "password": password, "connection": connection,
                                       "sub": f"auth0|{user_id}", "enabled": not body.get("blocked", False),
                                       "claims": {k: v for k, v in claims.items() if v is not None}}, USER_EXISTS)
        return 201, user_json(tenant, user)

    async def list_users(request: Request):
        users = list(tenant.all_users())
        q = request.query_params.get("q")
        if q:
            try:
                wanted = predicate(q, lambda user: user_json(tenant, user))
            except QueryError as error:
                raise ManagementError(400, f"Bad Request: Query string failed to parse: {error}",
                                      "invalid_query_string") from None
            users = [user for user in users if wanted(user)]
        users.sort(key=lambda user: (user.created_at or SEEDED_AT, tenant.subject(user)))
        shown = sorted_by(request, [user_json(tenant, user) for user in users])
        return 200, paged(request, [selected(request, user) for user in shown], "users")

    async def users_by_email(request: Request):
        email = request.query_params.get("email")
        if not email:
            raise ManagementError(400, "Query validation error: 'Missing required property: email'.",
                                  "invalid_query_string")
        return 200, [selected(request, user_json(tenant, u)) for u in tenant.all_users()
                     if str(u.claims.get("email", "")).lower() == email.lower()]

    async def get_user(request: Request, user_id: str):
        return 200, selected(request, user_json(tenant, find_user(tenant, user_id)))

    async def patch_user(request: Request, user_id: str):
        user, body = find_user(tenant, user_id), await json_body(request)
        allowed(body, PATCH_FIELDS)
        changes: dict[str, Any] = {}
        if "password" in body:
            changes["password"] = check_password(body["password"])
        if "blocked" in body:
            changes["enabled"] = not body["blocked"]
        if isinstance(body.get("connection"), str) and body["connection"] not in known_connections(tenant):
            raise ManagementError(400, "The connection does not exist.", "inexistent_connection")
        if isinstance(body.get("email"), str) and any(
                str(u.claims.get("email", "")).lower() == body["email"].lower() and u.connection == user.connection
                and u.username != user.username for u in tenant.all_users()):
            raise EMAIL_TAKEN
        return 200, user_json(tenant, replace_user(tenant, user, changes, profile_patch(body, user)))

    async def delete_user(request: Request, user_id: str):
        user = next((u for u in tenant.all_users() if tenant.subject(u) == user_id), None)
        if user is not None:  # Auth0 answers 204 for an unknown id too
            remove(tenant, "user", user.username)
        return 204, None

    async def user_roles(request: Request, user_id: str):
        user, roles = find_user(tenant, user_id), tenant.roles
        return 200, paged(request, [role_json(tenant, roles[name]) for name in user.roles if name in roles], "roles")

    async def change_roles(request: Request, user_id: str):
        user, body = find_user(tenant, user_id), await json_body(request)
        names = [find_role(tenant, role_id).name for role_id in role_ids(body)]
        if request.method == "POST":
            kept = list(dict.fromkeys([*user.roles, *names]))
        else:
            kept = [name for name in user.roles if name not in names]
        write(tenant, "user", user.username, {"roles": kept})
        return 204, None

    async def permissions(request: Request, user_id: str):
        return 200, paged(request, user_permissions(tenant, find_user(tenant, user_id)), "permissions")

    async def change_permissions(request: Request, user_id: str):
        """The user's own permissions (beside their roles'): POST adds (201), DELETE removes (204).
        The directory keeps a user's permissions by name, whatever API defines them."""
        user, pairs = find_user(tenant, user_id), permissions_of(tenant, await json_body(request))
        names = [name for _, name in pairs]
        if request.method == "POST":
            kept = list(dict.fromkeys([*(user.permissions or []), *names]))
        else:
            kept = [name for name in user.permissions or [] if name not in names]
        write(tenant, "user", user.username, {"permissions": kept})
        return (201 if request.method == "POST" else 204), None

    read, users = ("read:users",), "/api/v2/users/{user_id}"
    return [
        Route("/api/v2/users", api(tenant, ("create:users",), create_user), methods=["POST"]),
        Route("/api/v2/users", api(tenant, read, list_users), methods=["GET"]),
        Route("/api/v2/users-by-email", api(tenant, read, users_by_email), methods=["GET"]),
        Route(users, api(tenant, read, get_user), methods=["GET"]),
        Route(users, api(tenant, ("update:users",), patch_user), methods=["PATCH"]),
        Route(users, api(tenant, ("delete:users",), delete_user), methods=["DELETE"]),
        Route(users + "/roles", api(tenant, ("read:users", "read:roles"), user_roles), methods=["GET"]),
        Route(users + "/roles", api(tenant, ("create:role_members",), change_roles), methods=["POST"]),
        Route(users + "/roles", api(tenant, ("delete:role_members",), change_roles), methods=["DELETE"]),
        Route(users + "/permissions", api(tenant, read, permissions), methods=["GET"]),
        Route(users + "/permissions", api(tenant, ("update:users",), change_permissions), methods=["POST", "DELETE"]),
    ]
