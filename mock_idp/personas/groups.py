"""A tenant's groups, whatever the persona: the ones defined (seed `groups:` or a management API)
and the names members carry in their `groups` claim (a seed's `groups: [admins]` needs no
definition). Membership is that claim: the one tokens, /userinfo and the pages show."""

from ..config import GroupConfig


def member_of(user) -> list[str]:
    groups = user.claims.get("groups")
    return [name for name in groups if isinstance(name, str)] if isinstance(groups, list) else []


def all_groups(tenant) -> dict[str, GroupConfig]:
    groups = dict(tenant.groups)
    for user in tenant.all_users():
        for name in member_of(user):
            groups.setdefault(name, GroupConfig(name=name))
    return groups


def members(tenant, name: str) -> list:
    return [user for user in tenant.all_users() if name in member_of(user)]
