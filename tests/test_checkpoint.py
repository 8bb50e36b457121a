"""A serving app copies SQLite's write-ahead log into the database file from a worker thread
(checkpoint.py), not in the commit that fills the log: the file takes the new rows within a
CHECKPOINT_INTERVAL, long before SQLite's own threshold."""

import time

import httpx
from conftest import SEEDS, start_server

from mock_idp.storage.checkpoint import CHECKPOINT_INTERVAL, WAL_LIMIT


def test_the_database_file_takes_the_logged_rows_in_the_background(tmp_path):
    server = start_server(SEEDS / "core.yaml", tmp_path / "data")
    try:
        file = tmp_path / "data" / "mock_idp.db"
        with httpx.Client(base_url=server.base_url) as http:
            http.get("/default/jwks")  # the signing key is made and stored
            time.sleep(CHECKPOINT_INTERVAL * 3)
            before = file.stat().st_size
            for _ in range(30):  # 30 tokens with refresh tokens: 30 commits, a few hundred log pages
                answer = http.post("/default/token", auth=("demo-web", "demo-web-secret"), data={
                    "grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid"})
                assert answer.status_code == 200, answer.text
        deadline = time.monotonic() + CHECKPOINT_INTERVAL * 10
        while file.stat().st_size == before and time.monotonic() < deadline:
            time.sleep(CHECKPOINT_INTERVAL / 5)
        assert file.stat().st_size > before
    finally:
        server.stop()


def wal(tmp_path) -> int:
    log = tmp_path / "data" / "mock_idp.db-wal"
    return log.stat().st_size if log.exists() else 0


def test_the_log_stays_a_few_mb_under_sustained_writes_and_is_emptied_when_idle(tmp_path):
    server = start_server(SEEDS / "core.yaml", tmp_path / "data")
    try:
        largest = 0
        form = {"grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid"}
        with httpx.Client(base_url=server.base_url) as http:
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline:  # one client, back to back: ~150-300 token rows a second
                answer = http.post("/default/token", auth=("demo-web", "demo-web-secret"), data=form)
                assert answer.status_code == 200, answer.text
                largest = max(largest, wal(tmp_path))
        assert largest < WAL_LIMIT + 2 * 1024 * 1024  # a few MB (it was 41 MB after 50,000 tokens)
        deadline = time.monotonic() + CHECKPOINT_INTERVAL * 10
        while wal(tmp_path) and time.monotonic() < deadline:
            time.sleep(CHECKPOINT_INTERVAL / 5)
        assert wal(tmp_path) == 0  # idle: truncated
    finally:
        server.stop()
