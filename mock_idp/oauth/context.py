"""What a token's claims are built from: one value per issuance, handed to the persona's hooks."""

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import ClientConfig, UserConfig
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
    now: int = field(default_factory=lambda: int(time.time()))
    jti: str = ""
    access_token_lifetime: int = 3600
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flavor(self):
        return self.issuer.flavor

    @property
    def subject(self) -> str:
        if self.user is None:
            return self.flavor.client_subject(self.client)
        return self.issuer.subject(self.user)
