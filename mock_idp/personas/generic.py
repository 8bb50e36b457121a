"""Plain OpenID Connect: the base profile as it is."""

from .base import Flavor

PROFILE = Flavor()
