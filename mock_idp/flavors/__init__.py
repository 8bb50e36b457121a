"""Persona registry: every module in this package that defines PROFILE is a flavor."""

import importlib
import pkgutil
from functools import cache

from .base import Flavor


@cache
def all_flavors() -> dict[str, Flavor]:
    flavors = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        profile = getattr(module, "PROFILE", None)
        if isinstance(profile, Flavor):
            flavors[profile.name] = profile
    return flavors


def flavor_named(name: str) -> Flavor:
    return all_flavors()[name]
