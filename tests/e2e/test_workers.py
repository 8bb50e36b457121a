"""`mock-idp serve --workers 2` as one server: a client_credentials token one worker issued (it has
no record: the other verifies it) is active at once when the other worker introspects it, and
revoking or resetting on the other worker ends it. Each request goes over a connection
whose worker is known (the kernel tells which process holds the server's end of it), so every
check crosses from one worker to the other."""

import base64
import http.client
import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .test_durability import Serve

SERVICE = "Basic " + base64.b64encode(b"demo-service:demo-service-secret").decode()
SEED = Path(__file__).parents[2] / "mock_idp" / "seed_users.yaml"  # the packaged default
ROUNDS = 30


class Connection:
    """One keep-alive HTTP/1.1 connection, and the pid of the worker that accepted it."""

    def __init__(self, server: Serve):
        self.http = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        self.http.request("GET", "/healthz")  # answered: a worker has accepted the connection
        self.http.getresponse().read()
        self.worker = worker_of(server, self.http.sock.getsockname()[1])

    def post(self, path: str, form: dict, headers: dict | None = None) -> tuple[int, dict]:
        self.http.request("POST", path, body=urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Authorization": SERVICE, **(headers or {})})
        response = self.http.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def worker_of(server: Serve, client_port: int) -> int | None:
    """The process of the server's group whose socket is the far end of our `client_port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1]
            if int(local, 16) == server.port and int(remote, 16) == client_port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in (int(name) for name in os.listdir("/proc") if name.isdigit()):
        try:
            if os.getpgid(pid) != server.process.pid:
                continue
            fds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue  # gone, or not ours to look at
        if inodes & set(fds):
            return pid
    return None


def listening_sockets(port: int) -> int:
    """How many sockets listen on `port` (state 0A in the kernel's TCP tables)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            count += int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A"
    return count


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Serve(tmp_path_factory.mktemp("workers-data"), "--config", str(SEED), "--workers", "2", "--admin")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pair(server):
    """Two connections, one to each worker (new ones until both workers hold one)."""
    by_worker = {}
    for _ in range(200):
        connection = Connection(server)
        if connection.worker is not None:
            by_worker.setdefault(connection.worker, connection)
        if len(by_worker) == 2:
            break
    assert len(by_worker) == 2, f"connections reached only {list(by_worker)}"
    return list(by_worker.values())


def issue(connection: Connection) -> str:
    status, body = connection.post("/default/token", {"grant_type": "client_credentials"})
    assert status == 200, body
    return body["access_token"]


def active(connection: Connection, token: str) -> bool:
    status, body = connection.post("/default/introspect", {"token": token})
    assert status == 200, body
    return body["active"]


def test_a_token_from_one_worker_is_active_at_once_on_the_other(pair):
    for number in range(ROUNDS):
        issuing, other = pair[number % 2], pair[(number + 1) % 2]
        token = issue(issuing)
        assert active(other, token) is True, f"round {number}"
        assert active(issuing, token) is True


def test_a_token_revoked_on_the_other_worker_at_once_is_inactive_on_both(pair):
    for number in range(ROUNDS // 3):
        issuing, other = pair[number % 2], pair[(number + 1) % 2]
        token = issue(issuing)
        status, _ = other.post("/default/revoke", {"token": token})
        assert status == 200
        assert (active(issuing, token), active(other, token)) == (False, False), f"round {number}"


def test_a_reset_on_the_other_worker_ends_a_token_just_issued(pair):
    issuing, other = pair
    token = issue(issuing)
    other.http.request("POST", "/_admin/reset", body=json.dumps({"tenant": "default"}),
                       headers={"Content-Type": "application/json"})
    response = other.http.getresponse()
    assert response.status == 200, response.read()
    response.read()
    assert (active(issuing, token), active(other, token)) == (False, False)


def test_connections_opened_at_once_are_spread_over_both_workers(server, pair):
    """A load generator opens its keep-alive connections in one burst: with one socket shared by
    the workers, whichever woke first took them all and the other worker sat idle. Each worker
    has a socket of its own in the port's SO_REUSEPORT group (web/workers.py), and the kernel
    spreads new connections by their addresses: 16 all on one worker is a 1 in 32,768 chance.
    (`pair`: both workers have answered, so both are up.)"""
    deadline = time.monotonic() + 30
    while listening_sockets(server.port) < 2:  # each worker listens once it has built its app
        assert time.monotonic() < deadline, "the workers do not listen on sockets of their own"
        time.sleep(0.1)
    burst = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=10) for _ in range(16)]
    try:
        for connection in burst:
            connection.connect()  # all accepted (or queued) before any request is sent
        for connection in burst:
            connection.request("GET", "/healthz")
        for connection in burst:
            assert connection.getresponse().read()
        workers = [worker_of(server, connection.sock.getsockname()[1]) for connection in burst]
    finally:
        for connection in burst:
            connection.close()
    assert None not in workers
    counts = sorted(workers.count(worker) for worker in set(workers))
    assert len(counts) == 2 and counts[0] >= 2, f"connections per worker: {counts}"


def listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(f"socket:[{fields[9]}]")
    return inodes


def held_by(pid: int) -> set[str]:
    return {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}


def test_a_killed_worker_is_replaced_and_no_connection_waits_on_its_socket(tmp_path):
    """Every listening socket of the group belongs to a live worker: the supervisor keeps no copy
    (a copy would keep a dead worker's socket in the group, and the connections the kernel sends
    it would wait for no one)."""
    running = Serve(tmp_path / "data", "--config", str(SEED), "--workers", "2")
    try:
        def workers() -> list[int]:
            children = Path(f"/proc/{running.process.pid}/task/{running.process.pid}/children").read_text().split()
            return [int(pid) for pid in children if "multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_text()]

        deadline = time.monotonic() + 30
        while len(listening_inodes(running.port)) < 2 or len(workers()) < 2:
            assert time.monotonic() < deadline, "two workers did not start"
            time.sleep(0.1)
        time.sleep(1)  # the supervisor's next look at its workers
        assert not listening_inodes(running.port) & held_by(running.process.pid)
        victim = workers()[-1]
        os.kill(victim, 9)
        deadline = time.monotonic() + 30
        while victim in workers() or len(workers()) < 2 or len(listening_inodes(running.port)) != 2:
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(0.1)
        time.sleep(1)
        assert not listening_inodes(running.port) & held_by(running.process.pid)
        for _ in range(40):  # new connections, spread over the group: every one answered
            connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
            connection.close()
    finally:
        running.stop()
