"""Fixtures the page tests share; each module launches its own `chromium` (chromium.launched, with
the flags it needs), which `page` opens a checked page of."""

import pytest

from .chromium import attacker_site, new_page


@pytest.fixture(scope="module")
def attacker():
    """The attacker's site on another loopback port (chromium.attacker_site)."""
    yield from attacker_site()


@pytest.fixture
def page(chromium):
    yield from new_page(chromium)
