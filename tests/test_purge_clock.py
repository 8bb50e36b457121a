"""The background purge follows each tenant's clock: rows and retired keys of a tenant whose clock
is moved +2 h go as a real tenant's would two hours later; a tenant whose clock is moved back keeps
the tokens still alive on its clock; neither touches the other tenant."""

import time

import httpx
import pytest

from admin_support import WEB, admin, introspect, password_grant  # noqa: F401 (admin: a fixture, reset after each test)
from conftest import SEEDS, start_server
from mock_idp.storage.models import IssuedToken, RevokedToken


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "two_tenants.yaml", tmp_path_factory.mktemp("purge"), admin=True,
                           purge_interval=0.1)
    yield running
    running.stop()


def access_token(server, tenant: str) -> str:
    """A recorded token (a user's: a client_credentials token has no record to purge)."""
    response = password_grant(server, tenant, scope="openid")
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def token_rows(server, tenant: str) -> int:
    store = server.app.state.store
    return sum(1 for row in store_rows(store, IssuedToken) if row.issuer == tenant)


def revoked_rows(server, tenant: str) -> int:
    return sum(1 for row in store_rows(server.app.state.store, RevokedToken) if row.issuer == tenant)


def store_rows(store, model):
    from sqlmodel import Session, select

    with Session(store.engine) as session:
        return session.exec(select(model)).all()


def red_kids(store) -> list[str]:
    return [row.kid for row in sorted(store.signing_keys("red"), key=lambda row: row.generation)]


def eventually(check, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_tenant_two_hours_ahead_has_its_expired_rows_purged_and_the_other_keeps_its_own(server, admin):
    # A revoked client_credentials token is listed (it has no record) until it expires: 1 h.
    for tenant in ("red", "blue"):
        token = httpx.post(f"{server.base_url}/{tenant}/token", auth=WEB,
                           data={"grant_type": "client_credentials"}).json()["access_token"]
        assert httpx.post(f"{server.base_url}/{tenant}/revoke", auth=WEB, data={"token": token}).status_code == 200
    assert (revoked_rows(server, "red"), revoked_rows(server, "blue")) == (1, 1)
    admin.post("/tenants/red/clock", json={"advance_seconds": 2 * 3600})  # past the 1 h access token lifetime
    assert eventually(lambda: revoked_rows(server, "red") == 0)
    assert revoked_rows(server, "blue") == 1


def test_a_tenant_two_hours_behind_keeps_the_tokens_alive_on_its_clock(server, admin):
    admin.post("/tenants/blue/clock", json={"offset_seconds": -2 * 3600})
    token = access_token(server, "blue")  # expired an hour ago by the wall clock
    time.sleep(0.5)  # five purge passes
    assert token_rows(server, "blue") == 1 and introspect(server, "blue", token)["active"] is True


def test_retired_keys_are_deleted_when_their_grace_ends_on_the_tenants_clock(server, admin):
    store = server.app.state.store
    first = httpx.get(f"{server.base_url}/red/jwks").json()["keys"][0]["kid"]
    second = admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 3600}).json()["kid"]
    current = admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 3600}).json()["kid"]
    blue = [row.kid for row in store.signing_keys("blue")]
    time.sleep(0.3)
    assert red_kids(store) == [first, second, current]  # in their grace
    admin.post("/tenants/red/clock", json={"advance_seconds": 3601})
    assert eventually(lambda: red_kids(store) == [current])
    assert [key["kid"] for key in httpx.get(f"{server.base_url}/red/jwks").json()["keys"]] == [current]
    assert [row.kid for row in store.signing_keys("blue")] == blue
