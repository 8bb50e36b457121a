"""What oauth/ and flavors/ see of a tenant and of one of its authorization servers.

`tenants.Tenant` and `tenants.Issuer` implement these Protocols; oauth/ and flavors/ never import
tenants (nor walk `issuer.tenant.*`), so the layers import downward only: tenants -> oauth ->
flavors -> config.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..config import ClientConfig, TenantConfig, UserConfig
    from ..flavors.base import Flavor, IssuerLayout
    from ..keys import KeyRing
    from ..store import Store
    from .shape import TokenShape

# OIDC Discovery §3 token_endpoint_auth_methods_supported values a seeded client can use (one
# definition for the token, device, introspection and revocation endpoints and discovery).
CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
# Grants without a user (client_credentials) are for confidential clients only.
CONFIDENTIAL_CLIENT_AUTH = ("client_secret_basic", "client_secret_post")


class TenantView(Protocol):
    """A tenant: one persona, its users and clients, its store, its public URL."""

    name: str
    url: str  # public URL of the tenant's root
    config: "TenantConfig"
    flavor: "Flavor"
    store: "Store"

    def find_user(self, username: str) -> "UserConfig | None": ...

    def find_client(self, client_id: str) -> "ClientConfig | None": ...

    def all_users(self) -> "Iterable[UserConfig]": ...

    def subject(self, user: "UserConfig") -> str: ...

    def now(self) -> int:
        """The tenant's clock in Unix seconds: real time plus its offset (admin API)."""

    def clock(self) -> float:
        """The same, with fractions of a second."""

    def next_token_shape(self, ctx: Any) -> "TokenShape":
        """How the next issued tokens are shaped: a defective-token scenario armed through the
        admin API (taken once), else as issued (oauth.shape.AS_ISSUED)."""

    def authenticate(self, username: str, password: str) -> "UserConfig | None": ...


class IssuerView(TenantView, Protocol):
    """One authorization server of a tenant: its `iss`, layout, keys and authlib server. The
    tenant's members (name, flavor, store, users, clients) are the issuer's too."""

    key: str  # names the issuer in storage, unique across the server
    issuer: str  # the `iss` value
    layout: "IssuerLayout"
    server: Any  # oauth.server.IssuerServer

    @property
    def keys(self) -> "KeyRing": ...

    def endpoint_url(self, name: str) -> str | None: ...
