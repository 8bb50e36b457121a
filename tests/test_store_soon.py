"""Token records written soon (store_soon.py): a client_credentials access token's record shares
a commit with the next ones when the server is alone on its SQLite file; every use of the table
in this process sees the buffered rows, and the rows reach the file on their own within
FLUSH_DELAY. With replicas the store writes at once."""

import asyncio
import sqlite3
import time
import uuid

from mock_idp.models import IssuedToken, new_row
from mock_idp.store import Store
from mock_idp.store_soon import FLUSH_DELAY


def token(**fields) -> IssuedToken:
    now = int(time.time())
    return new_row(IssuedToken, **{"token_hash": uuid.uuid4().hex, "issuer": "default", "client_id": "demo-service",
                                   "issued_at": now, "access_expires_at": now + 60, **fields})


def rows_in_file(path) -> int:
    with sqlite3.connect(path) as db:  # another connection: what is committed
        return db.execute("SELECT count(*) FROM issued_tokens").fetchone()[0]


def test_buffered_records_are_found_and_revoked_at_once_and_written_on_their_own(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}", alone=True)

    async def issue_and_use():
        first, second = token(), token()
        store.insert_soon(first)
        store.insert_soon(second)
        assert rows_in_file(tmp_path / "db") == 0  # buffered, not yet committed
        assert store.find_access_token(first.token_hash).id == first.id  # this process sees it
        store.revoke_token(second.token_hash)
        assert store.find_access_token(second.token_hash).revoked is True
        third = token()
        store.insert_soon(third)
        await asyncio.sleep(FLUSH_DELAY * 10)  # no read: the loop writes it within FLUSH_DELAY
        return third

    third = asyncio.run(issue_and_use())
    assert rows_in_file(tmp_path / "db") == 3
    assert store.find_access_token(third.token_hash) is not None
    store.close()


def test_a_reset_removes_records_still_buffered(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}", alone=True)

    async def issue_then_reset():
        store.insert_soon(token())
        store.reset_tenant("default", ["default"], now_us=time.time_ns() // 1000)
        await asyncio.sleep(FLUSH_DELAY * 10)

    asyncio.run(issue_then_reset())
    assert rows_in_file(tmp_path / "db") == 0
    store.close()


def test_closing_the_store_writes_what_is_buffered(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}", alone=True)

    async def issue():
        store.insert_soon(token())

    asyncio.run(issue())
    store.close()
    assert rows_in_file(tmp_path / "db") == 1


def test_with_replicas_or_off_the_event_loop_records_are_written_at_once(tmp_path):
    shared = Store(f"sqlite:///{tmp_path / 'db'}")  # not alone: another process may read

    async def issue():
        shared.insert_soon(token())

    asyncio.run(issue())
    assert rows_in_file(tmp_path / "db") == 1
    alone = Store(f"sqlite:///{tmp_path / 'db'}", alone=True)
    alone.insert_soon(token())  # no event loop (a worker thread, the CLI): now
    assert rows_in_file(tmp_path / "db") == 2
    shared.close()
    alone.close()
