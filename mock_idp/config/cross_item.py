"""Rules across items (duplicate ids, tenant path clashes), on the raw data."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Iterator

from .errors import Loc, suggestion
from .fields import tenant_path, user_key


UNIQUE_PER_TENANT = (("clients", "client_id"), ("users", "username"), ("groups", "name"), ("roles", "name"),
                     ("authorization_servers", "id"), ("apis", "identifier"),
                     ("saml_apps", "app_id"), ("organizations", "name"), ("organizations", "id"))


def cross_item_problems(data: dict[str, Any], personas: Collection[str] = ()) -> Iterator[tuple[Loc, str]]:
    """`personas`: the persona names, or a mapping of them to objects whose
    `case_insensitive_usernames` says how that persona compares usernames."""
    tenants = data.get("tenants")
    if not isinstance(tenants, dict):
        return
    yield from path_clashes(tenants)
    for name, tenant in tenants.items():
        for field, key in UNIQUE_PER_TENANT:
            items = tenant.get(field) if isinstance(tenant, dict) else None
            same = username_rule(tenant, personas) if field == "users" else str
            yield from duplicates(items, key, ("tenants", name, field), same)
        if isinstance(tenant, dict):
            yield from unknown_references(tenant, ("tenants", name))
            yield from unknown_members(tenant, ("tenants", name), username_rule(tenant, personas))


def username_rule(tenant: Any, personas: Collection[str]) -> Callable[[str], str]:
    flavor = tenant.get("flavor", "generic") if isinstance(tenant, dict) else None
    persona = personas.get(flavor) if isinstance(personas, Mapping) and isinstance(flavor, str) else None
    insensitive = bool(getattr(persona, "case_insensitive_usernames", False))
    return lambda name: user_key(name, insensitive)


def duplicates(items: Any, key: str, loc: Loc, same: Callable[[str], str] = str) -> Iterator[tuple[Loc, str]]:
    """Two items whose `key` is the same once passed through `same` (usernames: NFC, and case-
    folded where the persona ignores case)."""
    first: dict[str, tuple[int, str]] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue  # pydantic reports the wrong type
        compared = same(value)
        if compared in first:
            other, spelled = first[compared]
            also = f"also {loc[-1]}[{other}]" + (f", spelled {spelled!r}" if spelled != value else "")
            yield loc + (index, key), f"duplicate {key} {value!r} ({also})"
        first.setdefault(compared, (index, value))


def path_clashes(tenants: dict[Any, Any]) -> Iterator[tuple[Loc, str]]:
    # Tenants are mounted by path: two on one path would make one of them unreachable.
    owners: dict[str, Any] = {}
    for name, tenant in tenants.items():
        raw = tenant.get("path") if isinstance(tenant, dict) else None
        if raw is not None and not isinstance(raw, str):
            continue  # pydantic reports the wrong type
        try:
            path = tenant_path(str(name), raw)
        except ValueError:
            continue  # pydantic reports the invalid path
        if path in owners:
            yield ("tenants", name, "path"), f"path {path!r} is already used by tenant {owners[path]!r}"
        owners.setdefault(path, name)


def names(items: Any, key: str) -> list[str]:
    return [item[key] for item in items if isinstance(item, dict) and isinstance(item.get(key), str)] \
        if isinstance(items, list) else []


def unknown_references(tenant: dict[str, Any], loc: Loc) -> Iterator[tuple[Loc, str]]:
    """A user's role must be one of the tenant's roles; a role's permission on one of its APIs."""
    roles, apis = names(tenant.get("roles"), "name"), names(tenant.get("apis"), "identifier")
    for index, user in enumerate(tenant.get("users") if isinstance(tenant.get("users"), list) else []):
        given = user.get("roles") if isinstance(user, dict) else None
        for position, role in enumerate(given if isinstance(given, list) else []):
            if isinstance(role, str) and role not in roles:
                yield (loc + ("users", index, "roles", position),
                       f"unknown role {role!r}{suggestion(role, roles)} (the tenant's roles: {', '.join(roles) or 'none'})")
    for index, role in enumerate(tenant.get("roles") if isinstance(tenant.get("roles"), list) else []):
        granted = role.get("permissions") if isinstance(role, dict) else None
        for position, permission in enumerate(granted if isinstance(granted, list) else []):
            api = permission.get("api") if isinstance(permission, dict) else None
            if isinstance(api, str) and api not in apis:
                yield (loc + ("roles", index, "permissions", position, "api"),
                       f"unknown API {api!r}{suggestion(api, apis)} (the tenant's apis: {', '.join(apis) or 'none'})")


def unknown_members(tenant: dict[str, Any], loc: Loc, same: Callable[[str], str]) -> Iterator[tuple[Loc, str]]:
    """An organization's member must be one of the tenant's users (compared as the persona compares
    usernames)."""
    users = names(tenant.get("users"), "username")
    known = {same(user) for user in users}
    for index, organization in enumerate(tenant.get("organizations") if isinstance(tenant.get("organizations"), list) else []):
        members = organization.get("members") if isinstance(organization, dict) else None
        for position, member in enumerate(members if isinstance(members, list) else []):
            if isinstance(member, str) and same(member) not in known:
                yield (loc + ("organizations", index, "members", position),
                       f"unknown user {member!r}{suggestion(member, users)} (an organization's members are "
                       "usernames of the tenant's users)")
