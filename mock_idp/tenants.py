"""A tenant at run time: its persona, keys, clients, users and authorization servers."""

import hmac
import json
import threading

from .config import TenantConfig, UserConfig
from .flavors import flavor_named
from .flavors.base import IssuerLayout
from .keys import KeyRing, load_key_ring
from .oauth.context import TokenContext
from .oauth.server import IssuerServer
from .store import Store


class Tenant:
    def __init__(self, name: str, config: TenantConfig, base_url: str, store: Store):
        self.name = name
        self.config = config
        self.flavor = flavor_named(config.flavor).with_lifetimes(config.token_lifetimes)
        self.route_prefix = "" if config.path == "/" else config.path
        self.url = base_url + self.route_prefix
        self.display_name = config.display_name or self.flavor.label
        self.store = store
        self._keys: KeyRing | None = None
        self._keys_lock = threading.Lock()
        self.clients = {c.client_id: c for c in config.clients}
        self.users = {u.username: u for u in config.users}
        self._subjects = {u.username: self.flavor.subject(self, u) for u in config.users}
        self.issuers = [Issuer(self, layout) for layout in self.flavor.issuers(name, self.url, config)]

    @property
    def keys(self) -> KeyRing:
        # Loaded, or generated, on first use: a server with many tenants starts without waiting
        # on RSA, and a replica started later sees the key another replica created.
        if self._keys is None:
            with self._keys_lock:
                if self._keys is None:
                    self._keys = load_key_ring(self.store, key_set=self.name)
        return self._keys

    def subject(self, user: UserConfig) -> str:
        return self._subjects[user.username]

    def authenticate(self, username: str, password: str) -> UserConfig | None:
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
            return None
        return user


class Issuer:
    """One authorization server: an `iss`, its endpoints, its authlib server."""

    def __init__(self, tenant: Tenant, layout: IssuerLayout):
        self.tenant = tenant
        self.layout = layout
        self.key = layout.key
        self.issuer = layout.issuer
        self.prefix = tenant.route_prefix + layout.prefix
        self.server = IssuerServer(self)
        # Discovery never changes while the server runs: build and serialise it once.
        self.discovery = tenant.flavor.discovery(self)
        self.discovery_bytes = json.dumps(self.discovery, indent=2).encode()
        self.metadata = tenant.flavor.authorization_server_metadata(self, self.discovery)
        self.metadata_bytes = json.dumps(self.metadata, indent=2).encode()

    @property
    def keys(self) -> KeyRing:
        return self.tenant.keys

    def endpoint_url(self, name: str) -> str | None:
        path = getattr(self.layout.paths, name)
        return None if path is None else self.tenant.url + self.layout.prefix + path

    def route(self, name: str) -> str | None:
        path = getattr(self.layout.paths, name)
        return None if path is None else self.prefix + path

    def refresh_allowed(self, ctx: TokenContext) -> bool:
        if "refresh_token" not in ctx.client.grant_types or ctx.user is None:
            return False
        return "offline_access" in ctx.scopes or not self.tenant.flavor.refresh_requires_offline_access
