"""Durability on PostgreSQL (the scale-out): `mock-idp serve`, alone or as two replicas sharing one
database behind one public URL, killed with SIGKILL mid-load and started again: every 200 answered
before the kill is still valid. The database server itself is never killed."""

import pytest

from conftest import free_port

from .test_durability import Serve, kill_9_rounds

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
