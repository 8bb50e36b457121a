"""The client_credentials grant (RFC 6749 §4.4): a token for the client itself, recorded only near a cutoff."""

from authlib.oauth2.rfc6749 import grants

from .issuing import IssuingGrant
from ..personas.layout import CONFIDENTIAL_CLIENT_AUTH


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
