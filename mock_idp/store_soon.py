"""Rows written soon instead of now: a client_credentials access token's record, which only
introspection and revocation read back, is committed with the others of the next FLUSH_DELAY
in one transaction (a SQLite commit cost more than the rest of the request but the signature).

Only for one process on its own database: every read or write of the table in this process
settles the buffer first, so this process never misses a buffered row. With replicas
(PostgreSQL, `--workers`) the store writes at once: another replica must see every token at once.
A kill -9 within FLUSH_DELAY of an issuance loses the record of that access token (its JWT
still verifies; introspection then calls it inactive); refresh tokens, codes and sessions are
never buffered.
"""

import asyncio
import logging
import threading

log = logging.getLogger("mock_idp")

FLUSH_DELAY = 0.02  # seconds a row waits for others to share its commit


class WriteSoon:
    def __init__(self, raw):
        self.raw = raw  # store_sql.RawStatements
        self._rows: list[tuple] = []  # (Precompiled insert, values)
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
                rows, self._rows = self._rows, []
            if rows:
                self.raw.run_rows(rows)
