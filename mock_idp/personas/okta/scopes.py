"""The scopes an Okta authorization server grants, and its refusals (docs/vendors.md, "Okta scopes").

A custom authorization server grants its system scopes and the custom scopes its seed defines
(`authorization_servers[].scopes`); the org authorization server grants the OpenID Connect scopes
and Okta's own API scopes (okta.*), never a custom one. No server gives a client_credentials
token an OpenID Connect scope: there is no end user.
"""

from ...oauth.errors import InvalidScopeError

# A custom authorization server's system scopes (its discovery document lists exactly these).
SYSTEM_SCOPES = ("openid", "profile", "email", "address", "phone", "offline_access", "device_sso")
# The org authorization server's, besides okta.*: the system scopes and `groups`.
ORG_SCOPES = SYSTEM_SCOPES + ("groups",)
# The scopes about an end user, refused with client_credentials.
OIDC_SCOPES = ("openid", "profile", "email", "address", "phone", "groups")

NOT_CONFIGURED = "One or more scopes are not configured for the authorization server resource."
CUSTOM_AT_ORG = "Custom scopes are not allowed for this request."
OIDC_WITH_CLIENT_CREDENTIALS = "Client Credentials requests cannot contain OpenID scopes."


def defined(issuer) -> tuple[str, ...]:
    """The scopes a custom authorization server defines: its system ones and its seed's."""
    server = next((s for s in issuer.config.authorization_servers if s.id == issuer.layout.name), None)
    return SYSTEM_SCOPES + tuple(server.scopes if server else ())


def check(issuer, requested: list[str], grant_type: str | None) -> None:
    """Raise Okta's invalid_scope for a scope the server does not define or the grant may not have."""
    if issuer.layout.name is None:
        if any(scope not in ORG_SCOPES and not scope.startswith("okta.") for scope in requested):
            raise InvalidScopeError(CUSTOM_AT_ORG)
    elif any(scope not in defined(issuer) for scope in requested):
        raise InvalidScopeError(NOT_CONFIGURED)
    if grant_type == "client_credentials" and any(scope in OIDC_SCOPES for scope in requested):
        raise InvalidScopeError(OIDC_WITH_CLIENT_CREDENTIALS)
