"""The seed file's pydantic models (unknown keys forbidden, rules local to one object)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (BaseModel, ConfigDict, PrivateAttr, ValidationInfo, field_validator, model_serializer,
                      model_validator)

from .errors import issue_at, suggestion
from .fields import (AuthMethod, GrantType, HandlerName, HookUrl, HttpsOrHttpUrl, NonEmptyStr, Origin, RedirectUri,
                     ResponseType, Seconds, Username, WholeNumber, certificate_key, check_public_jwks)
from .saml_fields import AbsoluteUrl, Certificate, NameIdFormat, PathSegment, Regex, SignWhat
from .fields import normalise_path, tenant_path


class SeedModel(BaseModel):
    # A misspelt key would otherwise be ignored silently and its default used instead.
    model_config = ConfigDict(extra="forbid")


class TokenInlineHookConfig(SeedModel):
    """A token hook of an authorization server: `url` gets each token's request by POST."""

    url: HookUrl
    headers: dict[str, str] = {}


class PreTokenGenerationConfig(SeedModel):
    """A pre-token-generation trigger: a URL speaking the Lambda Invoke API, or a Python handler."""

    version: Literal["V1_0", "V2_0", "V3_0"] = "V1_0"
    url: HookUrl | None = None
    handler: HandlerName | None = None

    @model_validator(mode="after")
    def _one_target(self) -> PreTokenGenerationConfig:
        if (self.url is None) == (self.handler is None):
            raise ValueError("give exactly one of url (the Lambda Invoke API) and handler (module:function)")
        return self


class TriggersConfig(SeedModel):
    pre_token_generation: PreTokenGenerationConfig | None = None


# The hooks a tenant may run, by name (the seed's key, and the admin API's name for it).
HOOK_MODELS: dict[str, type[SeedModel]] = {"pre_token_generation": PreTokenGenerationConfig,
                                           "token_inline_hook": TokenInlineHookConfig}


class AuthorizationServerConfig(SeedModel):
    id: NonEmptyStr
    audience: str | None = None
    name: str | None = None
    token_inline_hook: TokenInlineHookConfig | None = None

    @model_validator(mode="after")
    def _default_audience(self) -> AuthorizationServerConfig:
        # Okta's own convention: the "default" server's audience is "api://default".
        if self.audience is None:
            self.audience = f"api://{self.id}"
        return self


class ApiConfig(SeedModel):
    identifier: NonEmptyStr
    name: str | None = None
    scopes: list[str] = []
    permissions: list[str] = []
    token_lifetime: Seconds | None = None
    # Auth0's resource-server settings, by their Management API names: `enforce_policies` is "Enable
    # RBAC" (a user's token gets only the requested scopes their roles grant); `token_dialect`
    # access_token_authz is "Add Permissions in the Access Token" (a `permissions` claim).
    enforce_policies: bool = False
    token_dialect: Literal["access_token", "access_token_authz"] = "access_token"
    # Entra: the API's service principal requires an app role assignment (appRoleAssignmentRequired):
    # a daemon granted none of its roles gets no token (AADSTS501051) instead of one without `roles`,
    # and a user not assigned to it (the client of the same application id lists who is) none (AADSTS50105).
    app_role_assignment_required: bool = False

    @model_validator(mode="before")
    @classmethod
    def _auth0_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "rbac" in data:
            # The key of earlier mock_idp versions: say what Auth0 calls it.
            raise issue_at("Auth0 calls it enforce_policies: true (Enable RBAC), with token_dialect: "
                           "access_token_authz for the `permissions` claim", "rbac")
        if isinstance(data, dict) and str(data.get("token_dialect", "")).startswith("rfc9068_profile"):
            raise issue_at("the RFC 9068 token profile is not served: use access_token or access_token_authz",
                           "token_dialect")
        return data

    @model_validator(mode="after")
    def _permissions_need_rbac(self) -> ApiConfig:
        # Auth0 offers "Add Permissions in the Access Token" only once RBAC is enabled (docs/vendors.md 6d).
        if self.token_dialect == "access_token_authz" and not self.enforce_policies:
            raise issue_at("access_token_authz adds the RBAC permissions claim: it needs enforce_policies: true",
                           "token_dialect")
        return self


class TokenLifetimes(SeedModel):
    access_token: Seconds | None = None
    id_token: Seconds | None = None
    refresh_token: Seconds | None = None
    authorization_code: Seconds | None = None
    device_code: Seconds | None = None


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
    # Okta, Auth0: refresh token rotation of the app (docs/vendors.md, "Refresh token rotation,
    # per vendor"); Cognito: the app client's RefreshTokenRotation. Unset: the vendor's default.
    refresh_token: RefreshTokenConfig | None = None
    refresh_token_rotation: RefreshTokenRotationConfig | None = None
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


class UserConfig(SeedModel):
    username: Username  # NFC, no invisible characters (fields.normalise_username)
    password: str
    sub: str | None = None
    claims: dict[str, Any] = {}
    permissions: list[str] | None = None
    # Auth0: the database connection the user belongs to (the `realm` of password-realm, the
    # `connection` of /dbconnections/*).
    connection: NonEmptyStr = "Username-Password-Authentication"
    # Kept by the vendors' management APIs (a seed may set them too). A disabled user signs in
    # nowhere (Cognito AdminDisableUser, Okta suspend/deactivate, Auth0 `blocked`); `status` is the
    # vendor's lifecycle word (Cognito FORCE_CHANGE_PASSWORD, Okta STAGED...), unset for a seeded user.
    enabled: bool = True
    roles: list[str] = []  # Auth0: names of the tenant's roles the user has
    status: str | None = None
    confirmation_code: str | None = None  # a pending sign-up's code (Cognito ConfirmSignUp)
    created_at: int | None = None  # Unix seconds, for users made at run time
    updated_at: int | None = None


class GroupConfig(SeedModel):
    """A group of the tenant's users: members name it in their `groups` claim. Cognito's groups
    have a precedence and an IAM role; Okta's an id and a description."""

    name: NonEmptyStr
    description: str | None = None
    precedence: int | None = None
    role_arn: str | None = None
    id: str | None = None
    created_at: int | None = None
    updated_at: int | None = None


class SigningKeyConfig(SeedModel):
    """The key a tenant signs with, for deterministic tests: a PEM or JWK file (a path relative to
    the seed file's folder)."""

    pem_file: NonEmptyStr | None = None
    jwk_file: NonEmptyStr | None = None
    kid: NonEmptyStr | None = None

    @model_validator(mode="after")
    def _one_file(self) -> SigningKeyConfig:
        if (self.pem_file is None) == (self.jwk_file is None):
            raise ValueError("give exactly one of pem_file and jwk_file")
        return self


class GroupAttributeConfig(SeedModel):
    """Okta's group filter ("Matches regex"): the user's groups, the built-in Everyone included,
    whose whole name matches `filter`, released as `name` (a SAML app's group attribute statement,
    the tenant's groups claim)."""

    name: NonEmptyStr = "groups"
    filter: Regex = ".*"


class SamlAppConfig(SeedModel):
    """A SAML 2.0 application (service provider) of the tenant, with Okta's knobs (docs/saml.md)."""

    app_id: PathSegment  # the IdP entityID is http://www.okta.com/<app_id>
    name: PathSegment  # the app's name in its URLs: /app/<name>/<app_id>/sso/saml
    sp_entity_id: NonEmptyStr  # the Audience of the assertions
    acs_url: AbsoluteUrl  # where the Response is posted: Recipient and Destination
    slo_url: AbsoluteUrl | None = None  # where the LogoutResponse is posted
    sp_certificate: Certificate | None = None  # set: AuthnRequests and LogoutRequests must be signed by it
    name_id_format: NameIdFormat = "unspecified"
    name_id: NonEmptyStr | None = None  # the user claim that is the NameID (default: the login)
    sign: SignWhat = "both"  # Okta signs the response and the assertion unless told otherwise
    attributes: dict[NonEmptyStr, NonEmptyStr] = {}  # attribute name -> the user claim it carries
    group_attribute: GroupAttributeConfig | None = None


class RolePermissionConfig(SeedModel):
    api: NonEmptyStr  # an API's identifier (Auth0: resource_server_identifier)
    permission: NonEmptyStr


class RoleConfig(SeedModel):
    """Auth0: a role, its permissions on the tenant's APIs; users name it in their `roles`."""

    name: NonEmptyStr
    id: str | None = None
    description: str | None = None
    permissions: list[RolePermissionConfig] = []
    created_at: int | None = None
    updated_at: int | None = None


# Tenant keys only some personas serve (Flavor.seed_keys), and what they are called in errors.
VENDOR_KEYS = {"saml_apps": "SAML apps", "api_tokens": "API tokens", "roles": "roles",
               "groups_claim": "groups claim filter"}
# Client keys only some personas serve (also named in Flavor.seed_keys).
VENDOR_CLIENT_KEYS = {"application_permissions": "application permissions",
                      "app_role_assignment_required": "user assignment",
                      "app_role_assigned_to": "user assignment",
                      "refresh_token": "per-application refresh token rotation",
                      "refresh_token_rotation": "app client refresh token rotation"}


class TenantConfig(SeedModel):
    path: str | None = None
    flavor: str = "generic"  # a persona of mock_idp/personas/
    tenant_id: str | None = None  # the vendor's own id of the tenant (a directory GUID), if it has one
    display_name: str | None = None
    authorization_server: str | None = None
    authorization_servers: list[AuthorizationServerConfig] = []
    apis: list[ApiConfig] = []
    claims_namespace: str | None = None
    region: str | None = None
    token_lifetimes: TokenLifetimes | None = None
    # Origins whose browser apps may call discovery, JWKS, token, userinfo and revocation (CORS);
    # unset: the origins of the clients' redirect URIs; ["*"]: any.
    cors_origins: list[Origin] | None = None
    # Okta: the org's API tokens (`Authorization: SSWS <token>` on /api/v1/users and /api/v1/groups).
    api_tokens: list[NonEmptyStr] = []
    # Okta: the tokens' groups claim and its filter; unset, the claim is the user's `groups` as listed.
    groups_claim: GroupAttributeConfig | None = None
    clients: list[ClientConfig] = []
    users: list[UserConfig] = []
    groups: list[GroupConfig] = []
    roles: list[RoleConfig] = []
    signing_key: SigningKeyConfig | None = None
    saml_apps: list[SamlAppConfig] = []  # served by the personas that have SAML apps (Okta)
    triggers: TriggersConfig | None = None

    @field_validator("path")
    @classmethod
    def _normalise_path(cls, path: str | None) -> str | None:
        return None if path is None else normalise_path(path)

    @field_validator("flavor")
    @classmethod
    def _known_flavor(cls, flavor: str, info: ValidationInfo) -> str:
        # The persona names come from the caller (the registry in personas/ sits above config/).
        known = sorted(info.context["personas"])
        if flavor not in known:
            raise ValueError(f"unknown flavor {flavor!r}{suggestion(flavor, known)} "
                             f"(expected one of: {', '.join(known)})")
        return flavor

    @model_validator(mode="after")
    def _persona_serves_vendor_keys(self, info: ValidationInfo) -> TenantConfig:
        # A vendor-only key (SAML apps, API tokens, roles, a token hook) on a persona that does not
        # serve it would be ignored silently: refuse it where it is written.
        personas = info.context["personas"]

        def serves(flavor: str, key: str) -> bool:
            persona = personas.get(flavor) if isinstance(personas, dict) else None
            return persona is None or key in persona.seed_keys + persona.seed_hooks

        used = [(key, (key,), f"the {self.flavor} persona serves no {what} (personas that do: {{able}})")
                for key, what in VENDOR_KEYS.items() if getattr(self, key)]
        hook = f"flavor {self.flavor!r} runs no {{key}}{{only}}"
        if self.triggers and self.triggers.pre_token_generation:
            used.append(("pre_token_generation", ("triggers", "pre_token_generation"), hook))
        used += [("token_inline_hook", ("authorization_servers", index, "token_inline_hook"), hook)
                 for index, server in enumerate(self.authorization_servers) if server.token_inline_hook]
        for key, at, message in used:
            if not serves(self.flavor, key):
                able = ", ".join(sorted(name for name in personas if serves(name, key)))
                raise issue_at(message.format(key=key, able=able, only=f" (only {able})" if able else ""), *at)
        return self

    @model_validator(mode="after")
    def _clients_fit_the_persona(self, info: ValidationInfo) -> TenantConfig:
        for index, client in enumerate(self.clients):
            for at, message in client_problems(self, client, info.context["personas"]):
                raise issue_at(message, "clients", index, *at)
        return self


def client_problems(tenant: TenantConfig, client: ClientConfig, personas) -> list[tuple[tuple, str]]:
    """What a client asks of its tenant's persona and APIs that they do not have, as
    [(key path below the client, message)]: the seed's check and the admin directory's."""
    persona = personas.get(tenant.flavor) if isinstance(personas, dict) else None
    if persona is None:
        return []
    problems = []
    for key, what in VENDOR_CLIENT_KEYS.items():
        if getattr(client, key) and key not in persona.seed_keys:
            able = ", ".join(sorted(name for name, other in personas.items() if key in other.seed_keys))
            problems.append(((key,), f"the {tenant.flavor} persona serves no {what} (personas that do: {able})"))
    # A private_key_jwt client on a persona without it (Cognito) could never authenticate: named
    # where the method, or the keys implying it, are written.
    if (client.token_endpoint_auth_method == "private_key_jwt"
            and "private_key_jwt" not in persona.token_endpoint_auth_methods_supported):
        key = "token_endpoint_auth_method" if not client._method_implied else next(
            key for key in ("jwks", "jwks_uri", "certificates") if getattr(client, key))
        able = ", ".join(sorted(name for name, other in personas.items()
                                if "private_key_jwt" in other.token_endpoint_auth_methods_supported))
        problems.append(((key,), f"the {tenant.flavor} persona does not take private_key_jwt client assertions "
                                 f"(supported: {', '.join(persona.token_endpoint_auth_methods_supported)}; "
                                 f"personas that do: {able})"))
    # The persona's own rules for its keys (Entra: application permissions, user assignment).
    problems += persona.client_seed_problems(tenant, client)
    return problems


class SeedConfig(SeedModel):
    tenants: dict[str, TenantConfig]

    @field_validator("tenants")
    @classmethod
    def _at_least_one_tenant(cls, tenants: dict[str, TenantConfig]) -> dict[str, TenantConfig]:
        if not tenants:
            raise ValueError("at least one tenant is required")
        return tenants

    @model_validator(mode="after")
    def _default_paths(self) -> SeedConfig:
        # The default needs the tenant's name, which only the enclosing mapping knows.
        for name, tenant in self.tenants.items():
            if tenant.path is None:
                try:
                    tenant.path = tenant_path(name, None)
                except ValueError:
                    raise issue_at(f"tenant name {name!r} is not usable as a URL path; "
                                   "set 'path'", "tenants", name) from None
        return self
