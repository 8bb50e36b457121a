"""The grants every issuer's server registers, with their extensions (RFC 6749 §4, §6; OIDC Core §3)."""

from .authorization_code import PKCE, AuthorizationCodeGrant
from .client_credentials import ClientCredentialsGrant
from .front_channel import HybridGrant, ImplicitGrant, TokenImplicitGrant
from .id_token import IdTokenExtension
from .password import PasswordGrant
from .refresh_token import RefreshTokenGrant


def register_grants(server) -> None:
    # The device grant, token exchange and a persona's own grants: server.py, where configured.
    server.register_grant(AuthorizationCodeGrant, [PKCE(required=True), IdTokenExtension()])
    server.register_grant(ImplicitGrant)
    server.register_grant(TokenImplicitGrant)
    server.register_grant(HybridGrant)
    server.register_grant(RefreshTokenGrant, [IdTokenExtension()])
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(PasswordGrant, [IdTokenExtension()])
