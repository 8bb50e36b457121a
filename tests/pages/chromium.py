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


def attacker_site():
    """A module fixture's body: the attacker's web server on another loopback port (another origin,
    the same site). It serves `pages[path]` as HTML and records every path asked in `asked`."""
    from conftest import serve_asgi

    pages: dict[str, str] = {}
    asked: list[str] = []

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        asked.append(scope["path"])
        body = pages.get(scope["path"], "<!doctype html><title>nothing</title>").encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})

    running = serve_asgi(app)
    running.pages, running.asked = pages, asked
    yield running
    running.stop()


def new_page(browser):
    """A function fixture's body: a page in a fresh context (no cookies shared between tests)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def checked_page(context):
    """A fixture's body: a new page of `context`, whose script errors fail the test; closes the
    context after."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors on the pages: {errors}"
