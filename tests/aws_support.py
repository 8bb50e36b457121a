"""Tokens the AWS tests start from, each obtained the way its user gets it from the shipped seed."""

import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

APPSYNC_CLIENT = "0oa-appsync-web"
CALLBACK = "http://localhost:3000/implicit/callback"


def okta_issuer(server) -> str:
    return server.tenant_url("/okta/oauth2/default")


def auth0_issuer(server) -> str:
    return server.tenant_url("/auth0/")


def okta_implicit_id_token(browser, server, username: str = "alice", password: str | None = None) -> str:
    """The blog's way: an implicit id_token (with nonce) from the login page, read off the fragment."""
    query = urlencode({"client_id": APPSYNC_CLIENT, "response_type": "id_token", "scope": "openid profile email",
                       "redirect_uri": CALLBACK, "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8)})
    response = browser.authorize(f"{okta_issuer(server)}/v1/authorize?{query}", username, password or f"{username}-password")
    assert response.status_code == 302, response.text[:300]
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return dict(parse_qsl(location.fragment))["id_token"]


def auth0_m2m_token(server) -> str:
    """The Auth0 API's "Test" tab: client_credentials with the API's audience."""
    response = httpx.post(auth0_issuer(server) + "oauth/token", json={
        "grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "auth0-m2m-secret",
        "audience": "https://customers.example.com"})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def mock_idp(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed `mock-idp` command as a user would."""
    command = Path(sys.executable).with_name("mock-idp")
    return subprocess.run([str(command), *args], input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def okta_id_token(seed_server):
    """alice's implicit ID token for 0oa-appsync-web (import this fixture into a test module)."""
    from conftest import Browser

    browser = Browser()
    try:
        return okta_implicit_id_token(browser, seed_server)
    finally:
        browser.http.close()
