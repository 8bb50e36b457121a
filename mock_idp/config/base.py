"""SeedModel, the base of every seed model: an unknown key is an error (pydantic extra="forbid")."""

from pydantic import BaseModel, ConfigDict


class SeedModel(BaseModel):
    # A misspelt key would otherwise be ignored silently and its default used instead.
    model_config = ConfigDict(extra="forbid")
