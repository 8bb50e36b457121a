"""client_credentials access tokens are signed and never written (issue 19): introspection and
revocation verify them (signature with the tenant's published keys, `iss`, expiry on the tenant
clock) and end them early with the revocation list and the cutoffs of a reset, a client's
deletion or new secret. A real server with the admin API, driven over HTTP."""

import hashlib
import time
from pathlib import Path

import httpx
import pytest

from admin_support import admin_client
from conftest import start_server

SEED = Path(__file__).parents[1] / "mock_idp" / "seed_users.yaml"  # the packaged default: every persona
SERVICE = ("demo-service", "demo-service-secret")
WEB = ("demo-web", "demo-web-secret")
OKTA = "/okta/oauth2/default/v1"
OKTA_SERVICE = ("0oa-service", "service-secret")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # No purge during a test: every commit the store counts is one a request made.
    running = start_server(SEED, tmp_path_factory.mktemp("stateless"), admin=True, purge_interval=3600)
    yield running
    running.stop()


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client
    with admin_client(server) as admin:
        assert admin.post("/reset").status_code == 200


def issue(http, path="/default/token", auth=SERVICE, **form) -> str:
    response = http.post(path, auth=auth, data={"grant_type": "client_credentials", **form})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def active(http, token: str, path="/default/introspect", auth=WEB) -> bool:
    response = http.post(path, auth=auth, data={"token": token})
    assert response.status_code == 200, response.text
    return response.json()["active"]


def first_of_next_second() -> None:
    """Start at a second's beginning: what follows shares its `iat`."""
    time.sleep(1 - time.time() % 1 + 0.01)


def test_issuing_a_client_credentials_token_writes_nothing(tmp_path):
    # Without the admin API (its audit trail writes a record of every request).
    server = start_server(SEED, tmp_path, purge_interval=3600)
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            issue_many_without_a_commit(server.app.state.store, http)
    finally:
        server.stop()


def issue_many_without_a_commit(store, http) -> None:
    issue(http)  # the first request of a tenant may create its rows (state, keys)
    issue(http, OKTA + "/token", OKTA_SERVICE, scope="customers:read")
    commits = store.commits()
    tokens = [issue(http) for _ in range(10)] + [issue(http, OKTA + "/token", OKTA_SERVICE, scope="customers:read")
                                                 for _ in range(10)]
    assert store.commits() == commits
    assert all(active(http, token) for token in tokens[:10])
    assert all(active(http, token, OKTA + "/introspect", OKTA_SERVICE) for token in tokens[10:])


def test_introspection_reads_a_token_without_a_record_from_its_claims(http):
    token = issue(http, OKTA + "/token", OKTA_SERVICE, scope="customers:read")
    answer = http.post(OKTA + "/introspect", auth=OKTA_SERVICE, data={"token": token}).json()
    assert answer["active"] is True
    assert (answer["client_id"], answer["scope"], answer["token_type"]) == ("0oa-service", "customers:read", "Bearer")
    assert answer["sub"] == "0oa-service" and answer["jti"].startswith("AT.")
    assert answer["iss"].endswith("/okta/oauth2/default") and answer["exp"] - answer["iat"] == 3600


def test_a_revoked_token_is_inactive_and_the_others_stay_active(http):
    revoked, kept = issue(http), issue(http)
    assert http.post("/default/revoke", auth=SERVICE, data={"token": revoked}).status_code == 200
    assert (active(http, revoked), active(http, kept)) == (False, True)


def test_a_token_of_another_tenant_or_a_forged_one_is_inactive(http):
    okta = issue(http, OKTA + "/token", OKTA_SERVICE, scope="customers:read")
    assert active(http, okta) is False  # signed with the okta tenant's key, not the default's
    head, payload, signature = issue(http).split(".")
    assert active(http, ".".join((head, payload, signature[::-1]))) is False


def test_a_deleted_client_s_tokens_are_inactive_even_if_it_comes_back(server, http):
    token = issue(http)
    with admin_client(server) as admin:
        assert admin.delete("/tenants/default/clients/demo-service").status_code == 204
        assert active(http, token) is False  # was a 500 (AttributeError) before
        created = admin.put("/tenants/default/clients/demo-service", json={
            "client_secret": "demo-service-secret", "grant_types": ["client_credentials"], "response_types": []})
        assert created.status_code == 200, created.text
    assert active(http, token) is False
    assert active(http, issue(http)) is True  # in the very second of the deletion, too


def test_a_new_secret_ends_the_tokens_issued_before_it_only(server, http):
    first_of_next_second()
    before = issue(http)
    with admin_client(server) as admin:
        changed = admin.patch("/tenants/default/clients/demo-service", json={"client_secret": "rotated-secret"},
                              headers={"Content-Type": "application/merge-patch+json"})
        assert changed.status_code == 200, changed.text
        after = issue(http, auth=("demo-service", "rotated-secret"))  # most likely the same second
        assert (active(http, before), active(http, after)) == (False, True)
        unchanged = admin.patch("/tenants/default/clients/demo-service", json={"name": "renamed"},
                                headers={"Content-Type": "application/merge-patch+json"})
        assert unchanged.status_code == 200, unchanged.text
    assert active(http, after) is True  # another change than the secret ends nothing


def test_a_reset_ends_the_tokens_issued_before_it(server, http):
    first_of_next_second()
    before = issue(http)
    with admin_client(server) as admin:
        assert admin.post("/reset", json={"tenant": "default"}).status_code == 200
    after = issue(http)
    assert (active(http, before), active(http, after)) == (False, True)


def test_expiry_and_key_retirement_follow_the_tenant_clock(server, http):
    token = issue(http)
    with admin_client(server) as admin:
        assert admin.post("/tenants/default/keys/rotate", json={"grace_seconds": 600}).status_code == 200
        assert active(http, token) is True  # its key is published for the grace
        assert admin.post("/tenants/default/clock", json={"advance_seconds": 601}).status_code == 200
        assert active(http, token) is False  # its key left the JWKS
        fresh = issue(http)
        assert admin.post("/tenants/default/clock", json={"advance_seconds": 3600}).status_code == 200
        assert active(http, fresh) is False  # expired on the tenant's clock


def test_auth0_revocation_leaves_an_m2m_access_token_valid_as_auth0_does(server, http):
    # docs/vendors.md 4e: /oauth/revoke takes refresh tokens; a JWT access token cannot be revoked.
    # Without a jti, two requests in one second give the identical token: nothing to tell apart.
    form = {"grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "auth0-m2m-secret",
            "audience": "https://customers.example.com"}
    first_of_next_second()
    first, second = (http.post("/auth0/oauth/token", data=form).json()["access_token"] for _ in range(2))
    assert first == second
    revoked = http.post("/auth0/oauth/revoke", data={"token": first, "client_id": "auth0-m2m",
                                                     "client_secret": "auth0-m2m-secret"})
    assert revoked.status_code == 200, revoked.text
    assert not server.app.state.store.is_revoked(hashlib.sha256(first.encode()).hexdigest())
