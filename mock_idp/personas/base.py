"""What a persona is: data (paths, lifetimes, discovery values) plus a few claim hooks, and what
it sees of the world: a tenant and one of its authorization servers (`TenantView`, `IssuerView`,
Protocols that `tenants.Tenant` and `tenants.Issuer` implement, so neither oauth/ nor the personas
import tenants) and the values a token's claims are built from (`TokenContext`).

The generic profile below is plain OpenID Connect; a vendor persona subclasses it and changes
data first, hooks second. Endpoints never ask which persona they serve.
"""

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Protocol

from .layout import (CLIENT_AUTH_METHODS, ClientAssertionRules, DeviceFlow, EndpointPaths, IssuerLayout, Lifetimes,
                     TokenExchangeRules)

if TYPE_CHECKING:
    from ..config import ClientConfig, GroupConfig, RoleConfig, TenantConfig, UserConfig
    from ..keys import KeyRing
    from ..oauth.errors import ErrorPage
    from ..oauth.shape import TokenShape
    from ..storage.store import Store


# OIDC Core §5.4: which standard claims each scope releases.
# ctx.extra's key for the hook answers an authorization code kept (Flavor.hook_answers_at_sign_in).
HOOK_ANSWERS = "hook_answers_at_sign_in"
STANDARD_SCOPE_CLAIMS = {
    "profile": (
        "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
    ),
    "email": ("email", "email_verified"),
    "address": ("address",),
    "phone": ("phone_number", "phone_number_verified"),
}
STANDARD_CLAIMS = frozenset(c for claims in STANDARD_SCOPE_CLAIMS.values() for c in claims)


# Token endpoint errors by case (oauth.errors.with_case); personas reword them in the vendor's words.
ERROR_DESCRIPTIONS = {
    "unknown_client": "There is no client with this client_id on this tenant.",
    "bad_client_secret": "Client authentication failed: the client secret is wrong.",
    "no_client_credentials": "Client authentication failed: no client credentials were sent.",
    "auth_method_not_registered": "Client authentication failed: the credentials were sent by a method this "
                                  "client is not registered for (its token_endpoint_auth_method).",
    "invalid_code": "The authorization code is invalid, expired, already used or issued to another client.",
    "redirect_uri_mismatch": "redirect_uri does not match the one of the authorization request.",
    "code_verifier_mismatch": "PKCE verification failed: the code_verifier does not match the code_challenge.",
    "invalid_refresh_token": "The refresh token is invalid, expired, revoked or issued to another client.",
}
# A case a persona may word more finely; one that does not gets its wording of the broader case.
BROADER_CASE = {"code_replayed": "invalid_code", "code_expired": "invalid_code",
                "refresh_token_revoked": "invalid_refresh_token", "refresh_token_expired": "invalid_refresh_token",
                "public_client_with_secret": "auth_method_not_registered"}


class TenantView(Protocol):
    """A tenant: one persona, its users and clients, its store, its public URL."""

    name: str
    url: str  # public URL of the tenant's root
    config: "TenantConfig"
    flavor: "Flavor"
    store: "Store"

    @property
    def groups(self) -> "dict[str, GroupConfig]":
        """The defined groups by name (precedence, role, description); members name them in their
        `groups` claim."""

    @property
    def roles(self) -> "dict[str, RoleConfig]":
        """The defined roles by name (Auth0: permissions on the tenant's APIs); users name them in
        their `roles`."""

    def find_user(self, username: str) -> "UserConfig | None": ...

    def find_client(self, client_id: str) -> "ClientConfig | None": ...

    def revoked_before(self, client_id: str) -> int:
        """The instant (its clock) before which the client's tokens without a record are dead."""

    def all_users(self) -> "Iterable[UserConfig]": ...

    def subject(self, user: "UserConfig") -> str: ...

    def now(self) -> int:
        """The tenant's clock in Unix seconds: real time plus its offset (admin API)."""

    def clock(self) -> float:
        """The same, with fractions of a second."""

    def next_token_shape(self, ctx: Any) -> "TokenShape":
        """How the next issued tokens are shaped: a defective-token scenario armed through the
        admin API (taken once), else as issued (oauth.shape.AS_ISSUED)."""

    def authenticate(self, username: str, password: str) -> "UserConfig | None": ...


class IssuerView(TenantView, Protocol):
    """One authorization server of a tenant: its `iss`, layout, keys and authlib server. The
    tenant's members (name, flavor, store, users, clients) are the issuer's too."""

    key: str  # names the issuer in storage, unique across the server
    issuer: str  # the `iss` value
    layout: IssuerLayout
    server: Any  # oauth.server.IssuerServer

    @property
    def keys(self) -> "KeyRing": ...

    def endpoint_url(self, name: str) -> str | None: ...

    def siblings(self) -> "list[IssuerView]":
        """The tenant's other authorization servers."""


@dataclass
class TokenContext:
    issuer: IssuerView
    client: "ClientConfig"
    user: "UserConfig | None"
    scopes: list[str]
    grant_type: str
    audience: Any = None  # str or list, as the persona resolved it
    nonce: str | None = None
    auth_time: int | None = None
    session_id: str | None = None
    now: int = 0  # 0: the tenant's clock at creation
    jti: str = ""
    access_token_lifetime: int = 3600
    extra: dict[str, Any] = field(default_factory=dict)
    # How the tokens differ from the flows' (admin mint, defective-token scenarios); None until
    # the first token of this issuance asks (tokens.shape_of).
    shape: "TokenShape | None" = None

    def __post_init__(self):
        if not self.now:
            self.now = self.issuer.now()

    @property
    def flavor(self):
        return self.issuer.flavor

    @property
    def subject(self) -> str:
        if self.user is None:
            return self.flavor.client_subject(self.client)
        return self.issuer.subject(self.user)


@dataclass(frozen=True)
class Flavor:
    name: str = "generic"
    label: str = "OpenID Connect (mock)"
    paths: EndpointPaths = field(default_factory=EndpointPaths)
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    scopes_supported: tuple[str, ...] = (
        "openid", "profile", "email", "address", "phone", "offline_access",
    )
    response_types_supported: tuple[str, ...] = (
        "code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token",
    )
    # response_type=token: an access token only (RFC 6749 §4.2), or an ID token too (Cognito).
    token_response_includes_id_token: bool = False
    grant_types_supported: tuple[str, ...] = (
        "authorization_code", "implicit", "refresh_token", "client_credentials", "password",
        "urn:ietf:params:oauth:grant-type:device_code",
    )
    token_endpoint_auth_methods_supported: tuple[str, ...] = CLIENT_AUTH_METHODS
    # What a confidential client whose seed names no token_endpoint_auth_method may use besides
    # client_secret_basic (RFC 7591 §2's default): Cognito app clients take the secret either way.
    unnamed_client_auth_methods: tuple[str, ...] = ()
    # Grant types a seed's grant type turns on too, as one box of the vendor's console does
    # (Auth0's "Password": password and password-realm).
    implied_grant_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # How private_key_jwt assertions are checked (when token_endpoint_auth_methods_supported has it).
    client_assertion: ClientAssertionRules = field(default_factory=ClientAssertionRules)
    # RFC 8693 token exchange; None: not served.
    token_exchange: TokenExchangeRules | None = field(default_factory=TokenExchangeRules)
    response_modes_supported: tuple[str, ...] = ("query", "fragment", "form_post")
    # What a tenant's keys may sign with (admin key rotation); the first is generated by default.
    signing_algorithms: tuple[str, ...] = ("RS256", "ES256")
    # JOSE `typ` headers: RFC 9068 §2.1 for access tokens; some vendors send "JWT" or nothing.
    access_token_typ: str | None = "at+jwt"
    id_token_typ: str | None = "JWT"
    # The vendor's discovery members, in its order; None publishes everything we serve.
    discovery_keys: tuple[str, ...] | None = None
    # Okta and Auth0 issue refresh tokens only when offline_access is granted.
    refresh_requires_offline_access: bool = False
    # OAuth 2.1 §4.3.1 rotation: each refresh returns a new refresh token and retires the old.
    rotate_refresh_tokens: bool = True
    # Auth0's /oauth/token also takes a JSON body.
    token_endpoint_accepts_json: bool = False
    # Query parameters that name where to go after logout, in order of preference.
    logout_redirect_params: tuple[str, ...] = ("post_logout_redirect_uri",)
    wrong_password_message: str = "Invalid username or password."
    # Sign-in and the directory find "Alice" for "alice" (docs/vendors.md, "Usernames"). Every
    # persona compares usernames in NFC (config/fields.py).
    case_insensitive_usernames: bool = False
    discovery_extras: dict[str, Any] = field(default_factory=dict)
    # None: no device flow (then the paths name no device_authorization_endpoint either).
    device_flow: DeviceFlow | None = field(default_factory=DeviceFlow)
    # Vendor authorization parameters kept through the login page (oauth.authorize lists the RFCs').
    extra_authorization_parameters: tuple[str, ...] = ()
    # The vendor's words for token endpoint errors, by case (see ERROR_DESCRIPTIONS).
    error_descriptions: dict[str, str] = field(default_factory=dict)
    # The authorization endpoint's errors shown on the page (oauth.errors.ErrorPage), by case
    # ("unknown_client", "unregistered_redirect_uri"); {client_id}, {redirect_uri}, {tenant} filled in.
    page_error_descriptions: dict[str, str] = field(default_factory=dict)
    # Vendor-only APIs: modules of the persona's folder ("okta.authn"), each a router mounted
    # under the tenant (personas/vendor_api.py).
    vendor_apis: tuple[str, ...] = ()
    # The seed's vendor-only tenant keys the persona serves ("saml_apps"); the others are refused.
    seed_keys: tuple[str, ...] = ()
    # Grant types the token endpoint takes besides the RFC ones: modules of the persona's folder
    # ("auth0.password_realm"), each defining GRANT, an authlib grant class.
    vendor_grants: tuple[str, ...] = ()
    # The authorization request parameter that carries a one-time sign-in token from a vendor API
    # (Okta's sessionToken): redeemed, it signs the user in without the login page.
    signin_token_param: str | None = None
    # The access token claim naming its client (RFC 9068 §2.2 `client_id`; Okta `cid`, Auth0
    # `azp`): a client_credentials token has no record, introspection reads its client from it.
    client_id_claim: str = "client_id"
    # RFC 7009 §2: may the revocation endpoint end an access token? (Auth0's revokes refresh tokens only.)
    revokes_access_tokens: bool = True
    # The seed's hooks this persona calls while issuing tokens ("triggers", "token_inline_hook");
    # a seed naming another is refused where it is written (config/models.py).
    seed_hooks: tuple[str, ...] = ()
    # The one-line settings of the SDKs people point at this persona, shown on the tenant page;
    # {issuer}, {client_id}, {jwks_uri} and {audience} are filled in.
    sdk_settings: tuple[str, ...] = ("Any OpenID Connect client: issuer '{issuer}', client id '{client_id}'",)

    def __post_init__(self):
        # The device endpoint is served when the paths name it, and it reads device_flow: keep the
        # two together, so a persona without a device flow cannot advertise one.
        if (self.device_flow is None) != (self.paths.device_authorization_endpoint is None):
            raise ValueError(f"flavor {self.name!r}: device_flow and the device_authorization_endpoint "
                             "path must be set (or left out) together")

    # -- layout -----------------------------------------------------------------------------
    def issuers(self, tenant_key: str, tenant_url: str, config: "TenantConfig") -> list[IssuerLayout]:
        """The tenant's authorization servers. Generic: one, at the tenant's URL."""
        return [IssuerLayout(key=tenant_key, issuer=tenant_url, prefix="", paths=self.paths)]

    def with_lifetimes(self, overrides) -> "Flavor":
        if overrides is None:
            return self
        changes = {k: v for k, v in overrides.model_dump().items() if v is not None}
        return replace(self, lifetimes=replace(self.lifetimes, **changes))

    def token_exchange_rules(self, layout: IssuerLayout) -> TokenExchangeRules | None:
        """Whether (and how) this authorization server exchanges tokens (RFC 8693)."""
        return self.token_exchange

    # -- discovery (OIDC Discovery §3, RFC 8414 §2) -----------------------------------------------
    def claims_supported(self, issuer: IssuerView) -> list[str]:
        claims = {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "azp", "sid"}
        claims |= STANDARD_CLAIMS
        for user in issuer.all_users():
            claims |= set(user.claims)
        return sorted(claims)

    def discovery(self, issuer: IssuerView) -> dict[str, Any]:
        doc = {
            "issuer": issuer.issuer,
            "authorization_endpoint": issuer.endpoint_url("authorization_endpoint"),
            "token_endpoint": issuer.endpoint_url("token_endpoint"),
            "userinfo_endpoint": issuer.endpoint_url("userinfo_endpoint"),
            "jwks_uri": issuer.endpoint_url("jwks_uri"),
            "scopes_supported": list(self.scopes_supported),
            "response_types_supported": list(self.response_types_supported),
            "response_modes_supported": list(self.response_modes_supported),
            "grant_types_supported": list(self.grant_types_supported) + self.listed_exchange(issuer),
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": list(self.signing_algorithms),
            "token_endpoint_auth_methods_supported": list(self.token_endpoint_auth_methods_supported),
            "claims_supported": self.claims_supported(issuer),
            "code_challenge_methods_supported": ["S256", "plain"],
            "introspection_endpoint": issuer.endpoint_url("introspection_endpoint"),
            "introspection_endpoint_auth_methods_supported": list(self.token_endpoint_auth_methods_supported),
            "revocation_endpoint": issuer.endpoint_url("revocation_endpoint"),
            "revocation_endpoint_auth_methods_supported": list(self.token_endpoint_auth_methods_supported),
            "end_session_endpoint": issuer.endpoint_url("end_session_endpoint"),
            "device_authorization_endpoint": issuer.endpoint_url("device_authorization_endpoint"),
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,  # OIDC Discovery §3: true when left out
            "claims_parameter_supported": False,
        }
        if "private_key_jwt" in self.token_endpoint_auth_methods_supported and self.client_assertion.list_algorithms:
            doc["token_endpoint_auth_signing_alg_values_supported"] = list(self.client_assertion.algorithms)
        doc.update(self.discovery_extras)
        if self.discovery_keys is not None:
            doc = {k: doc.get(k) for k in self.discovery_keys}
        # Advertise only what is served.
        return {k: v for k, v in doc.items() if v is not None}

    def listed_exchange(self, issuer: IssuerView) -> list[str]:
        rules = self.token_exchange_rules(issuer.layout)
        return ["urn:ietf:params:oauth:grant-type:token-exchange"] if rules and rules.listed_in_discovery else []

    def authorization_server_metadata(self, issuer: IssuerView, discovery: dict[str, Any]) -> dict[str, Any]:
        """The RFC 8414 document (/.well-known/oauth-authorization-server). Generic: the same."""
        return discovery

    def client_seed_problems(self, tenant: "TenantConfig", client: "ClientConfig") -> list[tuple[tuple, str]]:
        """What the persona's own client keys (seed_keys) ask of the tenant that it lacks, as
        [(key path below the client, message)]: for the seed (file:line:key) and the admin API."""
        return []

    # -- identities ---------------------------------------------------------------------------
    def subject(self, tenant: TenantView, user: "UserConfig") -> str:
        """A stable `sub`: the configured one, else derived from tenant and username."""
        if user.sub:
            return user.sub
        return derived_subject(tenant.name, user.username)

    def client_subject(self, client: "ClientConfig") -> str:
        """`sub` of a client_credentials token (RFC 9068 §2.2: the client itself)."""
        return client.client_id

    def granted_scopes(self, issuer: IssuerView, client: "ClientConfig", requested: list[str],
                       audience, grant_type: str | None, user: "UserConfig | None" = None) -> list[str]:
        """The scopes a token is issued with (`user`: whose token, None for a client's own).
        Generic: what was asked (and allowed)."""
        return requested

    def resolve_audience(self, issuer: IssuerView, client: "ClientConfig", requested: str | None,
                         grant_type: str | None = None):
        """The resource an access token is for (raise an OAuthError to refuse the request).

        Generic: the requested resource, else the authorization server's audience, else the client.
        """
        return requested or issuer.layout.audience or client.client_id

    # -- claims -------------------------------------------------------------------------------
    def user_claims(self, ctx: TokenContext) -> dict[str, Any]:
        """The user's claims released by the granted scopes (OIDC Core §5.4).

        Custom claims ride on `profile`, so a seeded `department` reaches the client without
        extra set-up.
        """
        if ctx.user is None:
            return {}
        granted = set(ctx.scopes)
        released = {}
        profile = {**self.user_defaults(ctx.user), **ctx.user.claims}
        for claim, value in profile.items():
            if claim in STANDARD_CLAIMS:
                if any(claim in STANDARD_SCOPE_CLAIMS[s] for s in granted & STANDARD_SCOPE_CLAIMS.keys()):
                    released[claim] = value
            elif "profile" in granted:
                released[claim] = value
        if "profile" in granted:
            released.setdefault("preferred_username", ctx.user.username)
        return released

    def user_defaults(self, user: "UserConfig") -> dict[str, Any]:
        """Claims the vendor's user profiles always carry, under the seeded ones."""
        return {}

    def may_sign_in(self, user: "UserConfig") -> bool:
        """Whether a user with the right password gets in (the login page, the password grants):
        not when a management API disabled them."""
        return user.enabled

    def check_user_access(self, issuer: IssuerView, client: "ClientConfig", user: "UserConfig",
                          scopes: list[str], channel: str) -> None:
        """Whether a signed-in user may have tokens for this client and scopes (Entra's user
        assignment). `channel` says where a refusal goes: "page" (the authorization endpoint or
        the device verification page, shown to the person: raise an ErrorPage), "redirect" (the authorization endpoint with
        prompt=none) or "token" (the token endpoint): raise an OAuthError. Generic: anyone may."""

    def id_token_claims(self, ctx: TokenContext) -> dict[str, Any]:
        claims = {
            "iss": ctx.issuer.issuer,
            "sub": ctx.subject,
            "aud": ctx.client.client_id,
            "iat": ctx.now,
            "exp": ctx.now + self.lifetimes.id_token,
            "auth_time": ctx.auth_time,
            "azp": ctx.client.client_id,
        }
        if ctx.session_id:
            claims["sid"] = ctx.session_id
        return {**self.user_claims(ctx), **claims}

    def access_token_claims(self, ctx: TokenContext) -> dict[str, Any]:
        """RFC 9068 §2.2 claims."""
        claims = {
            "iss": ctx.issuer.issuer,
            "sub": ctx.subject,
            "aud": ctx.audience,
            "client_id": ctx.client.client_id,
            "iat": ctx.now,
            "exp": ctx.now + ctx.access_token_lifetime,
            "jti": ctx.jti,
            "scope": " ".join(ctx.scopes),
        }
        if ctx.auth_time is not None:
            claims["auth_time"] = ctx.auth_time
        if ctx.user is not None and "groups" in ctx.user.claims:
            claims["groups"] = ctx.user.claims["groups"]
        return claims

    def userinfo_claims(self, ctx: TokenContext) -> dict[str, Any]:
        return {"sub": ctx.subject, **self.user_claims(ctx)}

    def calls_hooks(self, issuer: "IssuerView") -> bool:
        """Whether issuing at `issuer` may call the user's code (hooks.py): the endpoints then
        issue in a worker thread, so the event loop never waits on it."""
        return False

    def hook_answers_at_sign_in(self, issuer: IssuerView, context: "Callable[[], TokenContext]") -> Any:
        """An authorization code is being issued at `issuer`; `context()` builds the TokenContext
        of the tokens its redemption brings. The answers of the token hooks this persona runs at
        sign-in rather than at the token endpoint (a HookFailure fails the sign-in), as JSON-able
        data kept with the code and found again in `ctx.extra[HOOK_ANSWERS]` at redemption.
        None: nothing is kept (the default: hooks run when the tokens are issued)."""
        return None

    def refresh_allowed(self, ctx: TokenContext) -> bool:
        """Does this grant come with a refresh token? (Okta and Auth0: only with offline_access.)"""
        if "refresh_token" not in ctx.client.grant_types or ctx.user is None:
            return False
        return "offline_access" in ctx.scopes or not self.refresh_requires_offline_access

    def introspection_claims(self, payload: dict[str, Any], row, user: "UserConfig | None") -> dict[str, Any]:
        """RFC 7662 §2.2 response; personas add their own members."""
        return payload

    def token_response_members(self, ctx: TokenContext, params: dict[str, str]) -> dict[str, Any]:
        """Vendor members of a successful token response, given the request's parameters."""
        return {}

    def jwks_bytes(self, issuer: IssuerView) -> bytes:
        """The JWKS document an authorization server serves (the tenant's keys)."""
        return issuer.keys.jwks_bytes

    def token_endpoint_response(self, status: int, body: dict) -> tuple[int, dict]:
        """The token endpoint's JSON as the vendor shapes it (success and errors alike)."""
        return status, body

    def access_token_lifetime(self, ctx: TokenContext) -> int:
        return self.lifetimes.access_token

    def new_jti(self, kind: str) -> str:
        return uuid.uuid4().hex

    # -- errors ---------------------------------------------------------------------------------
    def error_description(self, case: str) -> str | None:
        broader = BROADER_CASE.get(case, case)
        return (self.error_descriptions.get(case) or self.error_descriptions.get(broader)
                or ERROR_DESCRIPTIONS.get(case) or ERROR_DESCRIPTIONS.get(broader))

    def error_values(self, case: str, values: dict[str, str]) -> dict[str, str]:
        """A case's particulars as the vendor writes them in its words (dates, durations)."""
        return values

    def page_error(self, error: "ErrorPage") -> "ErrorPage":
        """An authorization error shown on the page (never redirected), in the vendor's words:
        `page_error_descriptions` by the error's case, filled with its values."""
        template = self.page_error_descriptions.get(error.case or "")
        if template:
            error.description = template.format(**error.values)
        return error

    def check_authorization_scopes(self, issuer: IssuerView, scopes: list[str]) -> None:
        """The vendor's refusals of an authorization request's scopes (an OAuthError, redirected)."""

    def authorization_error_body(self, body: list[tuple[str, str]], data: dict) -> list[tuple[str, str]]:
        """An error redirected to the client (RFC 6749 §4.1.2.1) as the vendor words it; `data`
        is the authorization request."""
        return body

    def unknown_route(self, path: str) -> tuple[int, dict[str, Any]] | None:
        """(status, JSON body) for an unknown path under the tenant; None means a plain 404."""
        return None


@functools.lru_cache(maxsize=4096)
def derived_subject(tenant: str, username: str) -> str:
    """The generic persona's `sub`: a UUID5 of tenant and username (kept: it is asked per token)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mock-idp:{tenant}:{username}"))
