"""A tenant's users, clients, groups, roles and organizations: the seed's, read-only, under a writable layer in the store.

As dex layers its static config under its storage: an entry in the store replaces the seed's
item of the same name, or hides it; a reset drops the layer and the seed shows again. The merged
view is cached per directory version (one number on the tenant's state row), so a change made on
any replica is seen by every replica on its next request.

The API (for the admin endpoints and for sign-up):
    directory.users(version) / clients(version)     -> {name: UserConfig | ClientConfig}
    directory.create("user", data)                  -> UserConfig   (DirectoryError, Conflict)
    directory.update("client", client_id, patch)    -> ClientConfig (RFC 7396 merge patch)
    directory.put("user", username, data)           -> UserConfig   (create or replace)
    directory.delete("user", username)              -> bool
Bodies are validated by the seed file's models, with its messages, naming the field.
"""

import json
import logging
import time
from typing import Any

from pydantic import BaseModel, ValidationError

from .config import ClientConfig, GroupConfig, RoleConfig, UserConfig
from .config.users import OrganizationConfig
from .config.fields import user_key
from .config.hooks import HOOK_MODELS
from .config.issues import dotted, translate
from .storage.request_state import VersionCache
from .storage.models import DirectoryEntry

log = logging.getLogger("mock_idp")
# kind -> (model, key field, the seed file's list it mirrors)
KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "user": (UserConfig, "username", "users"),
    "client": (ClientConfig, "client_id", "clients"),
    "group": (GroupConfig, "name", "groups"),
    "role": (RoleConfig, "name", "roles"),
    "organization": (OrganizationConfig, "name", "organizations"),
}


class DirectoryError(ValueError):
    """A body the seed file's rules refuse: [(field, message)], most important first."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" if field else message for field, message in errors))


class Conflict(ValueError):
    """The name is already taken (create) or unknown (update, delete)."""


class Users(dict):
    """Users by their username as written; `get` and `in` also find one by the persona's way of
    comparing names (NFC, and any case where the persona ignores case: personas/base.py)."""

    def __init__(self, users: dict[str, UserConfig], case_insensitive: bool):
        super().__init__(users)
        self.case_insensitive = case_insensitive
        self.by_key = {user_key(name, case_insensitive): user for name, user in users.items()}

    def get(self, name, default=None):
        found = dict.get(self, name)
        if found is None and isinstance(name, str):
            found = self.by_key.get(user_key(name, self.case_insensitive))
        return default if found is None else found

    def __contains__(self, name) -> bool:
        return self.get(name) is not None


class Directory:
    def __init__(self, tenant: str, seed_users: list[UserConfig], seed_clients: list[ClientConfig], store, now=None,
                 issuer_keys=tuple, seed_groups: list[GroupConfig] = (), seed_roles: list[RoleConfig] = (),
                 case_insensitive_users: bool = False, client_problems=lambda client: [],
                 seed_organizations: list[OrganizationConfig] = ()):
        self.tenant = tenant
        # What a client asks of the tenant's persona and APIs that they lack (config.tenant.client_problems).
        self.client_problems = client_problems
        self.store = store
        # A client deleted or given a new secret ends its client_credentials tokens, then (the
        # tenant's clock), at its authorization servers (their keys in the store).
        self.now, self.issuer_keys = now, issuer_keys
        self.case_insensitive_users = case_insensitive_users
        self._seed = {"user": {u.username: u for u in seed_users},
                      "client": {c.client_id: c for c in seed_clients},
                      "group": {g.name: g for g in seed_groups},
                      "role": {r.name: r for r in seed_roles},
                      "organization": {o.name: o for o in seed_organizations},
                      "hook": {}}  # hooks set at run time over the seed's (hooks() below)
        self._merged = VersionCache(self._load)

    # -- reading: the merged view of one version ----------------------------------------------
    def users(self, version: int) -> dict[str, UserConfig]:
        return self._view(version)["user"]

    def clients(self, version: int) -> dict[str, ClientConfig]:
        return self._view(version)["client"]

    def groups(self, version: int) -> dict[str, GroupConfig]:
        return self._view(version)["group"]

    def roles(self, version: int) -> dict[str, RoleConfig]:
        return self._view(version)["role"]

    def organizations(self, version: int) -> dict[str, OrganizationConfig]:
        return self._view(version)["organization"]

    def _view(self, version: int) -> dict[str, dict]:
        return self._merged.get(version)

    def _load(self) -> dict[str, dict]:
        merged = {kind: dict(items) for kind, items in self._seed.items()}
        for entry in self.store.directory_entries(self.tenant):
            items = merged.get(entry.kind)
            if items is None:
                continue
            if entry.kind == "hook":
                self._load_hook(items, entry)
                continue
            if entry.data is None:
                items.pop(entry.name, None)
                continue
            try:
                items[entry.name] = KINDS[entry.kind][0].model_validate_json(entry.data)
            except ValidationError as error:  # written by another version of mock_idp
                log.warning("ignoring stored %s %r of tenant %r: %s", entry.kind, entry.name, self.tenant, error)
        merged["user"] = Users(merged["user"], self.case_insensitive_users)
        return merged

    def canonical(self, kind: str, name: str) -> str:
        """The name an existing item is stored under (a user asked for in another case or
        Unicode form), else `name` itself."""
        found = self.current(kind).get(name)
        return getattr(found, KINDS[kind][1]) if found is not None else name

    def _load_hook(self, hooks: dict, entry: DirectoryEntry) -> None:
        try:
            hooks[entry.name] = hook_setting(entry.name, entry.data)
        except (ValidationError, KeyError) as error:  # written by another version of mock_idp
            log.warning("ignoring stored hook %r of tenant %r: %s", entry.name, self.tenant, error)

    # -- hooks: set or switched off at run time, over the seed's -------------------------------------
    def hooks(self, version: int) -> dict[str, Any]:
        """{hook name: its config, or None for switched off} for the hooks set at run time; a hook
        not named here is the seed's. Names: "pre_token_generation", "token_inline_hook:<server id>"."""
        return self._view(version)["hook"]

    def set_hook(self, name: str, data: Any):
        """Validate `data` as the seed's model of the hook `name` (None: switch it off) and store it."""
        model = HOOK_MODELS[name.partition(":")[0]]
        item = None if data is None else validated_as(model, data, HOOK_PLACES[name.partition(":")[0]])
        self.store.write_directory_entry(DirectoryEntry(
            tenant=self.tenant, kind="hook", name=name, data=json.dumps(given(item) if item else None)))
        return item

    def current(self, kind: str) -> dict[str, Any]:
        """The view as the store has it now (admin calls: never a stale cache)."""
        return self._view(self.store.tenant_state(self.tenant).directory_version)[kind]

    # -- writing ----------------------------------------------------------------------------------
    def create(self, kind: str, data: Any):
        key = KINDS[kind][1]
        item = self.fitting(kind, validated(kind, data))
        name = getattr(item, key)
        if self.canonical(kind, name) != name:  # "Alice" where "alice" is, on a case-blind persona
            raise Conflict(f"{kind} {name!r} already exists on tenant {self.tenant!r} "
                           f"as {self.canonical(kind, name)!r}")
        entry = DirectoryEntry(tenant=self.tenant, kind=kind, name=name, data=json.dumps(given(item)))
        if not self.store.create_directory_entry(entry, seeded=name in self._seed[kind]):
            raise Conflict(f"{kind} {name!r} already exists on tenant {self.tenant!r}")
        return item

    def update(self, kind: str, name: str, patch: Any):
        """RFC 7396 JSON merge patch over the current item: null removes a member."""
        key = KINDS[kind][1]
        name = self.canonical(kind, name)
        existing = self.current(kind).get(name)
        if existing is None:
            raise Conflict(f"no {kind} {name!r} on tenant {self.tenant!r}")
        if not isinstance(patch, dict):
            raise DirectoryError([("", f"expected a JSON object, got {json_kind(patch)}")])
        if key in patch and patch[key] != name:
            raise DirectoryError([(key, f"cannot be changed (delete and create the {kind} instead)")])
        data = merge_patch(given(existing), patch)
        item = self.fitting(kind, validated(kind, data))
        self._write(kind, name, item)
        return item

    def put(self, kind: str, name: str, data: Any):
        """Create or replace the item called `name` with `data`."""
        key = KINDS[kind][1]
        name = self.canonical(kind, name)
        if isinstance(data, dict) and data.get(key, name) != name:
            raise DirectoryError([(key, f"must be {name!r}, as in the URL")])
        item = self.fitting(kind, validated(kind, {key: name, **data} if isinstance(data, dict) else data))
        self._write(kind, name, item)
        return item

    def fitting(self, kind: str, item):
        """The item, if the tenant serves what it asks (a client's keys, methods, app roles)."""
        problems = self.client_problems(item) if kind == "client" else []
        if problems:
            raise DirectoryError([(dotted(at), message) for at, message in problems])
        return item

    def delete(self, kind: str, name: str) -> bool:
        if name not in self.current(kind):
            return False
        name = self.canonical(kind, name)
        self._store(kind, name, None, cut_off=kind == "client")
        return True

    def _write(self, kind: str, name: str, item: BaseModel) -> None:
        data = json.dumps(given(item))
        before = self.current(kind).get(name)
        rotated = kind == "client" and before is not None and before.client_secret != item.client_secret
        self._store(kind, name, data, cut_off=rotated)

    def _store(self, kind: str, name: str, data: str | None, cut_off: bool) -> None:
        entry = DirectoryEntry(tenant=self.tenant, kind=kind, name=name, data=data)
        if not cut_off:
            return self.store.write_directory_entry(entry)
        now = self.now() if self.now is not None else int(time.time())
        self.store.write_directory_entry(entry, revoke_before=now, issuers=self.issuer_keys())


def hook_setting(name: str, data: str | None):
    """A stored hook: its config, or None (switched off)."""
    value = json.loads(data) if data is not None else None
    return None if value is None else HOOK_MODELS[name.partition(":")[0]].model_validate(value)


def validated(kind: str, data: Any):
    """The seed file's model of `kind` for `data`, or a DirectoryError in the seed file's words."""
    model, _, seed_list = KINDS[kind]
    # translate() resolves types from the seed file's root: address the item as if it were the
    # first of a tenant's list, then drop that prefix again.
    return validated_as(model, data, ("tenants", "t", seed_list, 0))


# Where each hook sits in a seed file (for the seed file's messages).
HOOK_PLACES = {"pre_token_generation": ("tenants", "t", "triggers", "pre_token_generation"),
               "token_inline_hook": ("tenants", "t", "authorization_servers", 0, "token_inline_hook")}


def validated_as(model: type[BaseModel], data: Any, prefix: tuple):
    if not isinstance(data, dict):
        raise DirectoryError([("", f"expected a JSON object, got {json_kind(data)}")])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            detail = {**detail, "loc": prefix + tuple(detail["loc"])}
            rank, loc, message = translate(detail)
            problems.append((rank, dotted(loc[len(prefix):]), message))
        ranked = sorted(problems, key=lambda problem: problem[0])
        raise DirectoryError([(field, message) for _, field, message in ranked]) from None


def given(item: BaseModel) -> dict:
    """What the item's author wrote, not what validation filled in (a client's auth method left
    unnamed stays unnamed: some personas accept any method then)."""
    data = item.model_dump(mode="json", exclude_unset=True)
    if isinstance(item, ClientConfig) and not item.auth_method_named:
        data.pop("token_endpoint_auth_method", None)
    return data


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 §2."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def json_kind(value: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)
