"""authlib grants, bound to our store and to the persona's claim builders."""

import json
import secrets

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import grants as oidc_grants

from ..storage.models import AuthorizationCode, new_row
from . import refresh
from .clients import CodeRecord, EndUser, TokenRecord
from ..personas.base import HOOK_ANSWERS, TokenContext
from .errors import InvalidGrantError, with_case
from .responses import authorization_response, response_mode
from .tokens import issue_access_token, issue_id_token
from ..personas.layout import CLIENT_AUTH_METHODS, CONFIDENTIAL_CLIENT_AUTH



class IssuingGrant:
    """Mixin: token generation goes through the persona, with the grant's whole context."""

    token_context: TokenContext | None = None

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
        token = issue_access_token(ctx, include_refresh_token, code=self.origin_code(),
                                   grant_id=self.grant_id(), record=self.record_token)
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


class IdTokenExtension(oidc_grants.OpenIDCode):
    """OIDC Core §3.1.3.3: every token response whose scope has `openid` carries an ID token.

    authlib's OpenIDCode checks nonce and prompt at the authorization endpoint; the ID token
    itself is the persona's.
    """

    def exists_nonce(self, nonce, request) -> bool:
        # Test suites reuse nonces freely; the RP checks replay, not the mock.
        return False

    def process_token(self, grant, response):
        _, token, _ = response
        ctx = grant.token_context
        if ctx is not None and ctx.user is not None and "openid" in ctx.scopes:
            token["id_token"] = issue_id_token(ctx, access_token=token.get("access_token"))
        return token


class AuthorizationCodeGrant(IssuingGrant, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def create_authorization_response(self, redirect_uri, grant_user):
        self.request.user = grant_user
        code = self.generate_authorization_code()
        self.save_authorization_code(code, self.request)
        return authorization_response(redirect_uri, [("code", code)], response_mode(self.request),
                                      self.request.payload.state)

    def save_authorization_code(self, code, request):
        save_code(self, code, request)

    def query_authorization_code(self, code, client):
        """Read, not consumed: a request for another client, at another issuer, with the wrong
        redirect_uri (or, next, the wrong code_verifier) must not burn the user's code."""
        store = self.server.issuer.store
        row = store.get(AuthorizationCode, code)
        if row is None or row.issuer != self.server.issuer.key or row.client_id != client.client_id:
            raise with_case(InvalidGrantError(), "invalid_code")
        if row.used:
            raise replayed(store, code)
        if row.expires_at <= self.server.issuer.now():
            raise with_case(InvalidGrantError(), "code_expired")
        if row.redirect_uri and self.request.payload.redirect_uri != row.redirect_uri:
            raise with_case(InvalidGrantError(), "redirect_uri_mismatch")  # RFC 6749 §4.1.3
        return CodeRecord(row)

    def record_token(self, make_row) -> None:
        # Every check passed (PKCE's too) and the access token is signed: the code is consumed and
        # the token recorded in one transaction; of concurrent redemptions one wins, the rest are replays.
        store, code = self.server.issuer.store, self.request.authorization_code.row.code
        if not store.redeem_code(code, make_row()):
            raise replayed(store, code)

    def delete_authorization_code(self, authorization_code):
        """Consumed, atomically, with the access token's record (record_token)."""

    def authenticate_user(self, authorization_code):
        return end_user(self.server.issuer, authorization_code.row.username,
                        authorization_code.row.auth_time, authorization_code.row.session_id)


class FrontChannelIssuance:
    """Mixin for the grants whose tokens travel back through the browser (implicit, hybrid)."""

    def authenticate_token_endpoint_client(self):
        # The authorization endpoint identifies the client; it does not authenticate it.
        return self.server.query_client(self.request.payload.client_id)

    def exists_nonce(self, nonce, request) -> bool:
        return False

    def nonce(self) -> str | None:
        return self.request.payload.data.get("nonce")

    def create_granted_params(self, grant_user):
        """Issue exactly what the response_type names (OIDC Core §3.2.2.5, §3.3.2.5)."""
        self.request.user = grant_user
        response_types = self.request.payload.response_type.split()
        params, code, access_token = [], None, None
        if "code" in response_types:
            code = self.generate_authorization_code()
            self.save_authorization_code(code, self.request)
            params.append(("code", code))
        ctx = self.token_context = self.build_context(grant_user, self.request.scope, "implicit")
        if "token" in response_types:
            token = issue_access_token(ctx, include_refresh_token=False)
            access_token = token["access_token"]
            params += list(token.items())
        # Cognito answers response_type=token with an ID token too when openid is granted.
        token_brings_id_token = ctx.flavor.token_response_includes_id_token and "openid" in ctx.scopes
        if "id_token" in response_types or (response_types == ["token"] and token_brings_id_token):
            params.append(("id_token", issue_id_token(ctx, access_token, code)))
        return params

    def create_authorization_response(self, redirect_uri, grant_user):
        return authorization_response(redirect_uri, self.create_granted_params(grant_user),
                                      response_mode(self.request), self.request.payload.state)


class ImplicitGrant(FrontChannelIssuance, IssuingGrant, oidc_grants.OpenIDImplicitGrant):
    """response_type `id_token` and `id_token token` (OIDC Core §3.2)."""


class TokenImplicitGrant(FrontChannelIssuance, IssuingGrant, grants.ImplicitGrant):
    """response_type `token`: the OAuth 2.0 implicit grant (RFC 6749 §4.2)."""


class HybridGrant(ImplicitGrant, oidc_grants.OpenIDHybridGrant):
    """response_type `code id_token`, `code token`, `code id_token token` (OIDC Core §3.3)."""

    def save_authorization_code(self, code, request):
        save_code(self, code, request)


class RefreshTokenGrant(IssuingGrant, grants.RefreshTokenGrant):
    """RFC 6749 §6, with the client's rotation as its persona says (personas/layout.RefreshRotation)."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    @property
    def rotation(self):
        return self.server.issuer.flavor.refresh_rotation_of(self.request.client.config)

    @property
    def INCLUDE_NEW_REFRESH_TOKEN(self) -> bool:  # noqa: N802 - authlib's name
        return self.rotation.new_token

    def authenticate_refresh_token(self, refresh_token):
        store = self.server.issuer.store
        row = store.find_refresh_token(refresh_token)
        record = TokenRecord(row, "refresh_token", self.server.issuer.now()) if row is not None else None
        invalid = with_case(InvalidGrantError(), "invalid_refresh_token")
        if record is None or row.issuer != self.server.issuer.key or not record.check_client(self.request.client):
            raise invalid
        # Revoked (the user's tokens ended) and expired are cases of their own (an expired one says
        # when it was issued and how long it lived), for the personas that word them apart.
        if row.revoked:
            raise with_case(InvalidGrantError(), "refresh_token_revoked")
        if record.is_expired():
            raise with_case(InvalidGrantError(), "refresh_token_expired", issued_at=str(row.issued_at),
                            lifetime=str(record.expires_at - row.issued_at))
        if not refresh.redeemable(store, row, self.rotation, self.server.issuer.now()):
            raise invalid  # a rotated token reused after its grace: the grant has ended
        return record

    def authenticate_user(self, refresh_token):
        row = refresh_token.row
        return end_user(self.server.issuer, row.username, row.auth_time, row.session_id)

    def generate_token(self, *args, **kwargs):
        token = super().generate_token(*args, **kwargs)
        rotation = self.rotation
        if not rotation.new_token and rotation.repeat_kept and "refresh_token" not in token:
            token["refresh_token"] = self.request.refresh_token.row.refresh_token  # Okta's persistent token
        return token

    def record_token(self, make_row) -> None:
        issuer = self.server.issuer
        if not refresh.record(issuer.store, self.request.refresh_token.row, make_row(), self.rotation, issuer.now()):
            raise with_case(InvalidGrantError(), "invalid_refresh_token")  # a concurrent reuse

    def revoke_old_credential(self, refresh_token):
        """Done by record_token; without rotation the same refresh token keeps working."""


class ClientCredentialsGrant(IssuingGrant, grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_CLIENT_AUTH

    def record_token(self, make_row) -> None:
        # No refresh token, code or user: introspection and revocation verify the signed token
        # and read its claims (tokens.unrecorded), so issuing it writes nothing, and its row (with
        # its hash and id: py-spy, 4.5% of this grant's CPU) is not even built. Only a token
        # signed in the second of a cutoff after it (a reset, its client's new secret) is
        # recorded: without a record, a token of that second counts as issued before the cutoff.
        issuer, ctx = self.server.issuer, self.token_context
        if ctx.now <= issuer.revoked_before(ctx.client.client_id):
            issuer.store.insert(make_row())


class PasswordGrant(IssuingGrant, grants.ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def authenticate_user(self, username, password):
        user = self.server.issuer.authenticate(username, password)
        if user is None:
            # RFC 6749 §5.2: wrong resource owner credentials are an invalid grant.
            raise InvalidGrantError(self.server.issuer.flavor.wrong_password_message)
        return EndUser(user, auth_time=self.server.issuer.now())


def save_code(grant, code: str, request) -> None:
    issuer = grant.server.issuer
    user: EndUser = request.user
    data = request.payload.data
    now = issuer.now()
    # A persona may run its token hooks as the user signs in (Cognito): their answer, for the
    # tokens the code brings. A failing hook raises HookFailure here: no code is issued.
    answers = issuer.flavor.hook_answers_at_sign_in(
        issuer, lambda: grant.build_context(user, request.scope, "authorization_code"))
    hook_answers = json.dumps(answers) if answers is not None else None
    issuer.store.insert(new_row(
        AuthorizationCode,
        code=code,
        issuer=issuer.key,
        client_id=request.client.client_id,
        username=user.config.username,
        redirect_uri=request.payload.redirect_uri,
        response_type=request.payload.response_type,
        scope=request.scope or "",
        nonce=data.get("nonce"),
        auth_time=user.auth_time,
        session_id=user.session_id,
        audience=getattr(request, "audience", None) or requested_audience(request),
        code_challenge=data.get("code_challenge"),
        code_challenge_method=data.get("code_challenge_method"),
        expires_at=now + issuer.flavor.lifetimes.authorization_code,
        hook_answers=hook_answers,
    ))


def replayed(store, code: str) -> InvalidGrantError:
    """RFC 6749 §4.1.2: a code used twice revokes every token it issued (refreshed ones too)."""
    store.revoke_tokens_from_code(code)
    return with_case(InvalidGrantError(), "code_replayed")


def end_user(issuer, username: str | None, auth_time: int | None, session_id: str | None):
    user = issuer.find_user(username or "")
    if user is None:
        return None
    return EndUser(user, auth_time=auth_time or issuer.now(), session_id=session_id)


class PKCE(CodeChallenge):
    def validate_code_verifier(self, grant, result):
        try:
            super().validate_code_verifier(grant, result)
        except InvalidGrantError as error:
            raise with_case(error, "code_verifier_mismatch") from None


def register_grants(server) -> None:
    server.register_grant(AuthorizationCodeGrant, [PKCE(required=True), IdTokenExtension()])
    server.register_grant(ImplicitGrant)
    server.register_grant(TokenImplicitGrant)
    server.register_grant(HybridGrant)
    server.register_grant(RefreshTokenGrant, [IdTokenExtension()])
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(PasswordGrant, [IdTokenExtension()])
