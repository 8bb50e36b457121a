"""A tenant's clients (RFC 6749 §2, RFC 7591 metadata names), with their vendors' per-client settings."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_serializer, model_validator

from .base import SeedModel
from .errors import issue_at
from .fields import (AuthMethod, GrantType, HttpsOrHttpUrl, NonEmptyStr, Origin, RedirectUri, ResponseType,
                     WholeNumber, certificate_key, check_public_jwks)


class RefreshTokenConfig(SeedModel):
    """Okta's and Auth0's per-application refresh token setting, as their APIs name it
    (`refresh_token`): `rotation_type` (Okta ROTATE or STATIC; Auth0 rotating or non-rotating) and
    `leeway`, the seconds a rotated token may still be used. The persona checks the values."""

    rotation_type: NonEmptyStr
    leeway: WholeNumber(ge=0) | None = None


class RefreshTokenRotationConfig(SeedModel):
    """Cognito's app client RefreshTokenRotation (CreateUserPoolClient, CloudFormation)."""

    feature: Literal["ENABLED", "DISABLED"]
    retry_grace_period_seconds: WholeNumber(ge=0, le=60) = 0


class ClientGrantConfig(SeedModel):
    """Auth0: a client grant written as an object (a list is its scopes alone): its scopes and its
    machine-to-machine access to organizations (`organization_usage`, unset deny;
    `allow_any_organization`; `organizations`, the names or ids the grant is associated with)."""

    scopes: list[NonEmptyStr] = []
    organization_usage: Literal["deny", "allow", "require"] | None = None
    allow_any_organization: bool = False
    organizations: list[NonEmptyStr] = []


class DefaultOrganizationConfig(SeedModel):
    """Auth0: the organization a client_credentials request without `organization` gets where the
    API's grant requires one (the client's `default_organization`)."""

    organization_id: NonEmptyStr  # an organization's id or, in the seed, its name
    flows: list[Literal["client_credentials"]] = ["client_credentials"]


class AppRoleAssignmentConfig(SeedModel):
    """Entra: one row of an enterprise application's "Users and groups" (Graph's appRoleAssignment:
    principalId, appRoleId): a principal given "Default Access", written as the principal alone,
    or one of the app's roles, which the user or the group's direct members get in `roles`."""

    principal: NonEmptyStr  # a user's UPN or object id, a group's object id
    app_role: NonEmptyStr | None = None  # the role's value, as the `roles` claim carries it

    @model_validator(mode="before")
    @classmethod
    def _principal_alone(cls, data: Any) -> Any:
        return {"principal": data} if isinstance(data, str) else data

    @model_serializer(mode="wrap")
    def _as_written(self, handler) -> Any:
        return self.principal if self.app_role is None else handler(self)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler) -> dict[str, Any]:
        # Documents (the admin API's OpenAPI) say both forms are accepted.
        return {"anyOf": [{"type": "string", "minLength": 1, "description": "a principal given Default Access"},
                          handler(core_schema)]}


# Auth0's back-channel logout initiators (Management API `oidc_logout.backchannel_logout_initiators`):
# the events whose session end sends logout tokens, with `mode: custom` (docs/vendors.md,
# "Back-channel and front-channel logout").
BackchannelInitiator = Literal["rp-logout", "idp-logout", "password-changed", "session-expired", "session-revoked",
                               "account-deleted", "email-identifier-changed", "mfa-phone-unenrolled",
                               "account-deactivated"]


class BackchannelLogoutInitiatorsConfig(SeedModel):
    mode: Literal["custom", "all"]
    selected_initiators: list[BackchannelInitiator] = []


class OidcLogoutConfig(SeedModel):
    """Auth0's application setting `oidc_logout` (OpenID Connect Back-Channel Logout 1.0): where its
    logout tokens go ("Currently only one URL is allowed"), and for which session ends."""

    backchannel_logout_urls: list[HttpsOrHttpUrl] = Field(default=[], max_length=1)
    backchannel_logout_initiators: BackchannelLogoutInitiatorsConfig | None = None


class ClientConfig(SeedModel):
    client_id: NonEmptyStr
    client_secret: NonEmptyStr | None = None
    name: str | None = None
    redirect_uris: list[RedirectUri] = []
    post_logout_redirect_uris: list[RedirectUri] = []
    grant_types: list[GrantType] = ["authorization_code", "refresh_token"]
    response_types: list[ResponseType] = ["code"]
    token_endpoint_auth_method: AuthMethod | None = None
    scopes: list[str] | None = None
    audience: str | None = None
    # Auth0: the client's grant on the Management API (`read:users`, `create:users`...), for
    # client_credentials tokens with audience `<tenant URL>/api/v2/`.
    management_scopes: list[str] = []
    # Auth0: the application's Allowed Web Origins, the only origins its web_message page (silent
    # authentication in auth0-spa-js's hidden iframe) posts to; unset, those of its redirect URIs.
    web_origins: list[Origin] = []
    # Auth0: the application's Allowed Origins (CORS). With web_origins and the redirect URIs'
    # origins (callbacks count), the pages that may call /oauth/token, /userinfo, /oauth/revoke
    # from the browser; any other Origin gets 401 at /oauth/token (docs/vendors.md, "CORS allow-lists").
    allowed_origins: list[Origin] = []
    # Auth0: the client grants of other APIs, {<API identifier>: [scopes]}: a client with them gets
    # client_credentials tokens for those APIs and scopes only (personas/auth0/client_grants.py).
    # A grant is its scopes, or {scopes, organization_usage, allow_any_organization, organizations}.
    client_grants: dict[str, list[NonEmptyStr] | ClientGrantConfig] | None = None
    default_organization: DefaultOrganizationConfig | None = None
    # Auth0: the Application Login URI, the route of the application that starts a login (the link
    # of an organization invitation: ?invitation=...&organization=...&organization_name=...).
    initiate_login_uri: HttpsOrHttpUrl | None = None
    # Auth0: the application's organization behavior (Organizations tab; Management API names):
    # whether /authorize takes `organization=` (deny, the default; allow; require) and, when an
    # organization is required but not sent, what the person sees (personas/auth0/organizations.py).
    organization_usage: Literal["deny", "allow", "require"] | None = None
    organization_require_behavior: Literal["no_prompt", "pre_login_prompt", "post_login_prompt"] | None = None
    # private_key_jwt (RFC 7523 §2.2): the client's public keys, inline or where it publishes them.
    jwks: dict[str, Any] | None = None
    jwks_uri: HttpsOrHttpUrl | None = None
    # ...or X.509 certificates (PEM), matched by the assertion's x5t / x5t#S256 (RFC 7515 §4.1.7-8).
    certificates: list[NonEmptyStr] = []
    # Entra: the app roles (an API's `permissions`) granted to this client application, by the API's
    # identifier, as "API permissions > Application permissions" with admin consent: the `roles` of
    # its app-only (client_credentials) tokens for that API.
    application_permissions: dict[NonEmptyStr, list[NonEmptyStr]] = {}
    # Entra: the enterprise application (service principal) signs in only the users assigned to it,
    # directly or through a group ("Assignment required?": appRoleAssignmentRequired; AADSTS50105);
    # app_role_assigned_to lists them (UPN or object id) and the groups (object id), as its
    # "Users and groups" page does, each with "Default Access" or, as {principal, app_role}, a role
    # of the app; a user's `roles` claim for the app is an assignment too.
    app_role_assignment_required: bool = False
    app_role_assigned_to: list[AppRoleAssignmentConfig] = []
    # Entra: the app registration's redirect URIs are of the "Single-page application" platform (the
    # manifest's spa.redirectUris): its codes and refresh tokens are redeemed from the browser only,
    # cross-origin (AADSTS9002327 otherwise); those of any other platform never are (AADSTS9002326).
    single_page_app: bool = False
    # Entra: the app registration's "Front-channel logout URL" (manifest `logoutUrl`), loaded in a
    # hidden iframe of the sign-out page with `?sid=` (OpenID Connect Front-Channel Logout 1.0's
    # registration name).
    frontchannel_logout_uri: HttpsOrHttpUrl | None = None
    # Okta, Auth0: refresh token rotation of the app (docs/vendors.md, "Refresh token rotation,
    # per vendor"); Cognito: the app client's RefreshTokenRotation. Unset: the vendor's default.
    refresh_token: RefreshTokenConfig | None = None
    refresh_token_rotation: RefreshTokenRotationConfig | None = None
    # Auth0: OIDC Back-Channel Logout (the application's "Back-Channel Logout URI" and initiators).
    oidc_logout: OidcLogoutConfig | None = None
    # Whether private_key_jwt came from the keys rather than the seed's word (for errors' keys).
    _method_implied: bool = PrivateAttr(default=False)

    @property
    def has_keys(self) -> bool:
        return self.jwks is not None or self.jwks_uri is not None or bool(self.certificates)

    @property
    def is_public(self) -> bool:
        return self.client_secret is None and not self.has_keys

    @property
    def auth_method_named(self) -> bool:
        """Whether the seed names the method: only a named one restricts a persona that accepts several."""
        return "token_endpoint_auth_method" in self.model_fields_set

    @model_validator(mode="after")
    def _resolve_auth_method(self) -> ClientConfig:
        method = self.token_endpoint_auth_method
        if self.jwks is not None and self.jwks_uri is not None:
            raise issue_at("give the client's keys once: 'jwks' or 'jwks_uri', not both", "jwks_uri")
        if self.jwks is not None:
            try:
                check_public_jwks(self.jwks)
            except ValueError as error:
                raise issue_at(str(error), "jwks") from None
        for index, pem in enumerate(self.certificates):
            try:
                certificate_key(pem)
            except ValueError as error:
                raise issue_at(str(error), "certificates", index) from None
        if method is None and self.has_keys and self.client_secret is None:
            self.token_endpoint_auth_method = "private_key_jwt"
            self._method_implied = True
        elif method is None:
            self.token_endpoint_auth_method = "none" if self.is_public else "client_secret_basic"
            # A default, not the seed's word: stays unset, also through the directory's round trips.
            self.model_fields_set.discard("token_endpoint_auth_method")
        elif method == "private_key_jwt" and not self.has_keys:
            raise issue_at("private_key_jwt needs the client's public keys: add 'jwks' (inline) "
                           "or 'jwks_uri'", "token_endpoint_auth_method")
        elif method == "private_key_jwt":
            pass
        elif self.is_public and method != "none":
            # RFC 6749 §2.1: a public client has no credentials to authenticate with.
            raise issue_at(f"public client (no client_secret) cannot use {method!r}; "
                           "add a client_secret or use 'none'", "token_endpoint_auth_method")
        elif not self.is_public and method == "none":
            raise issue_at("'none' is for public clients, but a client_secret is set; "
                           "remove the secret or pick client_secret_basic/post",
                           "token_endpoint_auth_method")
        return self
