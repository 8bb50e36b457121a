"""authlib's view of a seeded client and of the rows it reads back (codes, tokens)."""

import hmac
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import scope_to_list

from ..config import ClientConfig, UserConfig
from ..storage.models import AuthorizationCode, DeviceAuthorization, IssuedToken


@dataclass(frozen=True)
class EndUser:
    """The authenticated person behind a grant."""

    config: UserConfig
    auth_time: int
    session_id: str | None = None


# The token page's callback (mock_idp/pages/flow.py), under the tenant's URL: every client of the
# tenant may use it without listing it, so a workshop gets tokens without running an app.
BUILTIN_CALLBACK_PATH = "/_ui/callback"


class OAuthClient(ClientMixin):
    def __init__(self, config: ClientConfig, unnamed_auth_methods: tuple[str, ...] = (),
                 builtin_redirect_uri: str | None = None, implied_grant_types: dict[str, tuple[str, ...]] | None = None):
        self.config = config
        self.client_id = config.client_id
        # The seeded grant types and those the persona says they turn on (Flavor.implied_grant_types).
        implied = implied_grant_types or {}
        self.grant_types = {*config.grant_types, *(extra for granted in config.grant_types
                                                   for extra in implied.get(granted, ()))}
        # The token endpoint takes the seeded method; a confidential client whose seed names none
        # also takes what the persona accepts then (Cognito: Basic or body).
        self.token_auth_methods = {config.token_endpoint_auth_method}
        if not config.auth_method_named and not config.is_public:
            self.token_auth_methods.update(unnamed_auth_methods)
        self.builtin_redirect_uri = builtin_redirect_uri

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # OIDC Core §3.1.2.1 makes redirect_uri required, but RFC 6749 §3.1.2.3 lets a
        # client with exactly one registered URI omit it.
        uris = self.config.redirect_uris
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        requested = scope_to_list(scope) or []
        if self.config.scopes is None:
            return " ".join(dict.fromkeys(requested))
        return " ".join(s for s in dict.fromkeys(requested) if s in self.config.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # RFC 6749 §3.1.2.3 / OAuth 2.1: simple string comparison, no prefix matching.
        return redirect_uri in self.config.redirect_uris or redirect_uri == self.builtin_redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        secret = self.config.client_secret
        return secret is not None and hmac.compare_digest(secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if endpoint == "token":
            return method in self.token_auth_methods
        # Introspection and revocation accept any method the client can really do.
        return method != "none" or self.config.is_public

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.config.response_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


class CodeRecord(AuthorizationCodeMixin):
    def __init__(self, row: AuthorizationCode):
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str | None:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return self.row.auth_time


class DeviceRecord:
    """A device authorization the user approved, as the device code grant redeems it."""

    def __init__(self, row: DeviceAuthorization):
        self.row = row

    def get_scope(self) -> str:
        return self.row.scope


class TokenRecord(TokenMixin):
    """An issued access token (and its refresh token), as introspection and refresh see it."""

    def __init__(self, row: IssuedToken, kind: str, now: int, claims: dict | None = None):
        self.row = row
        self.now = now  # the tenant's clock
        self.kind = kind  # "access_token" or "refresh_token"
        self.claims = claims or {}  # of an access token

    def check_client(self, client: OAuthClient) -> bool:
        return self.row.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        return self.expires_at - self.row.issued_at

    @property
    def expires_at(self) -> int:
        if self.kind == "refresh_token":
            return self.row.refresh_expires_at or 0
        return self.row.access_expires_at

    def is_expired(self) -> bool:
        return self.expires_at <= self.now

    def is_revoked(self) -> bool:
        if self.kind == "refresh_token":
            return self.row.revoked or self.row.refresh_revoked
        return self.row.revoked
