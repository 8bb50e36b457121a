"""The authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636): codes saved, redeemed once."""

import json

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge

from ..storage.models import AuthorizationCode, new_row
from .clients import CodeRecord, EndUser
from .errors import InvalidGrantError, with_case
from .issuing import IssuingGrant, end_user, requested_audience
from .responses import authorization_response, response_mode
from ..personas.layout import CLIENT_AUTH_METHODS


class AuthorizationCodeGrant(IssuingGrant, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def create_authorization_response(self, redirect_uri, grant_user):
        self.request.user = grant_user
        code = self.generate_authorization_code()
        self.save_authorization_code(code, self.request)
        return authorization_response(redirect_uri, [("code", code)], response_mode(self.request),
                                      self.request.payload.state, self.server.issuer.flavor.post_message)

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
        authorization_context=kept_context(request),
    ))


def kept_context(request) -> str | None:
    context = getattr(request, "authorization_context", None)
    return json.dumps(context) if context is not None else None


def replayed(store, code: str) -> InvalidGrantError:
    """RFC 6749 §4.1.2: a code used twice revokes every token it issued (refreshed ones too)."""
    store.revoke_tokens_from_code(code)
    return with_case(InvalidGrantError(), "code_replayed")


class PKCE(CodeChallenge):
    def validate_code_verifier(self, grant, result):
        try:
            super().validate_code_verifier(grant, result)
        except InvalidGrantError as error:
            raise with_case(error, "code_verifier_mismatch") from None
