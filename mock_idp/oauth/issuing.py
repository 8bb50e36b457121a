"""The base of every grant that issues tokens: its context from the request and the persona (RFC 6749 §5.1)."""

import json
import secrets

from authlib.oauth2.rfc6749.util import scope_to_list

from .clients import EndUser
from ..personas.base import AUTHORIZATION_CONTEXT, HOOK_ANSWERS, TokenContext
from .tokens import issue_access_token


class IssuingGrant:
    """Mixin: token generation goes through the persona, with the grant's whole context."""

    token_context: TokenContext | None = None

    def authenticate_token_endpoint_client(self):
        # Where the client is first known, before the grant is read: a replayed code or refresh
        # token revokes what it issued, which a page of an origin not allowed must not trigger.
        client = super().authenticate_token_endpoint_client()
        self.request.client = client  # named before a refusal too: CORS follows its list (web/cors.py)
        self.check_origin(client)
        return client

    def create_token_response(self):
        # After the request is validated (by grants that authenticate otherwise too), before
        # anything is issued, rotated or consumed.
        self.check_origin(self.request.client)
        return super().create_token_response()

    def check_origin(self, client) -> None:
        issuer = self.server.issuer
        issuer.flavor.check_token_origin(issuer, client.config, self.GRANT_TYPE, self.request.headers.get("origin"))

    def generate_authorization_code(self) -> str:
        # 48 URL-safe characters, as authlib's, from one urandom read (authlib draws each of the
        # 48 with SystemRandom.choice: 48 reads, 1.6% of a code flow's CPU in py-spy).
        return secrets.token_urlsafe(36)

    def generate_token(self, user=None, scope=None, grant_type=None, expires_in=None,
                       include_refresh_token=True):
        ctx = self.build_context(user, scope, grant_type or self.GRANT_TYPE)
        self.token_context = ctx
        flavor = self.server.issuer.flavor
        include_refresh_token = include_refresh_token and flavor.refresh_allowed(ctx)
        redeemed = self.request.refresh_token
        token = issue_access_token(ctx, include_refresh_token, code=self.origin_code(),
                                   grant_id=self.grant_id(), record=self.record_token,
                                   previous_refresh_expiry=redeemed.row.refresh_expires_at if redeemed else None)
        token.update(flavor.token_response_members(ctx, self.request.payload.data))
        return token

    def record_token(self, make_row) -> None:
        self.server.issuer.store.insert(make_row())

    def grant_id(self) -> str | None:
        """The grant a refresh continues; None starts a new one."""
        record = self.request.refresh_token
        return record.row.grant_id if record is not None else None

    def build_context(self, user: EndUser | None, scope, grant_type: str) -> TokenContext:
        request = self.request
        # The stored grant this request redeems (code, refresh token, device code) fixed the audience.
        record = request.authorization_code or request.refresh_token or request.credential
        if record is not None:
            audience = record.row.audience
        else:
            audience = getattr(request, "audience", None) or requested_audience(request)
        issuer = self.server.issuer
        flavor = issuer.flavor
        client = request.client.config
        audience = flavor.resolve_audience(issuer, client, audience, grant_type)
        scopes = flavor.granted_scopes(issuer, client, scope_to_list(scope) or [], audience, grant_type,
                                       user=user.config if user else None)
        if user is not None:
            flavor.check_user_access(issuer, client, user.config, scopes, "token")
        ctx = TokenContext(
            issuer=issuer,
            client=client,
            user=user.config if user else None,
            scopes=scopes,
            grant_type=grant_type,
            audience=audience,
            nonce=self.nonce(),
            auth_time=user.auth_time if user else None,
            session_id=user.session_id if user else None,
        )
        code = request.authorization_code
        if code is not None and code.row.hook_answers is not None:
            ctx.extra[HOOK_ANSWERS] = json.loads(code.row.hook_answers)
        # The authorization request's context: the code's or refresh token's row kept it; an
        # implicit grant's tokens are issued with the request itself.
        kept = getattr(record.row, "authorization_context", None) if record is not None \
            else getattr(request, "authorization_context", None)
        if kept is None and record is None:  # a request that redeems no grant (client_credentials)
            kept = flavor.token_request_context(issuer, client, request.payload.data, audience, grant_type)
        if kept is not None:
            ctx.extra[AUTHORIZATION_CONTEXT] = json.loads(kept) if isinstance(kept, str) else kept
        return ctx

    def origin_code(self) -> str | None:
        # RFC 6749 §4.1.2: a replayed code revokes every token of its grant, so refreshed
        # tokens inherit the code their grant started from.
        record = self.request.authorization_code or self.request.refresh_token
        return record.row.code if record is not None else None

    def nonce(self) -> str | None:
        code = self.request.authorization_code
        return code.get_nonce() if code is not None else None


def requested_audience(request) -> str | None:
    """Auth0's `audience`, or RFC 8707's `resource`."""
    data = request.payload.data
    return data.get("audience") or data.get("resource") or None


def end_user(issuer, username: str | None, auth_time: int | None, session_id: str | None):
    user = issuer.find_user(username or "")
    if user is None:
        return None
    return EndUser(user, auth_time=auth_time or issuer.now(), session_id=session_id)
