"""Token records written soon (store_soon.py): a client_credentials access token's record shares
a commit with the next ones on a SQLite file; every use of the table in this process sees the
buffered rows, the rows reach the file on their own within FLUSH_DELAY, and another process on
the file (`--workers`) that finds no record waits for this one's buffer first."""

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

from mock_idp.storage.models import IssuedToken, new_row
from mock_idp.storage.store import Store
from mock_idp.storage.write_soon import FLUSH_DELAY


def token(**fields) -> IssuedToken:
    now = int(time.time())
    return new_row(IssuedToken, **{"token_hash": uuid.uuid4().hex, "issuer": "default", "client_id": "demo-service",
                                   "issued_at": now, "access_expires_at": now + 60, **fields})


def rows_in_file(path) -> int:
    with sqlite3.connect(path) as db:  # another connection: what is committed
        return db.execute("SELECT count(*) FROM issued_tokens").fetchone()[0]


def test_buffered_records_are_found_and_revoked_at_once_and_written_on_their_own(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}")

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
    store = Store(f"sqlite:///{tmp_path / 'db'}")

    async def issue_then_reset():
        store.insert_soon(token())
        store.reset_tenant("default", ["default"], now_us=time.time_ns() // 1000)
        await asyncio.sleep(FLUSH_DELAY * 10)

    asyncio.run(issue_then_reset())
    assert rows_in_file(tmp_path / "db") == 0
    store.close()


def test_closing_the_store_writes_what_is_buffered(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}")

    async def issue():
        store.insert_soon(token())

    asyncio.run(issue())
    store.close()
    assert rows_in_file(tmp_path / "db") == 1


def test_off_the_event_loop_records_are_written_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}")
    store.insert_soon(token())  # no event loop (a worker thread, the CLI): now
    assert rows_in_file(tmp_path / "db") == 1
    store.close()


def test_a_worker_finds_and_revokes_a_record_another_worker_still_buffers(tmp_path):
    # Two stores on one file, as two `--workers` processes: each keeps a ledger of what it buffers.
    issuing, other = Store(f"sqlite:///{tmp_path / 'db'}"), Store(f"sqlite:///{tmp_path / 'db'}")
    loop = asyncio.new_event_loop()
    running = threading.Thread(target=loop.run_forever, daemon=True)
    running.start()

    def issue(row) -> None:
        async def on_the_loop():
            issuing.insert_soon(row)
        asyncio.run_coroutine_threadsafe(on_the_loop(), loop).result(timeout=10)

    try:
        first, second = token(), token()
        issue(first)
        assert rows_in_file(tmp_path / "db") == 0  # buffered in the issuing worker
        assert other.find_access_token(first.token_hash).id == first.id  # waited for its flush
        issue(second)
        other.revoke_token(second.token_hash)
        assert issuing.find_access_token(second.token_hash).revoked is True
        assert other.find_access_token(token().token_hash) is None  # unknown: nothing to wait for
    finally:
        loop.call_soon_threadsafe(loop.stop)
        running.join(timeout=10)
        issuing.close()
        other.close()


def test_a_worker_that_died_is_not_waited_for(tmp_path):
    # A kill -9 leaves its ledger file behind, unlocked: the others drop it and do not wait.
    url = f"sqlite:///{tmp_path / 'db'}"
    subprocess.run([sys.executable, "-c", DIES_BUFFERING, url], check=True, timeout=60)
    (left,) = [path for path in (tmp_path / "db-soon").iterdir() if not path.name.startswith(".")]
    store = Store(url)
    started = time.monotonic()
    assert store.find_access_token(token().token_hash) is None
    assert time.monotonic() - started < 1 and not left.exists()
    store.close()


# A worker that buffers a record and dies before its flush (os._exit: no clean-up runs).
DIES_BUFFERING = """
import asyncio, os, sys, time, uuid
from mock_idp.storage.models import IssuedToken, new_row
from mock_idp.storage.store import Store

async def main():
    store = Store(sys.argv[1])
    now = int(time.time())
    store.insert_soon(new_row(IssuedToken, token_hash=uuid.uuid4().hex, issuer="default",
                              client_id="demo-service", issued_at=now, access_expires_at=now + 60))
    os._exit(0)

asyncio.run(main())
"""


def test_without_flock_the_store_works_alone_on_its_file(tmp_path, monkeypatch):
    # Windows has no fcntl: no ledger, the store assumes it is alone on the file (as a lone server).
    import mock_idp.storage.write_soon as store_soon

    monkeypatch.setattr(store_soon, "fcntl", None)
    store = Store(f"sqlite:///{tmp_path / 'db'}")

    async def issue():
        row = token()
        store.insert_soon(row)
        return store.find_access_token(row.token_hash)

    assert asyncio.run(issue()) is not None
    store.change_tenant_state("red", keys_version=1)
    assert store.tenant_state("red").keys_version == 1
    store.close()
    assert not (tmp_path / "db-soon").exists()
