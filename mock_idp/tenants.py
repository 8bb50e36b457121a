"""A tenant at run time: its persona, keys, clients, users and authorization servers.

`Tenant` is a `personas.views.TenantView` and `Issuer` a `personas.views.IssuerView`: what the protocol
layer and the personas may use of them.
"""

import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

from .web.base_urls import back_channel_variant
from .config import ClientConfig, GroupConfig, RoleConfig, TenantConfig, UserConfig
from .config.tenant import client_problems
from .directory import Directory
from .personas import all_flavors, flavor_named
from .personas.layout import IssuerLayout
from .keys import KeyRing, load_key_ring
from .storage.request_state import VersionCache, read_state
from .oauth.shape import AS_ISSUED, TokenShape
from .storage.tenant_state import State
from .oauth.server import IssuerServer
from .storage.store import Store


class Tenant:
    def __init__(self, name: str, config: TenantConfig, base_url: str, store: Store,
                 internal_bases: tuple[str, ...] = (), seed_key=None, runtime_directory: bool = False):
        self.name = name
        self.runtime_directory = runtime_directory  # users may change at run time (the admin API is on)
        self.base_url, self.internal_bases = base_url, internal_bases
        self.config = config
        self.flavor = flavor_named(config.flavor).with_lifetimes(config.token_lifetimes)
        self.route_prefix = "" if config.path == "/" else config.path
        self.url = base_url + self.route_prefix
        self.display_name = config.display_name or self.flavor.label
        self.store = store
        self.seed_kid = seed_key.kid if seed_key is not None else None
        self._keys = VersionCache(lambda: load_key_ring(store, key_set=name, seeded=seed_key, now=self.clock(),
                                                        roles=self.flavor.signing_key_roles,
                                                        key_id=self.flavor.published_kid))
        self.directory = Directory(name, config.users, config.clients, store, now=self.now,
                                   issuer_keys=lambda: [issuer.key for issuer in self.issuers],
                                   seed_groups=config.groups, seed_roles=config.roles,
                                   case_insensitive_users=self.flavor.case_insensitive_usernames,
                                   client_problems=self.client_problems,
                                   seed_organizations=config.organizations)
        self._cutoffs = VersionCache(lambda: store.token_cutoffs(name))
        self._scenarios = VersionCache(lambda: list(store.armed_scenarios(name)), initial=[])
        self.issuers = [Issuer(self, layout) for layout in self.flavor.issuers(name, self.url, config)]

    def client_problems(self, client) -> list:
        """What a client asks that the tenant lacks (config.tenant.client_problems), against the
        users as they are now: a user added at run time may be assigned to an app (Entra)."""
        current = self.config.model_copy(update={"users": list(self.all_users())})
        return client_problems(current, client, all_flavors())

    @property
    def keys(self) -> KeyRing:
        # Loaded, or generated, on first use: a server with many tenants starts without waiting
        # on RSA, and a replica started later sees the key another replica created. Reloaded when
        # any replica rotates (the keys version), when the tenant's clock is set, and when a
        # retired key's grace ends on that clock.
        state = self.state()
        ring = self._keys.get((state.keys_version, state.clock_offset))
        if ring.valid_until is not None and self.clock() >= ring.valid_until:
            self._keys.forget()
            ring = self._keys.get((state.keys_version, state.clock_offset))
        return ring

    def state(self) -> State:
        """The tenant's run-time state row, read once per request."""
        return read_state(self.store, self.name)

    @property
    def users(self) -> dict[str, UserConfig]:
        return self.directory.users(self.state().directory_version)

    @property
    def clients(self) -> dict[str, ClientConfig]:
        return self.directory.clients(self.state().directory_version)

    @property
    def hook_overrides(self) -> dict:
        """Hooks set or switched off at run time (admin API), by name, over the seed's."""
        return self.directory.hooks(self.state().directory_version)

    @property
    def groups(self) -> dict[str, GroupConfig]:
        """The groups defined in the seed or through a management API (members name them in
        their `groups` claim; a name no group defines is a group without precedence or role)."""
        return self.directory.groups(self.state().directory_version)

    @property
    def roles(self) -> dict[str, RoleConfig]:
        """Auth0's roles: their permissions on the tenant's APIs (users name them in `roles`)."""
        return self.directory.roles(self.state().directory_version)

    @property
    def organizations(self) -> list:
        """Auth0's organizations: the seed's and those the Management API wrote, in that order."""
        return list(self.directory.organizations(self.state().directory_version).values())

    def find_user(self, username: str) -> UserConfig | None:
        return self.users.get(username)

    def find_client(self, client_id: str) -> ClientConfig | None:
        return self.clients.get(client_id)

    def revoked_before(self, client_id: str) -> int:
        """Tokens of the client without a record issued before this instant (the tenant's clock)
        are dead: a reset, the client's deletion or a new secret (cached per directory version,
        which each of them moves)."""
        cutoffs = self._cutoffs.get(self.state().directory_version)
        return max(cutoffs.get("", 0), cutoffs.get(client_id, 0))

    def all_users(self) -> Iterable[UserConfig]:
        return self.users.values()

    def subject(self, user: UserConfig) -> str:
        return self.flavor.subject(self, user)

    def clock(self) -> float:
        # Every iat, exp, auth_time and expiry check of the tenant reads this clock, so an
        # offset set through the admin API moves them all together.
        return time.time() + self.state().clock_offset

    def now(self) -> int:
        return int(self.clock())

    def armed_scenarios(self) -> list:
        """Scenarios armed through the admin API (cached per version: a request with none armed
        costs nothing more than the state row it reads anyway)."""
        return self._scenarios.get(self.state().scenarios_version)

    def next_token_shape(self, ctx) -> TokenShape:
        for scenario in self.armed_scenarios():
            if scenario.kind == "token" and scenario_matches(scenario, ctx) and self.store.fire_scenario(scenario.id):
                return TokenShape(defect=scenario.defect, claim=scenario.claim)
        return AS_ISSUED

    def next_hook_failure(self, hook: str, ctx):
        """The next armed scenario that makes this call of a token hook fail, taken once."""
        for scenario in self.armed_scenarios():
            if (scenario.kind == "hook" and scenario.endpoint == hook
                    and scenario.client_id in (None, ctx.client.client_id)
                    and (scenario.username is None or (ctx.user is not None and ctx.user.username == scenario.username))
                    and self.store.fire_scenario(scenario.id)):
                return scenario
        return None

    def verify_password(self, username: str, password: str) -> UserConfig | None:
        """The user whose password this is, whatever their status (the hosted sign-in asks the
        persona next: a password change first?); `authenticate` is what signs in."""
        user = self.find_user(username)
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            return None
        return user

    def authenticate(self, username: str, password: str) -> UserConfig | None:
        user = self.verify_password(username, password)
        if user is None:
            return None
        if not self.flavor.may_sign_in(user):
            return None  # disabled, or waiting for a step of the vendor's (a new password...)
        return user


def scenario_matches(scenario, ctx) -> bool:
    grant_endpoint = "authorize" if ctx.grant_type == "implicit" else "token"
    return ((scenario.endpoint is None or scenario.endpoint == grant_endpoint)
            and (scenario.client_id is None or scenario.client_id == ctx.client.client_id)
            and (scenario.username is None or (ctx.user is not None and ctx.user.username == scenario.username)))


@dataclass(frozen=True)
class Documents:
    """An issuer's OIDC discovery document and RFC 8414 metadata, serialised once, and the same
    per internal base (base_urls.py): back-channel endpoints on the base that was called."""

    discovery: dict
    metadata: dict
    discovery_bytes: bytes
    metadata_bytes: bytes
    variants: dict[str, tuple[bytes, bytes]]

    @classmethod
    def render(cls, issuer: "Issuer") -> "Documents":
        discovery = issuer.flavor.discovery(issuer)
        metadata = issuer.flavor.authorization_server_metadata(issuer, discovery)
        public = issuer.tenant.base_url
        variants = {base: tuple(json.dumps(back_channel_variant(document, public, base), indent=2).encode()
                                for document in (discovery, metadata))
                    for base in issuer.tenant.internal_bases}
        return cls(discovery, metadata, json.dumps(discovery, indent=2).encode(),
                   json.dumps(metadata, indent=2).encode(), variants)


class Issuer:
    """One authorization server: an `iss`, its endpoints, its authlib server."""

    def __init__(self, tenant: Tenant, layout: IssuerLayout):
        self.tenant = tenant
        self.name, self.url, self.config = tenant.name, tenant.url, tenant.config
        self.flavor, self.store = tenant.flavor, tenant.store
        # The tenant's users and clients are the issuer's (personas.views.IssuerView).
        self.find_user, self.find_client, self.all_users = tenant.find_user, tenant.find_client, tenant.all_users
        self.revoked_before = tenant.revoked_before
        self.subject, self.authenticate = tenant.subject, tenant.authenticate
        self.now, self.clock, self.next_token_shape = tenant.now, tenant.clock, tenant.next_token_shape
        self.next_hook_failure = tenant.next_hook_failure
        self.layout = layout
        self.key = layout.key
        self.issuer = layout.issuer
        self.prefix = tenant.route_prefix + layout.prefix
        self.server = IssuerServer(self)
        self._documents = VersionCache(lambda: Documents.render(self))

    def documents_version(self) -> int:
        """A cheap key that changes whenever `documents` may: claims_supported lists the claims of
        users added at run time, so with the admin API on it is the directory version (on the state
        row the request reads anyway; any replica's change moves it); without it, the seed is all."""
        return self.tenant.state().directory_version if self.tenant.runtime_directory else 0

    @property
    def documents(self) -> "Documents":
        """The discovery documents as served now, rendered once per `documents_version()`."""
        return self._documents.get(self.documents_version())

    @property
    def discovery(self) -> dict:
        return self.documents.discovery

    @property
    def keys(self) -> KeyRing:
        return self.tenant.keys

    @property
    def hook_overrides(self) -> dict:
        return self.tenant.hook_overrides

    @property
    def groups(self) -> dict[str, GroupConfig]:
        return self.tenant.groups

    @property
    def roles(self) -> dict[str, RoleConfig]:
        return self.tenant.roles

    @property
    def organizations(self) -> list:
        return self.tenant.organizations

    def endpoint_url(self, name: str) -> str | None:
        path = getattr(self.layout.paths, name)
        return None if path is None else self.url + self.layout.prefix + path

    def siblings(self) -> list["Issuer"]:
        return [issuer for issuer in self.tenant.issuers if issuer is not self]

    def route(self, name: str) -> str | None:
        """The path of an endpoint inside the tenant's Mount (routes.py), None if not served."""
        path = getattr(self.layout.paths, name)
        return None if path is None else self.layout.prefix + path
