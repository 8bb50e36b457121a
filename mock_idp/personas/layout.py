"""What a persona's data is made of: endpoint paths, authorization-server layouts, lifetimes,
the device flow, and the client authentication methods a seeded client can use (plain data that
the protocol layer, the personas and the run-time classes all read; it imports nothing of theirs).
"""

from dataclasses import dataclass

DISCOVERY_PATHS = ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")

# OIDC Discovery §3 token_endpoint_auth_methods_supported values a seeded client can use (one
# definition for the token, device, introspection and revocation endpoints and discovery).
CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
# Grants without a user (client_credentials) are for confidential clients only.
CONFIDENTIAL_CLIENT_AUTH = ("client_secret_basic", "client_secret_post", "private_key_jwt")


@dataclass(frozen=True)
class EndpointPaths:
    """Endpoint paths relative to an authorization server's route prefix."""

    authorization_endpoint: str = "/authorize"
    token_endpoint: str = "/token"
    userinfo_endpoint: str = "/userinfo"
    jwks_uri: str = "/jwks"
    introspection_endpoint: str | None = "/introspect"
    revocation_endpoint: str | None = "/revoke"
    end_session_endpoint: str | None = "/logout"
    device_authorization_endpoint: str | None = "/device_authorization"
    login: str = "/login"
    extra_logout: tuple[str, ...] = ()  # more paths served by the logout endpoint
    discovery: tuple[str, ...] = DISCOVERY_PATHS


@dataclass(frozen=True)
class IssuerLayout:
    """One authorization server of a tenant: its `iss`, where its routes live, its audience."""

    key: str  # unique across the server; names the issuer in storage
    issuer: str
    prefix: str  # route prefix, relative to the server root ("" for the root)
    paths: EndpointPaths
    audience: str | None = None  # default `aud` of access tokens
    name: str | None = None


@dataclass(frozen=True)
class Lifetimes:
    access_token: int = 3600
    id_token: int = 3600
    refresh_token: int = 30 * 24 * 3600
    authorization_code: int = 600
    device_code: int = 600
    signin_token: int = 300  # a vendor API's one-time proof of sign-in (Okta's sessionToken)
    session: int = 24 * 3600  # the SSO session behind the login cookie


@dataclass(frozen=True)
class RefreshRotation:
    """What a refresh grant does with the refresh token it redeems (docs/vendors.md, "Refresh
    token rotation, per vendor"). The default is OAuth 2.1 §4.3.1 rotation with RFC 9700 §4.14.2
    reuse detection."""

    # A new refresh token in each refresh answer.
    new_token: bool = True
    # With a new one, the redeemed token dies (rotation); False: it stays valid until it expires or
    # is revoked (Entra ID).
    retire_used: bool = True
    # Seconds a retired token may still be redeemed (a client retrying a lost answer); after that a
    # reuse revokes the grant (RFC 9700 §4.14.2). Okta: 30 s by default; Auth0: 0.
    reuse_grace: int = 0
    # Within the grace, only the token just rotated (whose successor is unused) may be redeemed
    # again; an older one is a reuse (Auth0: "Only the previous token can be reused").
    reuse_previous_only: bool = False
    # Without a new one, the answer repeats the kept token (Okta's persistent token) or has none
    # (Cognito, Auth0's non-rotating tokens).
    repeat_kept: bool = False
    # The new token lives only as long as the one it replaces had left (Cognito's rotation).
    inherit_expiry: bool = False


ROTATE = RefreshRotation()
KEEP = RefreshRotation(new_token=False)


@dataclass(frozen=True)
class DeviceFlow:
    """RFC 8628 as the vendor runs it: where the user goes, what the codes look like, and what
    polling answers."""

    verification_path: str = "/device"  # under the tenant, shared by its authorization servers
    interval: int = 5
    # RFC 8628 §6.1: base-20 consonants avoid look-alike characters and accidental words.
    user_code_alphabet: str = "BCDFGHJKLMNPQRSTVWXZ"
    user_code_length: int = 8
    user_code_group: int = 4  # a dash every N characters; 0 for none
    pending_message: str = "The authorization request is still pending."
    slow_down_message: str = "Polling too fast: wait {interval} seconds between requests."
    expired_message: str = "The device_code has expired."
    denied_message: str = "The user denied the authorization request."
    denied_error: str = "access_denied"  # RFC 8628 §3.5; Entra says authorization_declined
    invalid_message: str = "The device_code is invalid, expired or already used."


@dataclass(frozen=True)
class ClientAssertionRules:
    """How the vendor checks a private_key_jwt client assertion (RFC 7523 §3, OIDC Core §9)."""

    # JWS algorithms accepted (and listed as token_endpoint_auth_signing_alg_values_supported).
    algorithms: tuple[str, ...] = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                   "ES256", "ES384", "ES512")
    # Which `aud` values are accepted: "issuer", "token_endpoint", and "endpoint" (the URL of the
    # endpoint called: token, introspection, revocation, device authorization).
    audiences: tuple[str, ...] = ("issuer", "token_endpoint", "endpoint")
    max_lifetime: int = 3600  # seconds `exp` may lie ahead of now
    jti_required: bool = True
    reject_replay: bool = True  # a jti seen before is refused
    # A client with several keys must name one (`kid`); else the key type of `alg` picks (RFC 7515
    # §4.1.4 makes kid optional).
    kid_required_with_many_keys: bool = False
    list_algorithms: bool = True  # whether discovery lists them (Okta's does not)


@dataclass(frozen=True)
class TokenExchangeRules:
    """RFC 8693 token exchange as the vendor runs it."""

    # A requested scope must lie within the subject token's (down-scoping only), or any scope the
    # client may have (Okta: the target authorization server's policy decides).
    scope_within_subject: bool = True
    scope_required: bool = False
    audience_required: bool = False
    listed_in_discovery: bool = True
    # Subject and actor tokens of the tenant's other authorization servers are taken too (Okta:
    # between custom authorization servers of one org).
    from_sibling_servers: bool = False
