"""Auth0's Management API v2, organization writes as B2B test suites set up their state: create
(POST /organizations, create:organizations), update (PATCH, update:organizations; a rename keeps the
id), delete (DELETE, delete:organizations), add and remove members (POST / DELETE
/organizations/{id}/members with {"members": [user ids]}, create: / delete:organization_members).
Written to the tenant's directory like users and roles (every replica sees them, a restart keeps
them, a reset drops them). Facts: docs/vendors.md, "Auth0 Organizations".
"""

import re
import secrets
import string
from typing import Any

from ...directory import given
from ...config.fields import user_key
from .management import ManagementError, allowed, create, invalid_body, put, remove
from .organization_records import ID_PREFIX, org_id

FIELDS = frozenset({"name", "display_name", "metadata", "branding"})
# Auth0: "May contain lowercase alphabetical characters, numbers, underscores (_), and dashes (-).
# Can start with a number. Must be between 1 and 50 characters."
NAME = re.compile(r"[a-z0-9_-]{1,50}")
ID_CHARACTERS = string.ascii_letters + string.digits
MAX_METADATA, MAX_MEMBERS = 25, 10
EXISTS = ManagementError(409, "An organization with this name already exists.", "conflict")


def on_property(message: str, name: str, what: str) -> ManagementError:
    """Auth0's schema validation message, naming the property and its description."""
    return ManagementError(400, f"Payload validation error: '{message}' on property {name} ({what}).",
                           "invalid_body")


def checked(body: dict[str, Any], creating: bool) -> dict[str, Any]:
    """The body's organization fields, each as Auth0's schema allows (a PATCH's null clears one)."""
    allowed(body, FIELDS)
    name = body.get("name")
    if creating and name is None:
        raise invalid_body("Missing required property: name")
    if "name" in body and (not isinstance(name, str) or not NAME.fullmatch(name)):
        shown = name[:60] if isinstance(name, str) else name
        raise on_property(f"String does not match pattern ^[a-z0-9_-]{{1,50}}$: {shown}", "name",
                          "The name of this organization")
    display = body.get("display_name")
    if display is not None and (not isinstance(display, str) or not 1 <= len(display) <= 255):
        raise on_property("Expected a string of 1 to 255 characters", "display_name",
                          "Friendly name of this organization")
    metadata = body.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or len(metadata) > MAX_METADATA or not all(
            isinstance(v, str) or (v is None and not creating) for v in metadata.values())):
        raise on_property(f"Expected an object of at most {MAX_METADATA} string values", "metadata",
                          "Metadata associated with the organization")
    branding = body.get("branding")
    if branding is not None and not isinstance(branding, dict):
        raise on_property("Expected type object but found another type", "branding",
                          "Theme defines how to style the login pages")
    return {key: body[key] for key in FIELDS if key in body}


def create_organization(tenant, body: dict[str, Any]):
    fields = checked(body, creating=True)
    if any(o.name == fields["name"] for o in tenant.organizations):
        raise EXISTS
    data = {key: value for key, value in fields.items() if value is not None}
    data["id"] = ID_PREFIX + "".join(secrets.choice(ID_CHARACTERS) for _ in range(16))  # Auth0's: org_ + 16
    return create(tenant, "organization", data, EXISTS)


def update_organization(tenant, found, body: dict[str, Any]):
    fields = checked(body, creating=False)
    data = {**given(found), "id": org_id(tenant, found)}  # a rename keeps the id
    for key, value in fields.items():
        if key == "metadata" and value is not None:  # merged at the top level; a null removes a key
            merged = {**found.metadata, **value}
            data["metadata"] = {k: v for k, v in merged.items() if v is not None}
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    if data["name"] == found.name:
        return put(tenant, "organization", found.name, data)
    if any(o.name == data["name"] for o in tenant.organizations):
        raise EXISTS
    renamed = create(tenant, "organization", data, EXISTS)
    remove(tenant, "organization", found.name)
    return renamed


def member_ids(body: dict[str, Any]) -> list[str]:
    ids = body.get("members")
    if not isinstance(ids, list) or not ids:
        raise invalid_body("Missing required property: members")
    if len(ids) > MAX_MEMBERS or not all(isinstance(i, str) for i in ids):
        raise on_property(f"Expected an array of at most {MAX_MEMBERS} user ids", "members",
                          "List of user IDs to add to the organization as members")
    return ids


def change_members(tenant, found, body: dict[str, Any], adding: bool) -> None:
    """Add the users (each must exist) or remove them (a user who is not a member: nothing to do)."""
    users = {tenant.subject(user): user for user in tenant.all_users()}
    named = []
    for user_id in member_ids(body):
        user = users.get(user_id)
        if user is None and adding:
            raise ManagementError(404, "The user does not exist.", "inexistent_user")
        if user is not None:
            named.append(user.username)
    insensitive = tenant.flavor.case_insensitive_usernames
    current = {user_key(m, insensitive) for m in found.members}
    if adding:
        members = list(found.members) + [n for n in dict.fromkeys(named) if user_key(n, insensitive) not in current]
    else:
        leaving = {user_key(n, insensitive) for n in named}
        members = [m for m in found.members if user_key(m, insensitive) not in leaving]
    if members != list(found.members):
        put(tenant, "organization", found.name, {**given(found), "members": members, "id": org_id(tenant, found)})
