"""What a serving app runs beside its requests (the purge, the checkpoint): a task for the
duration of a block, cancelled at its end."""

import asyncio
import contextlib


@contextlib.asynccontextmanager
async def running(coroutine):
    task = asyncio.create_task(coroutine)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
