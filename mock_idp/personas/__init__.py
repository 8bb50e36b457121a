"""The personas: what a persona is (base.py, persona_data.py) and sees (views.py), plain OpenID
Connect (generic.py), and one folder per vendor holding everything that fakes it (okta/, auth0/,
cognito/, entra/): its flavor data and hooks and every vendor-only API it serves. Nothing outside
this package names a vendor.

The registry: every module or folder here whose top defines PROFILE (a `Flavor`) is a persona.
"""

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
