"""The refresh_token grant (RFC 6749 §6), rotating as the client's persona says (refresh.py)."""

from authlib.oauth2.rfc6749 import grants

from . import refresh
from .clients import TokenRecord
from .errors import InvalidGrantError, with_case
from .issuing import IssuingGrant, end_user
from ..personas.layout import CLIENT_AUTH_METHODS


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
            case = self.server.issuer.flavor.refresh_expired_case(self.request.client.config)
            raise with_case(InvalidGrantError(), case, issued_at=str(row.issued_at),
                            lifetime=str(record.expires_at - row.issued_at))
        if not refresh.redeemable(store, row, self.rotation, self.server.issuer.now()):
            raise invalid  # a rotated token reused after its grace: the grant has ended
        return record

    def _validate_token_scope(self, token):
        # RFC 6749 §6: "MUST NOT include any scope not originally granted", unless the persona's
        # refresh tokens are multi-resource (the new scopes are then checked as any request's).
        if not self.server.issuer.flavor.refresh_any_scope:
            super()._validate_token_scope(token)

    def authenticate_user(self, refresh_token):
        row = refresh_token.row
        user = end_user(self.server.issuer, row.username, row.auth_time, row.session_id)
        if user is not None and not self.server.issuer.flavor.may_sign_in(user.config):
            # Disabled since (blocked, deactivated, suspended): its refresh tokens get nothing more.
            raise with_case(InvalidGrantError(), "user_blocked")
        return user

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
