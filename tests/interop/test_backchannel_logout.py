"""Auth0's own express-openid-connect, with its `backchannelLogout` option, ends its application
session when the Auth0 persona sends a logout token: a real headless Chromium (Debian's chromium,
Playwright) signs in to the Express app through the persona's login page over --tls, then logs out
at the IdP; the app validates the logout token in its own process and its next request is
anonymous. Chromium trusts the local CA as a user's browser would: in an NSS database (certutil)."""

import json
import os
import secrets
import shutil
import subprocess
import textwrap
import time

import httpx
import pytest
from conftest import free_port, start_server

from tests.pages.chromium import ARGS, CHROMIUM

from node_runner import INTEROP_DIR, node_modules_ready


def required(tool: str, why: str):
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is not installed ({why}; CI installs it: APT_PACKAGES in .ci/run)")
        pytest.skip(f"{tool} is not installed ({why})")


@pytest.fixture(scope="module")
def app_port():
    return free_port()


@pytest.fixture(scope="module")
def server(app_port, tmp_path_factory):
    app = f"http://127.0.0.1:{app_port}"
    folder = tmp_path_factory.mktemp("express-backchannel")
    (folder / "seed.yaml").write_text(textwrap.dedent(f"""\
        tenants:
          auth0:
            flavor: auth0
            users:
              - {{username: alice, password: alice-password}}
            clients:
              - client_id: express-app
                client_secret: express-secret
                redirect_uris: [{app}/callback]
                post_logout_redirect_uris: [{app}/]
                oidc_logout:
                  backchannel_logout_urls: [{app}/backchannel-logout]
        """))
    running = start_server(folder / "seed.yaml", folder / "data", tls=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def express_app(server, app_port):
    """The Express app (its own Node process), trusting our CA as the README says."""
    if not node_modules_ready():
        raise AssertionError(f"Node interop dependencies are missing: run `npm ci` in {INTEROP_DIR}")
    job = {"issuerBaseURL": server.tenant_url("/auth0/"), "baseURL": f"http://127.0.0.1:{app_port}",
           "clientID": "express-app", "clientSecret": "express-secret", "port": app_port}
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(server.ca)}
    process = subprocess.Popen(["node", "express_backchannel_app.mjs"], cwd=INTEROP_DIR, env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(json.dumps(job))
    process.stdin.close()
    line = process.stdout.readline()
    if not line:
        raise AssertionError(f"the Express app did not start: {process.stderr.read()}")
    assert json.loads(line)["ok"]
    yield job["baseURL"]
    process.terminate()
    process.wait(5)


@pytest.fixture(scope="module")
def chromium(server, tmp_path_factory):
    """Chromium whose NSS database (its HOME's) trusts the local CA, and nothing else changed."""
    required("certutil", "libnss3-tools: the local CA into Chromium's NSS database")
    if not os.path.exists(CHROMIUM):
        required("chromium", "the browser")
    home = tmp_path_factory.mktemp("chromium-home")
    database = f"sql:{home}/.pki/nssdb"
    (home / ".pki/nssdb").mkdir(parents=True)
    subprocess.run(["certutil", "-d", database, "-N", "--empty-password"], check=True)
    subprocess.run(["certutil", "-d", database, "-A", "-t", "C,,", "-n", "mock-idp-ca", "-i", str(server.ca)],
                   check=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS,
                                             env={**os.environ, "HOME": str(home)})
        yield browser
        browser.close()


def me(page, app: str) -> dict:
    """The app's answer: {"sub": the signed-in user's or None, "loggedOut": logout tokens it kept}."""
    page.goto(app + "/me")
    return json.loads(page.inner_text("body"))


def test_logging_out_at_the_idp_ends_the_express_apps_session(server, express_app, chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(express_app + "/login")
    page.get_by_test_id("login-username").fill("alice")
    page.get_by_test_id("login-password").fill("alice-password")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(express_app + "/")
    signed_in = me(page, express_app)
    assert signed_in["sub"].startswith("auth0|") and signed_in["loggedOut"] == 0, signed_in

    # Another tab of the same browser logs out at the IdP (RP-initiated logout, OIDC's endpoint).
    issuer = server.tenant_url("/auth0/")
    page.goto(issuer + "oidc/logout?" + str(httpx.QueryParams(
        client_id="express-app", post_logout_redirect_uri=express_app + "/", state=secrets.token_urlsafe(8))))
    page.wait_for_url(express_app + "/?state=*")
    # The IdP cannot touch the app's cookie: the browser still sends its session.
    assert "appSession" in {cookie["name"] for cookie in context.cookies(express_app)}
    # The logout token is sent in the background: the app's session ends within moments, because
    # the app took it (its store keeps the sid's and the sub's entries).
    deadline = time.monotonic() + 5
    while (answer := me(page, express_app))["sub"] is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answer == {"sub": None, "loggedOut": 2}, answer
    context.close()
