"""Durability on PostgreSQL (the scale-out): `mock-idp serve`, alone or as two replicas sharing one
database behind one public URL, killed with SIGKILL mid-load and started again: every 200 answered
before the kill is still valid. The database server itself is never killed."""

import threading
import time
from collections import Counter

import httpx
import pytest

from conftest import free_port

from .test_durability import Serve, introspected, kill_9_rounds, okta_password_grant, refresh

pytest_plugins = ["pg_support"]  # postgres_url: a database of this run, on a real PostgreSQL


def replicas(tmp_path, postgres_url, count: int, ports: list[int]) -> list[Serve]:
    """`count` servers on one database; behind a load balancer they share the public URL (the
    first one's), hence the issuers."""
    env, base_url = {"MOCK_IDP_DATABASE_URL": postgres_url}, f"http://127.0.0.1:{ports[0]}"
    started = []
    try:
        for index in range(count):
            started.append(Serve(tmp_path / f"replica-{index}", "--base-url", base_url, env=env, port=ports[index]))
    except BaseException:
        for server in started:
            server.stop()
        raise
    return started


@pytest.mark.parametrize("count", [1, 2], ids=["single", "two-replicas"])
def test_kill_9_under_mixed_load_on_postgresql_loses_no_acknowledged_token(tmp_path, postgres_url, count):
    ports = [free_port() for _ in range(count)]
    acknowledged = kill_9_rounds(lambda: replicas(tmp_path, postgres_url, count, ports))
    print(f"acknowledged tokens per round ({count} server(s)): {acknowledged}")


def test_a_database_gone_answers_503_loses_nothing_acknowledged_and_recovers_without_restart(tmp_path, postgres_url, postgres_down):
    server = replicas(tmp_path, postgres_url, 1, [free_port()])[0]
    answers, stop = [], threading.Event()

    def keep_asking() -> None:  # in flight while the database goes: some requests die mid-transaction
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                answers.append(okta_password_grant(http, server.base))
    try:
        with httpx.Client(timeout=10) as http:
            assert okta_password_grant(http, server.base).status_code == 200  # keys and rows made
            load = [threading.Thread(target=keep_asking) for _ in range(3)]
            for thread in load:
                thread.start()
            time.sleep(0.3)
            with postgres_down():
                time.sleep(0.3)
                refused = okta_password_grant(http, server.base)
                assert refused.status_code == 503, refused.text
                assert refused.json()["error"] == "temporarily_unavailable"
                assert refused.headers["retry-after"] == "1" and refused.headers["cache-control"] == "no-store"
                assert http.get(server.base + "/healthz").status_code == 200  # liveness: the process serves
                time.sleep(1)
            deadline = time.monotonic() + 5  # the database is back: the next request's connection works
            while (answer := okta_password_grant(http, server.base)).status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert answer.status_code == 200, answer.text
            time.sleep(0.3)
            stop.set()
            for thread in load:
                thread.join()
            statuses = Counter(answer.status_code for answer in answers)
            assert set(statuses) == {200, 503}, statuses
            for acknowledged in [answer, *(answer for answer in answers if answer.status_code == 200)]:
                tokens = acknowledged.json()
                assert introspected(http, server.base, tokens["access_token"])
                assert refresh(http, server.base, tokens["refresh_token"]).status_code == 200
    finally:
        stop.set()
        server.stop()
    log = server.log()
    assert "Traceback" not in log and "unhandled" not in log, log[-3000:]
    failures = [line for line in log.splitlines() if line.startswith("database unavailable on POST")]
    assert len(failures) == statuses[503] + 1, log[-3000:]  # one line per refused request
    print(f"during the outage: {statuses[503]} answered 503, {statuses[200]} acknowledged and all valid")
