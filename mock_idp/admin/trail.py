"""The audit trail's write-behind buffer: what `watch.Watch` saw goes to the store in batches,
off the request path, so every replica's requests are in one trail, bounded per endpoint.

A request costs an append to a list. The first record after a quiet spell schedules a flush
FLUSH_DELAY later; whatever came in by then is one multi-row INSERT (in a worker thread), so
under load a batch holds many requests. A reader flushes this replica's buffer first, so it sees
every request this replica answered. A request another replica answered is in that replica's
buffer for up to FLUSH_DELAY plus its insert: with replicas (PostgreSQL, or --workers), a read
waits SETTLE for that first, so a request whose response the caller already has is in the trail
(unless that replica's database write takes longer than SETTLE - FLUSH_DELAY, under heavy load).
A process killed with -9 loses the records of its last FLUSH_DELAY; a stopped one flushes first.
"""

import asyncio
import json
import logging
from collections import deque

log = logging.getLogger("mock_idp")

AUDIT_PER_ENDPOINT = 200  # kept per endpoint of each tenant; the oldest go as new ones come
FLUSH_DELAY = 0.02  # seconds a record waits for others to share its INSERT
SETTLE = 0.1  # seconds a reader waits for other replicas' buffers
BUFFER_LIMIT = 10_000  # records held if the database stalls; the oldest are dropped past it


class AuditTrail:
    def __init__(self, store, replicated: bool):
        self.store = store
        self.settle = SETTLE if replicated else 0.0
        self._buffer: deque[dict] = deque(maxlen=BUFFER_LIMIT)
        self._pending: asyncio.Task | None = None
        self._lock: asyncio.Lock | None = None

    def add(self, tenant: str, endpoint: str, at: float, record: dict) -> None:
        """On the event loop, as a request ends: buffered, flushed soon in a batch."""
        self._buffer.append({"tenant": tenant, "endpoint": endpoint, "at": int(at * 1_000_000),
                             "record": json.dumps(record, separators=(",", ":"))})
        if self._pending is None:
            self._pending = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_DELAY)
        self._pending = None
        await self.flush()

    async def flush(self) -> None:
        """Write what is buffered; one flush at a time per replica, so batches land in order."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            rows = list(self._buffer)
            self._buffer.clear()
            if not rows:
                return
            try:
                await asyncio.to_thread(self.store.add_audit_records, rows, AUDIT_PER_ENDPOINT)
            except Exception:  # a database hiccup loses these records, never a request
                log.exception("writing %d audit trail records failed", len(rows))

    async def list(self, tenant: str, endpoint: str | None = None, limit: int = AUDIT_PER_ENDPOINT) -> list[dict]:
        """The tenant's newest records (of one endpoint), oldest first, from every replica."""
        await self.flush()
        if self.settle:
            await asyncio.sleep(self.settle)
        return await asyncio.to_thread(self.store.audit_records, tenant, endpoint, limit)

    def clear(self, tenant: str) -> None:
        """After the store reset the tenant: its records still buffered here go too."""
        kept = [row for row in self._buffer if row["tenant"] != tenant]
        self._buffer.clear()
        self._buffer.extend(kept)
