"""Tokens as a person reads them: header and claims decoded, signature and times checked."""

import json
import time
from dataclasses import dataclass, field

from joserfc import jws
from joserfc.errors import JoseError

from ..web import json_body

NAMES = {"id_token": "ID token", "access_token": "Access token", "refresh_token": "Refresh token"}
TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time")


@dataclass
class TokenView:
    kind: str  # id_token | access_token | refresh_token | jwt
    raw: str
    header: dict | None = None
    claims: dict | None = None
    times: dict[str, int] = field(default_factory=dict)  # claim -> epoch seconds
    signature: str | None = None  # "valid (kid ...)" / the reason it is not
    signature_ok: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return NAMES.get(self.kind, "Token")

    @property
    def is_jwt(self) -> bool:
        return self.claims is not None

    @property
    def expires_in(self) -> int | None:
        exp = self.times.get("exp")
        return None if exp is None else exp - int(time.time())

    def pretty(self, part: str) -> str:
        return json.dumps(getattr(self, part), indent=2, ensure_ascii=False)


def decode(raw: str, kind: str = "jwt") -> TokenView:
    view = TokenView(kind, raw.strip())
    try:
        compact = jws.extract_compact(view.raw.encode())
        claims = json_body.loads(compact.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        return view  # opaque (a refresh token) or not a JWT
    if not isinstance(claims, dict):
        return view
    view.header, view.claims = dict(compact.protected), claims
    view.times = {k: claims[k] for k in TIME_CLAIMS if isinstance(claims.get(k), int)}
    return view


def check_signature(view: TokenView, keys) -> None:
    """Verify against a KeyRing of this server (RS256 only, as our issuers sign)."""
    if keys.verify(view.raw) is not None:
        view.signature_ok = True
        view.signature = f"valid, RS256 key {view.header.get('kid')}"
    else:
        view.signature = f"not valid for this issuer's keys (kid {view.header.get('kid')})"


def token_views(tenant, tokens: dict[str, str], nonce: str | None) -> list[TokenView]:
    views = []
    for kind in ("id_token", "access_token", "refresh_token"):
        if not tokens.get(kind):
            continue
        view = decode(tokens[kind], kind)
        if view.is_jwt:
            check_signature(view, tenant.keys)
            if kind == "id_token" and nonce is not None:
                # OIDC Core §3.1.3.7: the ID token carries the nonce of the request.
                view.notes.append("nonce matches the request" if view.claims.get("nonce") == nonce
                                  else "nonce does NOT match the request")
        views.append(view)
    return views
