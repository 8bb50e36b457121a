"""What a token's claims are built from: one value per issuance, handed to the persona's hooks."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import ClientConfig, UserConfig
    from .shape import TokenShape
    from .view import IssuerView


@dataclass
class TokenContext:
    issuer: "IssuerView"
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
    # How the tokens differ from the flows' (admin mint, defective-token scenarios); None until
    # the first token of this issuance asks (tokens.shape_of).
    shape: "TokenShape | None" = None

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
