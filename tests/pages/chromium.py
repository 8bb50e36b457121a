"""Debian's chromium, headless, driven by Playwright (never `playwright install`): shared by the
page tests."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
# As root in a container: no sandbox; and nothing that phones home or updates itself.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps"]


def launched(*extra_args: str):
    """A module fixture's body: yields the browser, closes it after. Missing chromium is a skip,
    and under CI a failure."""
    if not (shutil.which("chromium") or os.path.exists(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (CI installs it: APT_PACKAGES in .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*ARGS, *extra_args])
        yield browser
        browser.close()
