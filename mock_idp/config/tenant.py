"""A tenant: its settings, keys and parts, checked against what its persona serves (docs/configuration.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ModelWrapValidatorHandler, ValidationInfo, field_validator, model_validator

from .apis import ApiConfig, AuthorizationServerConfig
from .base import TENANT_PERSONA, SeedModel
from .clients import ClientConfig
from .errors import issue_at, suggestion
from .fields import GRANT_TYPES, NonEmptyStr, Origin, Seconds, normalise_path
from .hooks import TriggersConfig
from .saml_apps import GroupAttributeConfig, SamlAppConfig
from .users import GroupConfig, OrganizationConfig, RoleConfig, UserConfig


class TokenLifetimes(SeedModel):
    access_token: Seconds | None = None
    id_token: Seconds | None = None
    refresh_token: Seconds | None = None
    authorization_code: Seconds | None = None
    device_code: Seconds | None = None

class TrustedOriginConfig(SeedModel):
    """An Okta Trusted Origin (its Trusted Origins API's object: name, origin, scopes by type)."""

    name: str | None = None
    origin: Origin
    scopes: list[Literal["CORS", "REDIRECT", "IFRAME_EMBED"]] = Field(min_length=1)


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

# Tenant keys only some personas serve (Flavor.seed_keys), and what they are called in errors.
VENDOR_KEYS = {"saml_apps": "SAML apps", "api_tokens": "API tokens", "roles": "roles",
               "groups_claim": "groups claim filter", "authorization_server": "named authorization server",
               "authorization_servers": "custom authorization servers", "trusted_origins": "trusted origins",
               "organizations": "organizations",
               "allow_organization_name_in_authentication_api": "organization names in the Authentication API"}
# Client keys only some personas serve (also named in Flavor.seed_keys).
VENDOR_CLIENT_KEYS = {"management_scopes": "management API grant", "client_grants": "client grants",
                      "web_origins": "allowed web origins",
                      "allowed_origins": "allowed origins (CORS)",
                      "application_permissions": "application permissions",
                      "app_role_assignment_required": "user assignment",
                      "app_role_assigned_to": "user assignment",
                      "single_page_app": "the single-page application platform",
                      "refresh_token": "per-application refresh token rotation",
                      "refresh_token_rotation": "app client refresh token rotation",
                      "organization_usage": "organizations", "organization_require_behavior": "organizations",
                      "default_organization": "organizations", "initiate_login_uri": "application login URI",
                      "oidc_logout": "OIDC back-channel logout",
                      "frontchannel_logout_uri": "front-channel logout"}
# API keys only some personas serve (also named in Flavor.seed_keys): refused when written.
VENDOR_API_KEYS = {"enforce_policies": "RBAC", "token_dialect": "token dialects",
                   "app_role_assignment_required": "user assignment",
                   "access_token_version": "access token versions"}


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
    # Origins whose browser apps may call discovery, JWKS, token, userinfo, revocation, introspection
    # and logout (CORS), for every client alike; ["*"]: any. Unset: the persona's allow-lists
    # (Flavor.cors_origins: Auth0's Allowed Origins, Okta's trusted origins, ...; personas/cors.py).
    cors_origins: list[Origin] | None = None
    # Okta: the org's Trusted Origins (Security > API > Trusted Origins); those of type CORS may call
    # its OAuth endpoints from the browser. Unset: its apps' redirect URIs' origins, as the Admin
    # Console adds an SPA's (docs/vendors.md, "CORS allow-lists").
    trusted_origins: list[TrustedOriginConfig] | None = None
    # Okta: the org's API tokens (`Authorization: SSWS <token>` on /api/v1/users and /api/v1/groups).
    api_tokens: list[NonEmptyStr] = []
    # Okta: the tokens' groups claim and its filter; unset, the claim is the user's `groups` as listed.
    groups_claim: GroupAttributeConfig | None = None
    clients: list[ClientConfig] = []
    users: list[UserConfig] = []
    groups: list[GroupConfig] = []
    roles: list[RoleConfig] = []
    # Auth0: organizations and their members; the tenant setting that lets /authorize take an
    # organization's name and puts `org_name` in its tokens (docs/vendors.md, "Auth0 Organizations").
    organizations: list[OrganizationConfig] = []
    allow_organization_name_in_authentication_api: bool = False
    signing_key: SigningKeyConfig | None = None
    saml_apps: list[SamlAppConfig] = []  # served by the personas that have SAML apps (Okta, Entra)
    triggers: TriggersConfig | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _validated_for_its_persona(cls, data: Any, handler: ModelWrapValidatorHandler[TenantConfig],
                                   info: ValidationInfo) -> TenantConfig:
        # A part's persona-only rules (an API's: Flavor.api_seed_words, api_seed_problems) run while
        # the part is validated, so each part's problem is found with the others': the tenant lends
        # its persona to the validation context (pydantic's one channel to nested models) meanwhile.
        context = info.context if isinstance(info.context, dict) else {}
        personas, flavor = context.get("personas"), data.get("flavor", "generic") if isinstance(data, dict) else None
        outer = context.get(TENANT_PERSONA)
        context[TENANT_PERSONA] = personas.get(flavor) if isinstance(personas, dict) and isinstance(flavor, str) else None
        try:
            return handler(data)
        finally:
            context[TENANT_PERSONA] = outer

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

        # A hook first: its line says more than the key that holds it (an Okta server's hook).
        hook = f"flavor {self.flavor!r} runs no {{key}}{{only}}"
        used = [("pre_token_generation", ("triggers", "pre_token_generation"), hook)] \
            if self.triggers and self.triggers.pre_token_generation else []
        used += [("token_inline_hook", ("authorization_servers", index, "token_inline_hook"), hook)
                 for index, server in enumerate(self.authorization_servers) if server.token_inline_hook]
        used += [(key, (key,), f"the {self.flavor} persona serves no {what} (personas that do: {{able}})")
                 for key, what in VENDOR_KEYS.items() if getattr(self, key)]
        used += [(key, ("apis", index, key), f"the {self.flavor} persona serves no {what} (personas that do: {{able}})")
                 for index, api in enumerate(self.apis) for key, what in VENDOR_API_KEYS.items()
                 if key in api.model_fields_set]
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
    # An extension grant type (RFC 6749 §4.5) only its persona serves (Auth0's password-realm).
    for index, grant in enumerate(client.grant_types):
        if grant not in GRANT_TYPES and grant not in persona.extension_grant_types:
            able = ", ".join(sorted(name for name, other in personas.items() if grant in other.extension_grant_types))
            problems.append((("grant_types", index), f"the {tenant.flavor} persona serves no grant type {grant!r}"
                                                     f"{f' (personas that do: {able})' if able else ''}"))
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
