"""The ID token in token responses: authlib's OpenIDCode extension, following OIDC Core §3.1.3.3."""

from authlib.oidc.core import grants as oidc_grants

from .tokens import issue_id_token


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
