"""The writable directory: the seed's users and clients under a layer in the store, seen by every
replica on its next request, validated in the seed file's words."""

import httpx
import pytest

from conftest import SEEDS, start_server
from mock_idp.directory import Conflict, DirectoryError

PASSWORD_GRANT = {"grant_type": "password", "scope": "openid profile"}
WEB = ("demo-web", "demo-web-secret")


@pytest.fixture
def replicas(tmp_path):
    """Two servers on one database, as two containers behind a load balancer."""
    servers = [start_server(SEEDS / "core.yaml", tmp_path) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


def directory(server):
    return next(t for t in server.app.state.tenants if t.name == "default").directory


def password_grant(server, username, password, client=WEB):
    return httpx.post(server.base_url + "/default/token", auth=client,
                      data={**PASSWORD_GRANT, "username": username, "password": password})


def test_a_user_added_on_one_replica_signs_in_on_the_other(replicas):
    first, second = replicas
    assert password_grant(second, "carol", "carol-pw").status_code == 400
    directory(first).create("user", {"username": "carol", "password": "carol-pw",
                                     "claims": {"department": "Legal"}})

    response = password_grant(second, "carol", "carol-pw")
    assert response.status_code == 200, response.text
    userinfo = httpx.get(second.base_url + "/default/userinfo",
                         headers={"Authorization": "Bearer " + response.json()["access_token"]}).json()
    assert userinfo["department"] == "Legal" and userinfo["preferred_username"] == "carol"


def test_an_update_is_a_merge_patch_and_deleting_a_seed_user_hides_it(replicas):
    first, second = replicas
    directory(first).update("user", "alice", {"password": "new-pw", "claims": {"department": None}})
    assert password_grant(second, "alice", "alice-password").status_code == 400
    token = password_grant(second, "alice", "new-pw").json()["access_token"]
    userinfo = httpx.get(second.base_url + "/default/userinfo", headers={"Authorization": "Bearer " + token})
    assert "department" not in userinfo.json() and userinfo.json()["name"] == "Alice Example"

    assert directory(second).delete("user", "bob") is True
    assert password_grant(first, "bob", "bob-password").status_code == 400
    assert directory(first).delete("user", "bob") is False


def test_a_client_added_at_run_time_gets_client_credentials_tokens(replicas):
    first, second = replicas
    directory(first).create("client", {"client_id": "batch", "client_secret": "s3cret",
                                       "grant_types": ["client_credentials"], "response_types": []})
    response = httpx.post(second.base_url + "/default/token", auth=("batch", "s3cret"),
                          data={"grant_type": "client_credentials"})
    assert response.status_code == 200, response.text
    directory(second).update("client", "batch", {"client_secret": "rotated"})
    response = httpx.post(first.base_url + "/default/token", auth=("batch", "s3cret"),
                          data={"grant_type": "client_credentials"})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_bodies_are_refused_in_the_seed_files_words_naming_the_field(replicas):
    store = directory(replicas[0])
    with pytest.raises(DirectoryError) as refused:
        store.create("client", {"client_id": "x", "redirect_uris": ["localhost:3000/cb"], "grant_type": []})
    assert refused.value.errors[0] == ("grant_type", "unknown key (did you mean 'grant_types'?)")
    assert refused.value.errors[1][0] == "redirect_uris[0]" and "without a scheme" in refused.value.errors[1][1]
    with pytest.raises(DirectoryError) as refused:
        store.create("client", {"client_id": "x", "grant_types": ["magic"]})
    assert refused.value.errors[0][0] == "grant_types[0]" and "unknown value 'magic'" in refused.value.errors[0][1]
    with pytest.raises(DirectoryError) as refused:
        store.update("user", "alice", {"username": "mallory"})
    assert refused.value.errors == [("username", "cannot be changed (delete and create the user instead)")]
    with pytest.raises(Conflict):
        store.create("user", {"username": "alice", "password": "x"})
    with pytest.raises(Conflict):
        store.update("user", "nobody", {"password": "x"})
    with pytest.raises(DirectoryError) as refused:
        store.create("user", ["alice"])
    assert refused.value.errors == [("", "expected a JSON object, got an array")]


def test_changes_survive_a_restart(tmp_path):
    server = start_server(SEEDS / "core.yaml", tmp_path)
    directory(server).create("user", {"username": "dave", "password": "dave-pw"})
    server.stop()
    restarted = start_server(SEEDS / "core.yaml", tmp_path)
    try:
        assert password_grant(restarted, "dave", "dave-pw").status_code == 200
    finally:
        restarted.stop()
