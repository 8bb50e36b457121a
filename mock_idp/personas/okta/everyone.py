"""Okta's built-in Everyone group: every org has it (type BUILT_IN, "All users in your
organization"), every user is a member, and neither it nor its membership can be changed through
the API. Membership elsewhere is the user's `groups` claim (personas/groups.py); Everyone is
implied, so a seed need not list it (docs/vendors.md, "6e. Okta's Everyone group")."""

import re

from ...config import GroupConfig
from ..groups import all_groups, member_of, members

EVERYONE = "Everyone"
DESCRIPTION = "All users in your organization"


def is_built_in(group) -> bool:
    return group.name == EVERYONE


def okta_groups(tenant) -> dict[str, GroupConfig]:
    """The org's groups, Everyone first (a seed's own `Everyone` entry keeps its id or description)."""
    groups = all_groups(tenant)
    everyone = groups.pop(EVERYONE, None) or GroupConfig(name=EVERYONE, description=DESCRIPTION)
    return {EVERYONE: everyone, **groups}


def groups_of(user) -> list[str]:
    """The names of the user's groups as Okta lists them: Everyone, then the ones they were put in."""
    return [EVERYONE, *(name for name in member_of(user) if name != EVERYONE)]


def members_of(tenant, name: str) -> list:
    return list(tenant.all_users()) if name == EVERYONE else members(tenant, name)


def groups_claim(issuer, user) -> dict[str, list[str]]:
    """The tokens' groups claim. With the tenant's `groups_claim` filter, as Okta's ("Matches regex"):
    the user's groups whose whole name matches, Everyone included, none left: no claim. Without one
    the claim is the user's `groups` as the seed or the APIs listed them (the filter is the seed's)."""
    wanted = issuer.config.groups_claim
    if wanted is None:
        return {"groups": user.claims["groups"]} if "groups" in user.claims else {}
    matching = [name for name in groups_of(user) if re.fullmatch(wanted.filter, name)]
    return {wanted.name: matching} if matching else {}
