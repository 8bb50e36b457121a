"""What access tokens are for: authorization servers (Okta's), APIs (resource servers); a persona's
own rules for an API are its hooks (Flavor.api_seed_words, api_seed_problems)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationInfo, model_validator

from .base import SeedModel, tenant_persona
from .errors import issue_at
from .fields import NonEmptyStr, Seconds
from .hooks import TokenInlineHookConfig


class AuthorizationServerConfig(SeedModel):
    id: NonEmptyStr
    audience: str | None = None
    name: str | None = None
    # Okta: the custom scopes the server defines (besides its system scopes openid, profile...);
    # it refuses any other (personas/okta/scopes.py).
    scopes: list[NonEmptyStr] = []
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
    # Keys only some personas serve (Flavor.seed_keys; refused elsewhere: tenant.VENDOR_API_KEYS).
    # Auth0's resource-server settings, by their Management API names: `enforce_policies` is "Enable
    # RBAC" (a user's token gets only the requested scopes their roles grant); `token_dialect`
    # access_token_authz is "Add Permissions in the Access Token" (a `permissions` claim).
    enforce_policies: bool = False
    token_dialect: Literal["access_token", "access_token_authz"] = "access_token"
    # Entra: the API's service principal requires an app role assignment (appRoleAssignmentRequired):
    # a daemon granted none of its roles gets no token (AADSTS501051) instead of one without `roles`,
    # and a user not assigned to it (the client of the same application id lists who is) none (AADSTS50105).
    app_role_assignment_required: bool = False
    # Entra: the version of the access tokens the API accepts (its manifest's
    # api.requestedAccessTokenVersion): 1 gives v1.0 tokens (iss https://sts.windows.net/<tid>/,
    # `appid`, `upn`, aud the Application ID URI), whichever endpoint issued them. Entra's own
    # default (null) is 1; the mock's is 2 (docs/entra.md).
    access_token_version: Literal[1, 2] = 2

    @model_validator(mode="before")
    @classmethod
    def _in_the_vendors_words(cls, data: Any, info: ValidationInfo) -> Any:
        # A key or value the tenant's persona knows by another name (Flavor.api_seed_words).
        persona = tenant_persona(info)
        if persona is not None and isinstance(data, dict):
            for at, message in persona.api_seed_words(data):
                raise issue_at(message, *at)
        return data

    @model_validator(mode="after")
    def _fits_the_persona(self, info: ValidationInfo) -> ApiConfig:
        # The persona's rules among the API's settings (Flavor.api_seed_problems).
        persona = tenant_persona(info)
        for at, message in persona.api_seed_problems(self) if persona is not None else ():
            raise issue_at(message, *at)
        return self
