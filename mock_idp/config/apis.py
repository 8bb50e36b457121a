"""What access tokens are for: Okta's authorization servers, Auth0's APIs (resource servers)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from .base import SeedModel
from .errors import issue_at
from .fields import NonEmptyStr, Seconds
from .hooks import TokenInlineHookConfig


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
