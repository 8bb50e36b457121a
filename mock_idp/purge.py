"""Expired codes, tokens, sessions and device codes are deleted in the background, in bounded
batches, so the database does not grow with every login (every replica purges; it is idempotent)."""

import asyncio
import contextlib
import logging
import time

log = logging.getLogger("mock_idp")


async def purge_forever(store, interval: float, batch: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            # In a worker thread: the event loop keeps serving while the database works.
            while await asyncio.to_thread(store.purge_expired, int(time.time()), batch) >= batch:
                await asyncio.sleep(0)  # a backlog: more batches, each one bounded
        except Exception:  # a database hiccup must not end the purging for good
            log.exception("purging expired rows failed; trying again in %s s", interval)


@contextlib.asynccontextmanager
async def purging(app):
    settings = app.state.settings
    task = asyncio.create_task(purge_forever(app.state.store, settings.purge_interval, settings.purge_batch))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
