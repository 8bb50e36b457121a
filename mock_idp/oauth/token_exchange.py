"""RFC 8693 token exchange: a client trades a user's access token (the subject token), and
optionally its own or another party's (the actor token), for a new access token for another
audience. The persona's `TokenExchangeRules` decide scopes and audience; the new token names the
acting party in `act` (RFC 8693 §4.1), nesting the actors the subject token already named.
"""

from authlib.oauth2.rfc6749.grants.base import BaseGrant, TokenEndpointMixin
from authlib.oauth2.rfc6749.util import scope_to_list

from ..personas.layout import CONFIDENTIAL_CLIENT_AUTH
from .clients import EndUser
from .errors import InvalidRequestError, InvalidScopeError, UnauthorizedClientError
from .issuing import IssuingGrant
from .tokens import read_access_token

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
JWT = "urn:ietf:params:oauth:token-type:jwt"
# RFC 8693 §3: our access tokens are JWTs, so either identifier names them.
READABLE_TYPES = (ACCESS_TOKEN, JWT)


class TokenExchangeGrant(IssuingGrant, BaseGrant, TokenEndpointMixin):
    GRANT_TYPE = GRANT_TYPE
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_CLIENT_AUTH

    def validate_token_request(self):
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(GRANT_TYPE):
            raise UnauthorizedClientError(f"The client is not authorized to use 'grant_type={GRANT_TYPE}'")
        self.request.client = client
        issuer, data = self.server.issuer, self.request.payload.data
        rules = issuer.flavor.token_exchange_rules(issuer.layout)
        requested_type = data.get("requested_token_type")
        if requested_type is not None and requested_type not in READABLE_TYPES:
            raise InvalidRequestError("requested_token_type: only access tokens are issued here.")
        row, claims = self.read_token("subject_token")
        user = issuer.find_user(row.username or "")
        if user is None:
            raise InvalidRequestError("The subject_token names no user of this tenant.")
        act = None
        if data.get("actor_token") is not None:
            _, actor = self.read_token("actor_token")
            act = {"sub": actor["sub"]}
        elif data.get("actor_token_type") is not None:
            raise InvalidRequestError("actor_token_type without an actor_token.")
        if act is not None and isinstance(claims.get("act"), dict):
            act["act"] = claims["act"]  # RFC 8693 §4.1: prior actors, nested
        self.request.user = EndUser(user, auth_time=row.auth_time or issuer.now())
        self.request.act = act
        self.request.exchange_scope = self.exchanged_scope(rules, row.scope)
        audience = data.get("audience") or data.get("resource")
        if rules.audience_required and not audience:
            raise InvalidRequestError("audience is required.")
        self.request.audience = audience

    def read_token(self, name: str):
        data = self.request.payload.data
        token, token_type = data.get(name), data.get(f"{name}_type")
        if not token:
            raise InvalidRequestError(f"{name} is required.")
        if token_type is None:
            raise InvalidRequestError(f"{name}_type is required.")
        if token_type not in READABLE_TYPES:
            raise InvalidRequestError(f"{name}_type {token_type!r} is not supported: give an access token "
                                      f"({ACCESS_TOKEN}).")
        issuer = self.server.issuer
        rules = issuer.flavor.token_exchange_rules(issuer.layout)
        servers = [issuer] + (issuer.siblings() if rules.from_sibling_servers else [])
        found = next((f for f in (read_access_token(server, token) for server in servers) if f is not None), None)
        if found is None:
            # RFC 8693 §2.2.2: an invalid subject or actor token is invalid_request.
            raise InvalidRequestError(f"The {name} is invalid, expired, revoked or not issued here.")
        return found

    def exchanged_scope(self, rules, subject_scope: str) -> str:
        requested = scope_to_list(self.request.payload.scope) or []
        if not requested:
            if rules.scope_required:
                raise InvalidScopeError("scope is required.")
            return subject_scope
        if rules.scope_within_subject and not set(requested) <= set(subject_scope.split()):
            raise InvalidScopeError("The requested scope exceeds the subject_token's scope.")
        allowed = self.request.client.get_allowed_scope(" ".join(requested))
        if set(allowed.split()) != set(requested):
            raise InvalidScopeError("The client may not request this scope.")
        return " ".join(requested)

    def create_token_response(self):
        token = self.generate_token(user=self.request.user, scope=self.request.exchange_scope,
                                    include_refresh_token=False)
        token["issued_token_type"] = ACCESS_TOKEN  # RFC 8693 §2.2.1
        return 200, token, self.TOKEN_RESPONSE_HEADER

    def build_context(self, user, scope, grant_type):
        ctx = super().build_context(user, scope, grant_type)
        if self.request.act is not None:
            ctx.extra["act"] = self.request.act
        return ctx
