"""SeedModel, the base of every seed model: an unknown key is an error (pydantic extra="forbid");
and the persona of the tenant a part is validated for (`tenant_persona`)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo

# The validation context's key for the persona of the tenant being validated: TenantConfig lends
# it to its parts for as long as its own validation lasts (the personas sit above config/).
TENANT_PERSONA = "tenant_persona"


class SeedModel(BaseModel):
    # A misspelt key would otherwise be ignored silently and its default used instead.
    model_config = ConfigDict(extra="forbid")


def tenant_persona(info: ValidationInfo) -> Any:
    """The persona of the tenant whose part is being validated; None for an unknown flavor, or a
    part validated on its own."""
    context = info.context
    return context.get(TENANT_PERSONA) if isinstance(context, dict) else None
