"""What a persona sees: a tenant, one of its authorization servers (Protocols), a token's values (TokenContext)."""

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .layout import IssuerLayout

if TYPE_CHECKING:
    from ..config import ClientConfig, GroupConfig, RoleConfig, TenantConfig, UserConfig
    from ..keys import KeyRing
    from ..oauth.shape import TokenShape
    from ..storage.store import Store


class TenantView(Protocol):
    """A tenant: one persona, its users and clients, its store, its public URL."""

    name: str
    url: str  # public URL of the tenant's root
    config: "TenantConfig"
    flavor: Any  # its personas.base.Flavor (not imported here: base.py imports this module)
    store: "Store"

    @property
    def groups(self) -> "dict[str, GroupConfig]":
        """The defined groups by name (precedence, role, description); members name them in their
        `groups` claim."""

    @property
    def roles(self) -> "dict[str, RoleConfig]":
        """The defined roles by name (Auth0: permissions on the tenant's APIs); users name them in
        their `roles`."""

    @property
    def organizations(self) -> list:
        """Auth0's organizations: the seed's and those written at run time (Management API)."""

    def find_user(self, username: str) -> "UserConfig | None": ...

    def find_client(self, client_id: str) -> "ClientConfig | None": ...

    def revoked_before(self, client_id: str) -> int:
        """The instant (its clock) before which the client's tokens without a record are dead."""

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
    layout: IssuerLayout
    server: Any  # oauth.server.IssuerServer

    @property
    def keys(self) -> "KeyRing": ...

    def endpoint_url(self, name: str) -> str | None: ...

    def siblings(self) -> "list[IssuerView]":
        """The tenant's other authorization servers."""


@dataclass
class TokenContext:
    issuer: IssuerView
    client: "ClientConfig"
    user: "UserConfig | None"
    scopes: list[str]
    grant_type: str
    audience: Any = None  # str or list, as the persona resolved it
    nonce: str | None = None
    auth_time: int | None = None
    session_id: str | None = None
    now: int = 0  # 0: the tenant's clock at creation
    jti: str = ""
    access_token_lifetime: int = 3600
    extra: dict[str, Any] = field(default_factory=dict)
    # The grant these tokens belong to (a refresh token continues it); set by issue_access_token.
    grant_id: str | None = None
    # How the tokens differ from the flows' (admin mint, defective-token scenarios); None until
    # the first token of this issuance asks (tokens.shape_of).
    shape: "TokenShape | None" = None

    @property
    def sid(self) -> str | None:
        """The ID token's `sid` for the SSO session (public_sid)."""
        return public_sid(self.session_id) if self.session_id else None

    def __post_init__(self):
        if not self.now:
            self.now = self.issuer.now()

    @property
    def flavor(self):
        return self.issuer.flavor

    @property
    def subject(self) -> str:
        if self.user is None:
            return self.flavor.client_subject(self.client)
        return self.issuer.subject(self.user)


def public_sid(session_id: str) -> str:
    """An SSO session's `sid` (OpenID Connect Front-/Back-Channel Logout 1.0): stands for the session
    in ID and logout tokens without giving away the browser cookie's value, which it is not."""
    digest = hashlib.sha256(b"oidc-sid:" + session_id.encode()).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()
