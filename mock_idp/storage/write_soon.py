"""Rows written soon instead of now: a client_credentials access token's record, which only
introspection and revocation read back, is committed with the others of the next FLUSH_DELAY
in one transaction (a SQLite commit cost more than the rest of the request but the signature).

Every read or write of the table in this process settles the buffer first, so this process
never misses a buffered row. Every store on a SQLite file also keeps a Ledger: with others on
the file (`--workers`, or two servers on one data dir), a read that finds no record
(introspection, revocation) or a reset waits for the others' rows buffered by then to be
written, so a token one process issued is active at once on every other. PostgreSQL replicas (other hosts) write at once. A kill -9 within FLUSH_DELAY of
an issuance loses the record of that access token (its JWT still verifies; introspection then
calls it inactive); refresh tokens, codes and sessions are never buffered.
"""

import asyncio
import contextlib
import logging
import mmap
import os
import struct
import threading
import time
import uuid
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock, so no ledger (a process there assumes it is alone on the file)
    fcntl = None

log = logging.getLogger("mock_idp")

FLUSH_DELAY = 0.02  # seconds a row waits for others to share its commit
PATIENCE = 5.0  # seconds a reader waits at most for another process's rows (a stuck process)
COUNT = struct.Struct("<Q")
COUNTERS = struct.Struct("<QQ")  # rows buffered, rows written (by the process owning the file)


class WriteSoon:
    def __init__(self, raw, ledger: "Ledger | None" = None):
        self.raw = raw  # store_sql.RawStatements
        self.ledger = ledger  # other processes on the file read what this one buffers
        self._rows: list[tuple] = []  # (Precompiled insert, values)
        self._added = 0  # rows ever buffered
        self._scheduled = False
        self._lock = threading.Lock()  # the buffer
        self._writing = threading.Lock()  # one flush at a time; settle() waits for the one under way

    def add(self, statement, values: dict) -> bool:
        """Buffer a row, to be flushed from the running event loop; False off the loop (the
        caller writes it now)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        with self._lock:
            self._rows.append((statement, values))
            self._added += 1
            if self.ledger is not None:  # before the response: the caller may ask another process next
                self.ledger.buffered(self._added)
            if not self._scheduled:
                self._scheduled = True
                loop.call_later(FLUSH_DELAY, self._flush_in_background, loop)
        return True

    def _flush_in_background(self, loop) -> None:
        with self._lock:
            self._scheduled = False
        loop.run_in_executor(None, self._flush_logging_errors)

    def _flush_logging_errors(self) -> None:
        try:
            self.settle()
        except Exception:  # a database hiccup loses these records, never a request
            log.exception("writing buffered token records failed")

    def settle(self) -> None:
        """Write every buffered row now, from any thread: afterwards every read sees them."""
        if not self._rows and not self._writing.locked():
            return
        with self._writing:
            with self._lock:
                rows, self._rows, added = self._rows, [], self._added
            try:
                if rows:
                    self.raw.run_rows(rows)
            finally:  # written, or lost: either way no reader should wait for them
                if self.ledger is not None:
                    self.ledger.written(added)

    def settle_everywhere(self) -> None:
        """settle(), and wait for what the other processes on the file had buffered by now."""
        self.settle()
        if self.ledger is not None and self.ledger.crowded():
            self.ledger.wait_for_others()

    def close(self) -> None:
        self.settle()
        if self.ledger is not None:
            self.ledger.close()


class Ledger:
    """How many rows this process has buffered and written, in a small file the others read
    (one per store, in a folder beside the database). The owner holds an flock on its file as
    long as it lives, so a file whose lock can be taken is a dead process's, and is removed.
    The folder's `.members` counts the stores on the database (recounted at each join and leave,
    under its lock): while it is 1 nobody else can have written, however the server was started."""

    @staticmethod
    def available() -> bool:
        return fcntl is not None

    def __init__(self, folder: Path):
        folder.mkdir(exist_ok=True)
        self.folder = folder
        name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = folder / name
        self._members_fd = os.open(folder / ".members", os.O_RDWR | os.O_CREAT, 0o600)
        with self._joining():
            making = folder / f".{name}"  # readers skip it until it is locked and sized
            self._fd = os.open(making, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            os.ftruncate(self._fd, COUNTERS.size)
            os.rename(making, self.path)
            self._map = mmap.mmap(self._fd, COUNTERS.size)  # stores, no system call per row
            self._count_members(self._live_others() + 1)

    @contextlib.contextmanager
    def _joining(self):
        fcntl.flock(self._members_fd, fcntl.LOCK_EX)  # one join or leave at a time
        try:
            if os.fstat(self._members_fd).st_size < COUNT.size:
                os.ftruncate(self._members_fd, COUNT.size)
            yield
        finally:
            fcntl.flock(self._members_fd, fcntl.LOCK_UN)

    def _count_members(self, count: int) -> None:
        if not hasattr(self, "_members"):
            self._members = mmap.mmap(self._members_fd, COUNT.size)
        COUNT.pack_into(self._members, 0, count)

    def _live_others(self) -> int:
        return sum(self._alive(self.folder / name) for name in os.listdir(self.folder)
                   if name != self.path.name and not name.startswith("."))

    def _alive(self, path: Path) -> bool:
        """Does a store still own `path`? A dead one's file is removed."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        path.unlink(missing_ok=True)  # a process that died (kill -9): its rows are lost
        return False

    def crowded(self) -> bool:
        """Another store (process) may use the database: one read of shared memory."""
        return COUNT.unpack_from(self._members, 0)[0] > 1

    # Each count is written by one thread only (buffered: the loop; written: the flush), in its own 8 bytes.
    def buffered(self, count: int) -> None:
        COUNT.pack_into(self._map, 0, count)

    def written(self, count: int) -> None:
        COUNT.pack_into(self._map, COUNT.size, count)

    def wait_for_others(self) -> None:
        deadline = time.monotonic() + PATIENCE
        for name in os.listdir(self.folder):
            if name != self.path.name and not name.startswith("."):
                self._wait_for(self.folder / name, deadline)

    def _wait_for(self, path: Path, deadline: float) -> None:
        if not self._alive(path):
            return
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return  # closed meanwhile: it wrote everything first
        try:
            buffered, written = COUNTERS.unpack(os.pread(fd, COUNTERS.size, 0))
            while written < buffered:
                if time.monotonic() > deadline:
                    log.warning("another worker did not write its token records within %s s", PATIENCE)
                    return
                time.sleep(0.001)
                written = COUNTERS.unpack(os.pread(fd, COUNTERS.size, 0))[1]
        finally:
            os.close(fd)

    def close(self) -> None:
        with self._joining():
            self.path.unlink(missing_ok=True)
            self._count_members(self._live_others())
        self._map.close()
        self._members.close()
        os.close(self._fd)  # and with it the lock
        os.close(self._members_fd)
