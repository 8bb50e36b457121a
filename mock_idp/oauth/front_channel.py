"""Tokens back through the browser: implicit (RFC 6749 §4.2, OIDC Core §3.2) and hybrid (OIDC Core §3.3)."""

from authlib.oauth2.rfc6749 import grants
from authlib.oidc.core import grants as oidc_grants

from .authorization_code import save_code
from .issuing import IssuingGrant
from .responses import authorization_response, response_mode
from .tokens import issue_access_token, issue_id_token


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
                                      response_mode(self.request), self.request.payload.state,
                                      self.server.issuer.flavor.post_message)


class ImplicitGrant(FrontChannelIssuance, IssuingGrant, oidc_grants.OpenIDImplicitGrant):
    """response_type `id_token` and `id_token token` (OIDC Core §3.2)."""


class TokenImplicitGrant(FrontChannelIssuance, IssuingGrant, grants.ImplicitGrant):
    """response_type `token`: the OAuth 2.0 implicit grant (RFC 6749 §4.2)."""


class HybridGrant(ImplicitGrant, oidc_grants.OpenIDHybridGrant):
    """response_type `code id_token`, `code token`, `code id_token token` (OIDC Core §3.3)."""

    def save_authorization_code(self, code, request):
        save_code(self, code, request)
