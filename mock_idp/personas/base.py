"""What a persona is: data (paths, lifetimes, discovery values: persona_data.py) plus a few hooks,
here. What it sees of the world (`TenantView`, `IssuerView`, `TokenContext`) is in views.py, so
neither oauth/ nor the personas import tenants. The generic hooks' bodies: provider_metadata.py
(discovery), oidc_claims.py (claims); standard_claims.py, error_words.py hold their tables.

The generic profile below is plain OpenID Connect; a vendor persona subclasses it and changes
data first, hooks second. Endpoints never ask which persona they serve.
"""

import functools
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable

from . import cors, oidc_claims, provider_metadata
from .error_words import BROADER_CASE, ERROR_DESCRIPTIONS
from .layout import IssuerLayout, RefreshRotation, TokenExchangeRules
from .password_change import PasswordChangeRefused
from .persona_data import PersonaData
from .views import IssuerView, TenantView, TokenContext

if TYPE_CHECKING:
    from ..config import ApiConfig, ClientConfig, TenantConfig, UserConfig
    from ..oauth.errors import ErrorPage, OAuthError


# ctx.extra's key for the hook answers an authorization code kept (Flavor.hook_answers_at_sign_in).
HOOK_ANSWERS = "hook_answers_at_sign_in"
# ctx.extra's key for what the persona kept of the authorization request (Flavor.authorization_context).
AUTHORIZATION_CONTEXT = "authorization_context"


@dataclass(frozen=True)
class Flavor(PersonaData):
    """A persona: its data (persona_data.py) and the hooks below, which a vendor persona overrides."""

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
        return provider_metadata.claims_supported(issuer)

    def discovery(self, issuer: IssuerView) -> dict[str, Any]:
        return provider_metadata.document(self, issuer)

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

    def api_seed_words(self, written: dict[str, Any]) -> list[tuple[tuple, str]]:
        """Keys or values of one of the seed's `apis`, as written, that the vendor calls otherwise
        or mock_idp does not serve, as [(key path below the API, message)]: said in the vendor's
        words before the generic check ("unknown key") would."""
        return []

    def api_seed_problems(self, api: "ApiConfig") -> list[tuple[tuple, str]]:
        """What the persona's rules say of one of the seed's `apis` once its keys are valid, as
        [(key path below the API, message)]."""
        return []

    # -- identities ---------------------------------------------------------------------------
    def subject(self, tenant: TenantView, user: "UserConfig") -> str:
        """A stable `sub`: the configured one, else derived from tenant and username."""
        if user.sub:
            return user.sub
        return derived_subject(tenant.name, user.username)

    def token_issuers(self, issuer: IssuerView) -> tuple[str, ...]:
        """The `iss` values of the access tokens this issuer signs (a vendor may have more than one)."""
        return (issuer.issuer,)

    def token_client_id(self, claims: dict[str, Any]) -> Any:
        """The client an access token was issued to, from its claims (`client_id_claim`)."""
        return claims.get(self.client_id_claim)

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
        return oidc_claims.user_claims(self, ctx)

    def user_defaults(self, user: "UserConfig") -> dict[str, Any]:
        """Claims the vendor's user profiles always carry, under the seeded ones."""
        return {}

    def may_sign_in(self, user: "UserConfig") -> bool:
        """Whether a user with the right password gets in (the login page, the password grants):
        not when a management API disabled them."""
        return user.enabled

    def begin_password_change(self, tenant: TenantView, user: "UserConfig") -> str | None:
        """After the right password on the hosted sign-in page: the vendor's transaction (a token
        the page keeps in its form) when it asks this user for a new password first (Okta's
        PASSWORD_EXPIRED), else None: the user signs in (if `may_sign_in`). Words: `password_change`."""
        return None

    def complete_password_change(self, tenant: TenantView, token: str, new_password: str) -> "UserConfig":
        """The new password of the transaction `token`: the user, changed and free to sign in; or
        raise personas.password_change.PasswordChangeRefused in the vendor's words."""
        raise PasswordChangeRefused(self.password_change.expired if self.password_change else "", over=True)

    def check_user_access(self, issuer: IssuerView, client: "ClientConfig", user: "UserConfig",
                          scopes: list[str], channel: str) -> None:
        """Whether a signed-in user may have tokens for this client and scopes (Entra's user
        assignment). `channel` says where a refusal goes: "page" (the authorization endpoint or
        the device verification page, shown to the person: raise an ErrorPage), "redirect" (the authorization endpoint with
        prompt=none) or "token" (the token endpoint): raise an OAuthError. Generic: anyone may."""

    def authorization_context(self, issuer: IssuerView, client: "ClientConfig", data: dict[str, str],
                              user: "UserConfig | None") -> dict[str, Any] | None:
        """What the persona keeps of an authorization request (`data`) for every token of the grant
        it starts, refreshed ones too (Auth0's organization), as JSON-able data found again in
        `ctx.extra[AUTHORIZATION_CONTEXT]`. Asked before the person signs in (`user` None: refuse
        what needs no user) and once they have; raise an OAuthError (redirected) to refuse.
        None: nothing is kept (the default)."""
        return None

    def token_request_context(self, issuer: IssuerView, client: "ClientConfig", data: dict[str, str],
                              audience: str | None, grant_type: str) -> dict[str, Any] | None:
        """What the persona keeps, as authorization_context does, of a token request that redeems
        no grant (client_credentials: Auth0's `organization`); raise an OAuthError to refuse.
        None: nothing (the default)."""
        return None

    def id_token_claims(self, ctx: TokenContext) -> dict[str, Any]:
        return oidc_claims.id_token_claims(self, ctx)

    def access_token_claims(self, ctx: TokenContext) -> dict[str, Any]:
        """RFC 9068 §2.2 claims."""
        return oidc_claims.access_token_claims(self, ctx)

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

    def refresh_rotation_of(self, client: "ClientConfig") -> RefreshRotation:
        """The client's refresh token rotation: the vendor's per-client setting, else its default."""
        return self.refresh_rotation

    def introspection_claims(self, payload: dict[str, Any], row, user: "UserConfig | None") -> dict[str, Any]:
        """RFC 7662 §2.2 response; personas add their own members."""
        return payload

    def token_response_members(self, ctx: TokenContext, params: dict[str, str]) -> dict[str, Any]:
        """Vendor members of a successful token response, given the request's parameters."""
        return {}

    def jwks_bytes(self, issuer: IssuerView) -> bytes:
        """The JWKS document an authorization server serves (the tenant's keys)."""
        return issuer.keys.jwks_bytes

    def published_kid(self, row) -> str:
        """The kid a signing key (storage.models.SigningKey) is published and named by."""
        return row.kid

    def token_header(self, issuer: IssuerView, claims: dict[str, Any]) -> dict[str, Any]:
        """JOSE header parameters a token carries besides alg, kid and typ (RFC 7515 §4.1)."""
        return {}

    def userinfo_error(self, case: str, error: "OAuthError") -> "OAuthError":
        """A refusal of the UserInfo endpoint as the vendor answers it. `case`: "no_token", "malformed"
        (not a Bearer header, the token in two places), "invalid_token" (unknown, expired, revoked),
        "not_access_token" (a live JWT of the issuer that is no access token: an ID token),
        "no_end_user" (a client's own token), "no_openid". Generic: `error`, RFC 6750 §3.1's."""
        return error

    def token_endpoint_response(self, status: int, body: dict, request_headers) -> tuple[int, dict]:
        """The token endpoint's JSON as the vendor shapes it (success and errors alike);
        `request_headers` are the request's (an error may quote the client's request id)."""
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

    def refresh_token_expires_at(self, ctx: TokenContext, previous: int | None) -> int:
        """When a new refresh token expires; `previous` is the expiry of the one redeemed for it (None
        for a grant's first). By default each lasts the persona's lifetime from its issue."""
        return ctx.now + self.lifetimes.refresh_token

    def refresh_expired_case(self, client: "ClientConfig") -> str:
        """The case of an expired refresh token's error (Entra words a SPA's fixed lifetime apart)."""
        return "refresh_token_expired"

    def check_token_origin(self, issuer: IssuerView, client: "ClientConfig", grant_type: str,
                           origin: str | None) -> None:
        """The vendor's refusal (an OAuthError) of a token request by where it comes from: `origin` is
        the request's Origin header, which a browser sends and a server does not (Entra's SPA
        platform; Auth0's origins not allowed). Before anything is issued, rotated or consumed.
        Generic: an origin the client does not allow (cors_origins) is refused, 403 access_denied.
        The tenant's own origin is allowed: its token page's callback is every client's redirect
        URI (oauth.clients.BUILTIN_CALLBACK_PATH), and the page redeems from there."""
        if origin is not None and not cors.allows(self, issuer.config, client, origin) \
                and origin.rstrip("/").lower() != cors.origin_of(issuer.url):
            raise cors.origin_not_allowed(origin, client)

    def redeemed_from_browser(self, client: "ClientConfig") -> bool:
        """Whether the client's codes are redeemed only by a browser's cross-origin request (Entra's
        single-page application platform), so the token page redeems them with its own Origin."""
        return False

    def cors_origins(self, tenant: "TenantConfig", client: "ClientConfig") -> set[str]:
        """The origins whose pages may read this client's answers (token, userinfo, revocation,
        introspection, logout; personas/cors.py), lower-cased, "*" for any. Generic: the origins
        of its redirect and logout redirect URIs, where its pages are."""
        return cors.origins([*client.redirect_uris, *client.post_logout_redirect_uris])

    def web_message_origins(self, client: "ClientConfig") -> list[str] | None:
        """The origins a post-message page may post to for this client; None: those of its
        redirect URIs (oauth.authorize), so any registered redirect URI's page gets its answer."""
        return None

    def post_message(self, mode: str, params: dict[str, str]) -> dict[str, Any]:
        """What the page of a post-message mode (`post_message_modes`) sends: by default the shape of
        the OAuth 2.0 Web Message Response Mode draft (draft-sakimura-oauth-wmrm-00 §4.1)."""
        return {"type": "authorization_response", "response": params}

    def backchannel_logout_urls(self, client: "ClientConfig", initiator: str | None) -> tuple[str, ...]:
        """Where `client` is sent a logout token when a session it signed in through ends
        (OpenID Connect Back-Channel Logout 1.0 §2.5), by `initiator`: "rp-logout" (the logout
        endpoint), "session-revoked" (the admin API ends a user's sessions), None (any). None by default:
        only a vendor that has back-channel logout (Auth0) names any (docs/vendors.md)."""
        return ()

    def frontchannel_logout_url(self, client: "ClientConfig", sid: str | None) -> str | None:
        """The URL the sign-out page loads in a hidden iframe for `client`, which signed in through
        the session `sid` ends (OpenID Connect Front-Channel Logout 1.0 §2-3; None: the URL without
        its parameters, asked to know whether it has one). None by default (Entra has them)."""
        return None

    def tells_of_logout(self, client: "ClientConfig") -> bool:
        """Is `client` told when a session it signs in through ends (back- or front-channel)?"""
        return bool(self.backchannel_logout_urls(client, None) or self.frontchannel_logout_url(client, None))

    def unknown_route(self, path: str) -> tuple[int, dict[str, Any]] | None:
        """(status, JSON body) for an unknown path under the tenant; None means a plain 404."""
        return None


@functools.lru_cache(maxsize=4096)
def derived_subject(tenant: str, username: str) -> str:
    """The generic persona's `sub`: a UUID5 of tenant and username (kept: it is asked per token)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mock-idp:{tenant}:{username}"))
