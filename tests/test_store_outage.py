"""The store on a PostgreSQL server that goes away: its errors are the engine's OperationalError
(which the server answers 503 temporarily_unavailable, web/guard.py), and it works again by itself
when the server is back. End to end: tests/e2e/test_postgres_durability.py."""

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from mock_idp.storage.sql import Precompiled
from mock_idp.storage.store import Store

pytest_plugins = ["pg_support"]  # postgres_url, postgres_down: a real PostgreSQL server


@pytest.fixture
def store(postgres_url):
    store = Store(postgres_url)
    yield store
    store.close()


def test_a_database_refusing_connections_raises_the_engines_error_then_works_again(store, postgres_down):
    store.tenant_state("default")  # a pooled connection, which the outage ends
    with postgres_down():
        with pytest.raises(OperationalError):
            store.tenant_state("default")
    assert store.tenant_state("default").clock_offset == 0


def test_a_connection_ended_mid_transaction_raises_the_engines_error_and_is_replaced(store, caplog):
    # The statement ends its own connection, as a server shutdown or failover does mid-transaction.
    ends_itself = Precompiled(store.engine, text("SELECT pg_terminate_backend(pg_backend_pid())"))
    with caplog.at_level(logging.ERROR), pytest.raises(OperationalError, match="terminating connection"):
        store.raw.run(ends_itself, [{}])
    # The lost connection was dropped, not handed back to the pool to be reset (a traceback in the log).
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR], caplog.text
    assert store.tenant_state("default").clock_offset == 0
