"""The admin API over real HTTP: users and clients, reset, revocation, protection. Most tests run
on the pytest plugin's `mock_idp` server (this project's seed for it: tests/seeds/core.yaml)."""

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from conftest import SEEDS, free_port, start_server
from mock_idp.app import create_app
from mock_idp.config.settings import Settings

WEB = ("demo-web", "demo-web-secret")


@pytest.fixture
def server(mock_idp):
    return mock_idp  # reset to its seed after each test


@pytest.fixture
def admin(mock_idp):
    return mock_idp.http  # the admin API, with the server's bearer token


def password_grant(server, username, password, scope="openid profile"):
    return httpx.post(server.url + "/default/token", auth=WEB, data={
        "grant_type": "password", "username": username, "password": password, "scope": scope})


def test_a_created_user_signs_in_and_is_listed_with_their_subject(server, admin):
    created = admin.post("/tenants/default/users", json={"username": "carol", "password": "pw",
                                                          "claims": {"groups": ["ops"]}})
    assert created.status_code == 201, created.text
    assert created.json()["sub"] and created.json()["claims"] == {"groups": ["ops"]}
    assert "carol" in [user["username"] for user in admin.get("/tenants/default/users").json()]
    assert admin.get("/tenants/default/users/carol").json()["sub"] == created.json()["sub"]

    token = password_grant(server, "carol", "pw")
    assert token.status_code == 200
    assert admin.post("/tenants/default/users", json={"username": "carol", "password": "x"}).status_code == 409


def test_discovery_lists_the_claims_of_users_added_at_run_time_until_reset(server, admin):
    discovery = server.url + "/default/.well-known/openid-configuration"
    assert "cost_center" not in httpx.get(discovery).json()["claims_supported"]
    admin.post("/tenants/default/users", json={"username": "dora", "password": "pw", "claims": {"cost_center": "42"}})
    assert "cost_center" in httpx.get(discovery).json()["claims_supported"]
    admin.post("/reset", json={"tenant": "default"})
    assert "cost_center" not in httpx.get(discovery).json()["claims_supported"]


def test_patch_merges_put_replaces_delete_hides_and_reset_restores_the_seed(server, admin):
    patched = admin.patch("/tenants/default/users/alice", json={"claims": {"department": "Ops", "groups": None}})
    assert patched.status_code == 200
    assert patched.json()["claims"]["department"] == "Ops" and "groups" not in patched.json()["claims"]
    assert patched.json()["claims"]["email"] == "alice@example.com"

    replaced = admin.put("/tenants/default/users/alice", json={"password": "only-this"})
    assert replaced.json()["claims"] == {} and password_grant(server, "alice", "only-this").status_code == 200

    assert admin.delete("/tenants/default/users/bob").status_code == 204
    assert admin.get("/tenants/default/users/bob").status_code == 404
    assert password_grant(server, "bob", "bob-password").status_code == 400

    assert admin.post("/reset", json={"tenant": "default"}).json() == {"reset": ["default"]}
    assert password_grant(server, "bob", "bob-password").status_code == 200
    assert admin.get("/tenants/default/users/alice").json()["claims"]["groups"] == ["Everyone", "admins"]


def test_clients_change_redirect_uris_and_grant_types_at_run_time(server, admin):
    created = admin.post("/tenants/default/clients", json={
        "client_id": "new-app", "client_secret": "s", "redirect_uris": ["http://localhost:9000/cb"]})
    assert created.status_code == 201 and created.json()["token_endpoint_auth_method"] == "client_secret_basic"
    authorize = server.url + "/default/authorize?response_type=code&client_id=new-app&scope=openid"
    assert httpx.get(authorize + "&redirect_uri=http://localhost:9000/cb&code_challenge=" + "a" * 43
                     + "&code_challenge_method=S256").status_code == 200
    assert httpx.get(authorize + "&redirect_uri=http://localhost:9001/cb").status_code == 400

    admin.patch("/tenants/default/clients/new-app", json={"grant_types": ["client_credentials"],
                                                          "response_types": []})
    token = httpx.post(server.url + "/default/token", auth=("new-app", "s"),
                       data={"grant_type": "client_credentials"})
    assert token.status_code == 200, token.text


@pytest.mark.parametrize("path, body, field, words", [
    ("/tenants/default/users", {"username": "x", "password": "y", "claim": {}}, "claim", "unknown key (did you mean 'claims'?)"),
    ("/tenants/default/users", {"username": "x"}, "password", "missing required key"),
    ("/tenants/default/users", {"username": "x", "password": "y", "claims": "admin"}, "claims", "expected a mapping, got a string"),
    ("/tenants/default/clients", {"client_id": "x", "redirect_uris": ["http://a/#f"]}, "redirect_uris[0]", "must not contain a fragment"),
    ("/tenants/default/clients", {"client_id": "x", "token_endpoint_auth_method": "client_secret_post"},
     "token_endpoint_auth_method", "public client"),
    ("/reset", {"tenants": "default"}, "tenants", "unknown key"),
])
def test_a_refused_body_is_a_400_naming_the_field(admin, path, body, field, words):
    response = admin.post(path, json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    first = response.json()["errors"][0]
    assert first["field"] == field and words in first["message"], response.json()
    assert field in response.json()["error_description"]


def test_malformed_json_and_unknown_names_are_client_errors(admin):
    bad = admin.post("/tenants/default/users", content=b"{nope", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error_description"] == "the body is not valid JSON"
    assert admin.get("/tenants/nowhere/users").json() == {"error": "not_found",
                                                           "error_description": "There is no tenant 'nowhere'."}
    assert admin.patch("/tenants/default/clients/ghost", json={}).status_code == 404
    assert admin.post("/tenants/default/users/ghost/revoke").status_code == 404
    assert admin.patch("/tenants/default/users/alice", json=[1]).status_code == 400


def test_a_username_with_a_slash_is_reached_by_every_member_call(server, admin):
    # Cognito usernames may hold any punctuation: "/" arrives decoded from %2F, "#" must be quoted.
    name = "corp/erin#2"
    assert admin.post("/tenants/default/users", json={"username": name, "password": "pw"}).status_code == 201
    member = "/tenants/default/users/corp%2Ferin%232"
    assert admin.get(member).json()["username"] == name
    assert admin.patch(member, json={"claims": {"department": "Ops"}}).json()["claims"] == {"department": "Ops"}
    token = password_grant(server, name, "pw").json()["access_token"]
    assert server.login(name)["id_token"]  # the testing API reads her password by name
    assert admin.post(member + "/revoke").json()["revoked_tokens"] == 2
    assert httpx.post(server.url + "/default/introspect", auth=WEB, data={"token": token}).json() == {"active": False}
    assert admin.delete(member).status_code == 204
    assert admin.get(member).status_code == 404


def test_revoking_a_user_ends_their_tokens_and_sso_session(server, admin):
    token = password_grant(server, "alice", "alice-password", scope="openid offline_access").json()
    other = password_grant(server, "bob", "bob-password").json()
    assert admin.post("/tenants/default/users/alice/revoke").json()["revoked_tokens"] == 1

    introspect = server.url + "/default/introspect"
    assert httpx.post(introspect, auth=WEB, data={"token": token["access_token"]}).json() == {"active": False}
    refreshed = httpx.post(server.url + "/default/token", auth=WEB, data={
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    assert refreshed.json()["error"] == "invalid_grant"
    assert httpx.post(introspect, auth=WEB, data={"token": other["access_token"]}).json()["active"] is True


def test_reset_drops_the_tenants_tokens(server, admin):
    token = password_grant(server, "alice", "alice-password").json()["access_token"]
    assert admin.post("/reset").json()["reset"] == ["default"]
    userinfo = httpx.get(server.url + "/default/userinfo", headers={"Authorization": "Bearer " + token})
    assert userinfo.status_code == 401


def test_the_openapi_document_describes_the_calls(admin):
    document = admin.get("/openapi.json").json()
    assert document["info"]["title"] == "mock_idp admin API"
    assert {"/reset", "/tenants/{tenant}/users", "/tenants/{tenant}/clients/{name}"} <= set(document["paths"])
    body = document["paths"]["/tenants/{tenant}/users"]["post"]["requestBody"]["content"]["application/json"]
    assert "username" in body["schema"]["properties"]


def test_the_admin_api_is_off_unless_enabled(core_server):
    assert httpx.get(core_server.base_url + "/_admin/tenants").status_code == 404


def test_with_a_token_set_callers_need_it_as_a_bearer_token(tmp_path):
    running = start_server(SEEDS / "core.yaml", tmp_path, admin_token="s3cret-admin")
    try:
        url = running.base_url + "/_admin/tenants"
        missing = httpx.get(url)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == 'Bearer realm="mock_idp admin"'
        wrong = httpx.get(url, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_token"
        assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
        assert httpx.get(url, headers={"Authorization": "Bearer s3cret-admin"}).json()[0]["name"] == "default"
    finally:
        running.stop()


def test_without_a_token_only_loopback_callers_are_let_in():
    from mock_idp.admin.guard import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("10.0.0.7") and not is_loopback("testclient") and not is_loopback("")


@dataclass
class Peer:
    """A caller on another address: `get(url)` runs httpx there; (status, JSON body, headers)."""

    address: str  # where the peer reaches this host
    namespace: str | None = None  # a network namespace of its own, or None: this host's own address

    def get(self, url: str) -> tuple[int, dict, dict]:
        script = ("import httpx, json, sys; r = httpx.get(sys.argv[1], timeout=10); "
                  "print(json.dumps([r.status_code, r.json(), dict(r.headers)]))")
        command = [sys.executable, "-c", script, url]
        if self.namespace is not None:
            command = ["ip", "netns", "exec", self.namespace, *command]
        return tuple(json.loads(subprocess.run(command, check=True, capture_output=True, text=True, timeout=30).stdout))


@pytest.fixture
def foreign_peer():
    """A network namespace joined to this host by a veth pair (iproute2, as root): a client there
    calls from 10.x.y.2 to the server at 10.x.y.1. Without root or iproute2, this host's own
    non-loopback address; without either a skip, and under CI a failure."""
    tag = uuid.uuid4().hex[:6]
    namespace, host_end, peer_end = f"mockidp-{tag}", f"mip{tag}h", f"mip{tag}n"
    subnet = f"10.{random.randint(64, 250)}.{random.randint(0, 255)}"
    steps = [["ip", "netns", "add", namespace],
             ["ip", "link", "add", host_end, "type", "veth", "peer", "name", peer_end],
             ["ip", "link", "set", peer_end, "netns", namespace],
             ["ip", "addr", "add", f"{subnet}.1/30", "dev", host_end], ["ip", "link", "set", host_end, "up"],
             ["ip", "-n", namespace, "addr", "add", f"{subnet}.2/30", "dev", peer_end],
             ["ip", "-n", namespace, "link", "set", peer_end, "up"]]
    made, why = False, None
    if shutil.which("ip") is None or os.geteuid() != 0:
        why = "no network namespace (needs iproute2 and root)"
    else:
        try:
            for step in steps:
                subprocess.run(step, check=True, capture_output=True, timeout=10)
            made = True
        except subprocess.CalledProcessError as error:
            why = f"{' '.join(error.cmd)}: {error.stderr.decode(errors='replace').strip()}"
    try:
        if made:
            yield Peer(f"{subnet}.1", namespace)
        elif (address := own_address()) is not None:
            yield Peer(address)
        elif os.environ.get("CI"):
            pytest.fail(f"no non-loopback caller: {why}")
        else:
            pytest.skip(f"no non-loopback caller: {why}")
    finally:
        subprocess.run(["ip", "link", "del", host_end], capture_output=True)
        subprocess.run(["ip", "netns", "del", namespace], capture_output=True)


def own_address() -> str | None:
    """This machine's address on its first non-loopback interface (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_a_caller_from_another_address_is_refused_in_rfc_6750_shape(tmp_path, foreign_peer):
    port = free_port()
    # The peer calls us by a name of ours (the base URL's host): only the peer's address is wrong.
    app = create_app(Settings(config=SEEDS / "core.yaml", data_dir=tmp_path, admin=True, port=port,
                              base_url=f"http://{foreign_peer.address}:{port}"))
    server = uvicorn.Server(uvicorn.Config(app, host="0.0.0.0", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        status, body, headers = foreign_peer.get(f"http://{foreign_peer.address}:{port}/_admin/tenants")
        assert status == 403 and body["error"] == "insufficient_scope"
        assert headers["www-authenticate"].startswith('Bearer realm="mock_idp admin", error="insufficient_scope"')
        # The same server, from loopback, and a protocol endpoint from the peer: both answer.
        assert httpx.get(f"http://127.0.0.1:{port}/_admin/tenants").status_code == 200
        assert foreign_peer.get(f"http://{foreign_peer.address}:{port}/default/.well-known/openid-configuration")[0] == 200
    finally:
        server.should_exit = True
        thread.join(5)
