"""The seed file's root: its tenants by name, each with its URL path (docs/configuration.md)."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from .base import SeedModel
from .errors import issue_at
from .fields import tenant_path
from .tenant import TenantConfig


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
