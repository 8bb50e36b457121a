"""A tenant's token hooks: Okta's token inline hook, Cognito's pre token generation (docs/token-hooks.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .base import SeedModel
from .fields import HandlerName, HookUrl


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
