"""A user pool's groups: CreateGroup, GetGroup, DeleteGroup, ListGroups, AdminAddUserToGroup,
AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.

A group is the tenant directory's (precedence, role ARN, description); membership is the
member's `groups` claim, the one the tokens' `cognito:groups` and the pages show. A name that
users are in but no group defines (a seed's `groups: [admins]`) is a group without precedence.
Facts: docs/vendors.md, "Cognito admin API".
"""

from typing import Any

from ...config import GroupConfig
from ...directory import Conflict, DirectoryError
from ...storage.request_state import forget_state
from ..groups import all_groups, member_of
from .listing import page
from .pool_users import SEEDED_AT, change_user, existing_user, invalid, pool_id, user_type
from .errors import CognitoError

MAX_PRECEDENCE = 2**31 - 1


def pool_groups(tenant) -> dict[str, GroupConfig]:
    """Every group of the pool: the defined ones and the names members carry."""
    return all_groups(tenant)


def group_type(group: GroupConfig, user_pool_id: str) -> dict[str, Any]:
    """Cognito's GroupType."""
    answer: dict[str, Any] = {"GroupName": group.name, "UserPoolId": user_pool_id}
    if group.description is not None:
        answer["Description"] = group.description
    if group.role_arn is not None:
        answer["RoleArn"] = group.role_arn
    if group.precedence is not None:
        answer["Precedence"] = group.precedence
    answer["LastModifiedDate"] = group.updated_at or group.created_at or SEEDED_AT
    answer["CreationDate"] = group.created_at or SEEDED_AT
    return answer


def group_named(tenant, request: dict) -> GroupConfig:
    name = request.get("GroupName")
    if not isinstance(name, str) or not name:
        raise invalid("Missing required parameter GroupName")
    group = pool_groups(tenant).get(name)
    if group is None:
        raise CognitoError("ResourceNotFoundException", "Group not found.")
    return group


def create_group(tenant, request: dict) -> dict:
    user_pool_id = pool_id(request)
    name = request.get("GroupName")
    if not isinstance(name, str) or not name:
        raise invalid("Missing required parameter GroupName")
    precedence = request.get("Precedence")
    if precedence is not None and (not isinstance(precedence, int) or isinstance(precedence, bool)
                                   or not 0 <= precedence <= MAX_PRECEDENCE):
        raise invalid(f"1 validation error detected: Value '{precedence}' at 'precedence' failed to satisfy "
                      "constraint: Member must have value greater than or equal to 0")
    if name in pool_groups(tenant):
        raise CognitoError("GroupExistsException", f"A group with the name {name} already exists.")
    now = tenant.now()
    data = {"name": name, "precedence": precedence, "role_arn": request.get("RoleArn"),
            "description": request.get("Description"), "created_at": now, "updated_at": now}
    try:
        group = tenant.directory.create("group", {k: v for k, v in data.items() if v is not None})
    except Conflict:
        raise CognitoError("GroupExistsException", f"A group with the name {name} already exists.") from None
    except DirectoryError as error:
        raise invalid(str(error)) from None
    forget_state(tenant.name)
    return {"Group": group_type(group, user_pool_id)}


def get_group(tenant, request: dict) -> dict:
    return {"Group": group_type(group_named(tenant, request), pool_id(request))}


def delete_group(tenant, request: dict) -> dict:
    pool_id(request)
    group = group_named(tenant, request)
    for user in list(tenant.all_users()):
        if group.name in member_of(user):
            change_user(tenant, user, {"claims": {"groups": [g for g in member_of(user) if g != group.name]}})
    tenant.directory.delete("group", group.name)
    forget_state(tenant.name)
    return {}


def list_groups(tenant, request: dict) -> dict:
    user_pool_id = pool_id(request)
    groups, more = page(list(pool_groups(tenant).values()), request, "NextToken", key=lambda group: group.name)
    return {"Groups": [group_type(group, user_pool_id) for group in groups], **more}


def admin_add_user_to_group(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    group = group_named(tenant, request)
    if group.name not in member_of(user):
        change_user(tenant, user, {"claims": {"groups": member_of(user) + [group.name]}})
    return {}


def admin_remove_user_from_group(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    group = group_named(tenant, request)
    if group.name in member_of(user):
        remaining = [name for name in member_of(user) if name != group.name]
        change_user(tenant, user, {"claims": {"groups": remaining or None}})
    return {}


def admin_list_groups_for_user(tenant, request: dict) -> dict:
    user_pool_id = pool_id(request)
    user = existing_user(tenant, request)
    groups = pool_groups(tenant)
    mine, more = page([groups[name] for name in member_of(user)], request, "NextToken", key=lambda group: group.name)
    return {"Groups": [group_type(group, user_pool_id) for group in mine], **more}


def list_users_in_group(tenant, request: dict) -> dict:
    pool_id(request)
    group = group_named(tenant, request)
    members = [user for user in tenant.all_users() if group.name in member_of(user)]
    users, more = page(members, request, "NextToken", key=lambda user: user.username)
    return {"Users": [user_type(tenant, user) for user in users], **more}
