"""Shared by the admin API tests: a server with the admin API on, and a client for it."""

import base64
import json

import httpx
import pytest

from conftest import SEEDS, start_server

WEB = ("web", "web-secret")
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """The module's ADMIN_SEED (default: the core seed) served with the admin API on."""
    seed = getattr(request.module, "ADMIN_SEED", SEEDS / "core.yaml")
    running = start_server(seed, tmp_path_factory.mktemp("admin"), admin=True)
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    """A client of the admin API; the server is reset after each test."""
    with admin_client(server) as client:
        yield client
        assert client.post("/reset").status_code == 200


def admin_client(server) -> httpx.Client:
    # The admin API changes state on JSON requests only, body-less POSTs (reset, revoke) included.
    return httpx.Client(base_url=server.base_url + "/_admin", timeout=10, headers=JSON)


def password_grant(server, tenant: str, username: str = "alice", password: str = "alice-password",
                   scope: str = "openid profile offline_access", client=WEB) -> httpx.Response:
    return httpx.post(f"{server.base_url}/{tenant}/token", auth=client, data={
        "grant_type": "password", "username": username, "password": password, "scope": scope})


def userinfo(server, tenant: str, access_token: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/{tenant}/userinfo", headers={"Authorization": "Bearer " + access_token})


def introspect(server, tenant: str, token: str, client=WEB) -> dict:
    return httpx.post(f"{server.base_url}/{tenant}/introspect", auth=client, data={"token": token}).json()


def refresh(server, tenant: str, refresh_token: str, client=WEB) -> httpx.Response:
    return httpx.post(f"{server.base_url}/{tenant}/token", auth=client,
                      data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def unverified_claims(token: str) -> dict:
    """A JWT's payload, unverified: for asserting what a token says, not whether to trust it."""
    return _segment(token, 1)


def unverified_header(token: str) -> dict:
    return _segment(token, 0)


def _segment(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
