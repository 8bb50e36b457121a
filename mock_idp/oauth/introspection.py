"""RFC 7662 introspection and RFC 7009 revocation, over the issued-token records."""

from authlib.oauth2.rfc7009 import RevocationEndpoint as _Revocation
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _Introspection

from .clients import TokenRecord
from .tokens import find_access_token
from ..personas import layout


def find_token(issuer, token: str, hint: str | None) -> TokenRecord | None:
    """Look a token up as the hint says, then the other way (RFC 7009 §2.1). A token whose
    client is gone (deleted through the admin API) is no token of the issuer's any more."""
    kinds = ["refresh_token", "access_token"] if hint == "refresh_token" else ["access_token", "refresh_token"]
    for kind in kinds:
        if kind == "access_token":
            found = find_access_token(issuer, token)
            record = TokenRecord(found[0], kind, issuer.now(), claims=found[1]) if found is not None else None
        else:
            row = issuer.store.find_refresh_token(token)
            record = TokenRecord(row, kind, issuer.now()) if row is not None and row.issuer == issuer.key else None
        if record is not None:
            return record if issuer.find_client(record.row.client_id) is not None else None
    return None


class IntrospectionEndpoint(_Introspection):
    CLIENT_AUTH_METHODS = layout.CLIENT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return find_token(self.server.issuer, token_string, token_type_hint)

    def check_permission(self, token, client, request):
        # Any client of the tenant may introspect (resource servers are clients here too).
        return True

    def introspect_token(self, token: TokenRecord):
        row, issuer = token.row, self.server.issuer
        payload = {
            "active": True,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "scope": row.scope,
            "client_id": row.client_id,
            "iss": issuer.issuer,
            "iat": row.issued_at,
            "exp": token.expires_at,
        }
        if token.kind == "access_token":
            if "jti" in token.claims:
                payload["jti"] = token.claims["jti"]
            if row.audience:
                payload["aud"] = row.audience.split(" ") if " " in row.audience else row.audience
        user = issuer.find_user(row.username or "")
        if user is not None:
            payload["username"] = user.username
            payload["sub"] = issuer.subject(user)
        else:
            payload["sub"] = issuer.flavor.client_subject(issuer.find_client(row.client_id))
        return issuer.flavor.introspection_claims(payload, row, user)


class RevocationEndpoint(_Revocation):
    CLIENT_AUTH_METHODS = layout.CLIENT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return find_token(self.server.issuer, token_string, token_type_hint)

    def revoke_token(self, token: TokenRecord, request):
        store = self.server.issuer.store
        if token.kind == "refresh_token":
            # Revoking a refresh token ends the grant: its access token too (RFC 7009 §2.1).
            store.revoke_grant(token.row.grant_id)
        elif self.server.issuer.flavor.revokes_access_tokens:
            store.revoke_token(token.row.token_hash, token.row.issuer, token.row.access_expires_at)
