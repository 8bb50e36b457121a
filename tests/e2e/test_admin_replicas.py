"""Two replicas on one PostgreSQL database: what the admin API changes on one, the other sees on
its next request; a scenario fires exactly as asked across both; a reset under load loses nothing;
one audit trail for both."""

import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import httpx
import pytest

from admin_support import WEB, password_grant, unverified_header
from conftest import SEEDS, start_server

pytest_plugins = ["pg_support"]  # postgres_url: the database both replicas share


@pytest.fixture(scope="module")
def replicas(postgres_url, tmp_path_factory):
    first = start_server(SEEDS / "two_tenants.yaml", tmp_path_factory.mktemp("admin-a"),
                         database_url=postgres_url, admin=True)
    second = start_server(SEEDS / "two_tenants.yaml", tmp_path_factory.mktemp("admin-b"),
                          database_url=postgres_url, admin=True, base_url=first.base_url)
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
def admin_a(replicas):
    with httpx.Client(base_url=replicas[0].base_url + "/_admin") as client:
        yield client
        client.post("/reset", json=None, headers={"Content-Type": "application/json"})


def test_a_user_added_on_one_replica_signs_in_and_is_in_discovery_on_the_other(replicas, admin_a):
    first, second = replicas
    discovery = second.base_url + "/red/.well-known/openid-configuration"
    assert "badge" not in httpx.get(discovery).json()["claims_supported"]
    admin_a.post("/tenants/red/users", json={"username": "erin", "password": "erin-pw", "claims": {"badge": "7"}})
    assert password_grant(second, "red", "erin", "erin-pw").status_code == 200
    assert "badge" in httpx.get(discovery).json()["claims_supported"]  # the other replica's discovery too
    admin_a.delete("/tenants/red/users/erin")
    assert password_grant(second, "red", "erin", "erin-pw").status_code == 400


def test_a_scenario_fires_exactly_as_asked_across_replicas(replicas, admin_a):
    admin_a.post("/tenants/red/scenarios", json={"endpoint": "token", "times": 5, "status": 503})
    targets = cycle(replicas)
    servers = [next(targets) for _ in range(24)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda s: httpx.post(s.base_url + "/red/token", auth=WEB,
                                                      data={"grant_type": "client_credentials"}).status_code,
                                 servers))
    assert statuses.count(503) == 5 and statuses.count(200) == 19


def test_the_clock_set_on_one_replica_moves_the_other(replicas, admin_a):
    admin_a.post("/tenants/red/clock", json={"offset_seconds": -3 * 3600})
    token = password_grant(replicas[1], "red").json()["access_token"]
    admin_a.post("/tenants/red/clock", json={"offset_seconds": 0})
    userinfo = httpx.get(replicas[1].base_url + "/red/userinfo", headers={"Authorization": "Bearer " + token})
    assert userinfo.status_code == 401


def test_resets_under_load_lose_no_request(replicas, admin_a):
    stop, outcomes = threading.Event(), []

    def traffic(server):
        while not stop.is_set():
            outcomes.append(password_grant(server, "red").status_code)

    workers = [threading.Thread(target=traffic, args=(server,)) for server in replicas for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        for _ in range(10):
            assert admin_a.post("/tenants/red/users", json={"username": "tmp", "password": "p"}).status_code == 201
            assert admin_a.post("/reset", json={"tenant": "red"}).status_code == 200
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert outcomes and set(outcomes) == {200}
    assert password_grant(replicas[1], "blue").status_code == 200


def test_a_rotation_on_one_replica_is_served_by_the_other_at_once(replicas, admin_a):
    first, second = replicas
    new_kid = admin_a.post("/tenants/red/keys/rotate", json={"grace_seconds": 60}).json()["kid"]
    assert httpx.get(second.base_url + "/red/jwks").json()["keys"][0]["kid"] == new_kid
    token = password_grant(second, "red").json()["id_token"]
    assert unverified_header(token)["kid"] == new_kid
    assert len(httpx.get(second.base_url + "/red/jwks").json()["keys"]) == 2  # the old one, in its grace
    admin_a.post("/tenants/red/clock", json={"advance_seconds": 61})  # the grace ends on the tenant's clock
    assert [key["kid"] for key in httpx.get(second.base_url + "/red/jwks").json()["keys"]] == [new_kid]
    admin_a.post("/reset", json={"tenant": "red"})
    assert new_kid not in [key["kid"] for key in httpx.get(second.base_url + "/red/jwks").json()["keys"]]


def test_one_audit_trail_shows_both_replicas_requests_and_a_reset_empties_it_on_both(replicas, admin_a):
    first, second = replicas
    assert httpx.post(first.base_url + "/red/token", auth=WEB, data={"grant_type": "client_credentials"}).status_code == 200
    with httpx.Client(base_url=second.base_url) as client:
        client.get("/red/jwks")  # connected: the next request and the read below follow at once
        assert client.post("/red/token", auth=WEB, data={"grant_type": "password", "username": "alice",
                                                         "password": "wrong"}).status_code == 400
        # Read at once on the replica that did not answer it: the request is in the trail.
        trail = admin_a.get("/tenants/red/requests", params={"endpoint": "token"}).json()
    assert [(r["username"], r["status"], r["error"]) for r in trail] == [(None, 200, None),
                                                                         ("alice", 400, "invalid_grant")]
    with httpx.Client(base_url=second.base_url + "/_admin") as admin_b:
        assert admin_b.get("/tenants/red/requests", params={"endpoint": "token"}).json() == trail
        assert admin_a.post("/reset", json={"tenant": "red"}).status_code == 200
        assert admin_b.get("/tenants/red/requests").json() == []
