"""Rules across items (duplicate ids, tenant path clashes), on the raw data."""

from __future__ import annotations

from typing import Any, Iterator

from .errors import Loc
from .fields import tenant_path


UNIQUE_PER_TENANT = (("clients", "client_id"), ("users", "username"), ("groups", "name"), ("roles", "name"),
                     ("authorization_servers", "id"), ("apis", "identifier"),
                     ("saml_apps", "app_id"))


def cross_item_problems(data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    tenants = data.get("tenants")
    if not isinstance(tenants, dict):
        return
    yield from path_clashes(tenants)
    for name, tenant in tenants.items():
        for field, key in UNIQUE_PER_TENANT:
            items = tenant.get(field) if isinstance(tenant, dict) else None
            yield from duplicates(items, key, ("tenants", name, field))


def duplicates(items: Any, key: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    first: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue  # pydantic reports the wrong type
        if value in first:
            yield loc + (index, key), f"duplicate {key} {value!r} (also {loc[-1]}[{first[value]}])"
        first.setdefault(value, index)


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
