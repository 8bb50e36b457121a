"""The tenant state row kept in memory on a SQLite file (TenantStateStore.remember_states): every
change made through the store is seen by the next read, also when reads race the writes; a store
sharing the file (`--workers`, or a second server on the data dir) also sees at its next read what
another process committed."""

import sqlite3
import threading

import pytest

from mock_idp.storage.store import Store


def test_a_store_keeps_the_row_and_sees_each_change_at_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}")
    assert store.tenant_state("red").keys_version == 0
    store.change_tenant_state("red", keys_version=1)
    assert store.tenant_state("red").keys_version == 1
    store.change_tenant_state("red", clock_offset=-7200)
    assert store.tenant_state("red").clock_offset == -7200
    assert store.tenant_state("blue").clock_offset == 0  # another tenant's row is its own
    # A write behind the store's back (another process's) is seen too: SQLite's data_version moved.
    with sqlite3.connect(tmp_path / "db") as db:
        db.execute("UPDATE tenant_state SET keys_version = 99 WHERE tenant = 'red'")
    assert store.tenant_state("red").keys_version == 99


def test_a_store_sharing_its_file_sees_another_process_write_at_its_next_read(tmp_path):
    store, other = Store(f"sqlite:///{tmp_path / 'db'}"), Store(f"sqlite:///{tmp_path / 'db'}")
    store.change_tenant_state("red", keys_version=1)
    assert store.tenant_state("red").keys_version == 1
    with sqlite3.connect(tmp_path / "db") as db:  # the other worker's write
        db.execute("UPDATE tenant_state SET keys_version = 5 WHERE tenant = 'red'")
    assert store.tenant_state("red").keys_version == 5
    store.close()
    other.close()


def test_a_server_started_later_on_the_same_file_is_seen_at_once(tmp_path):
    # Two `mock-idp serve` on one data dir, no --workers: the first one kept the row while alone.
    first = Store(f"sqlite:///{tmp_path / 'db'}")
    assert first.tenant_state("red").directory_version == 0
    second = Store(f"sqlite:///{tmp_path / 'db'}")
    second.change_tenant_state("red", directory_version=1)
    assert first.tenant_state("red").directory_version == 1
    second.close()
    first.change_tenant_state("red", directory_version=1)  # alone again: its own writes, as before
    assert first.tenant_state("red").directory_version == 2
    first.close()


@pytest.mark.parametrize("writer", ["itself", "another worker"])
def test_reads_racing_writes_end_on_the_last_write(tmp_path, writer):
    url = f"sqlite:///{tmp_path / 'db'}"
    store = Store(url)
    other = store if writer == "itself" else Store(url)  # two processes on one file, as --workers
    store.tenant_state("red")
    done = threading.Event()

    def read_all_the_time():
        while not done.is_set():
            store.tenant_state("red")

    readers = [threading.Thread(target=read_all_the_time) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(100):
            other.change_tenant_state("red", directory_version=1)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert store.tenant_state("red").directory_version == 100
    store.close()
    if other is not store:
        other.close()
