"""web/off_loop.py's bound, on its own: work on a database server that does not answer is given up
after the store's wait, waiting for a thread counts in that wait, and a thread stuck on it keeps
its place in the pool until its work ends (so a pause cannot pile up threads)."""

import asyncio
import threading
import time
from types import SimpleNamespace

import anyio.to_thread
import pytest

from mock_idp.web.off_loop import DatabaseTimeout, off_loop

SERVER = SimpleNamespace(wait=0.2)  # a store on a database server, as off_loop sees one
FILE = SimpleNamespace(wait=None)  # a SQLite file


def test_work_past_the_wait_is_given_up_and_a_stuck_thread_keeps_its_place():
    paused, ran = threading.Event(), []

    def database_call(name):
        ran.append(name)
        paused.wait(5)
        return name

    async def scenario():
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = 2  # the pool, small enough to fill
        stuck = [asyncio.create_task(off_loop(database_call, name, needed=False, store=SERVER)) for name in "ab"]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(DatabaseTimeout):  # no thread free: the wait for one counts
            await off_loop(database_call, "c", needed=False, store=SERVER)
        waited = time.monotonic() - started
        for task in stuck:
            with pytest.raises(DatabaseTimeout):
                await task
        assert limiter.borrowed_tokens == 2  # the stuck threads still hold the pool's places
        paused.set()  # the database answers: the threads finish, their places come back
        for _ in range(100):
            if limiter.borrowed_tokens == 0:
                break
            await asyncio.sleep(0.01)
        assert limiter.borrowed_tokens == 0
        assert await off_loop(str.upper, "d", needed=False, store=SERVER) == "D"
        return waited

    waited = asyncio.run(scenario())
    assert 0.15 < waited < 1.0, waited
    assert sorted(ran) == ["a", "b"]  # the request given up before a thread was free did nothing


def test_on_a_file_the_work_runs_where_it_is_called():
    async def scenario():
        caller = threading.get_ident()
        here = await off_loop(threading.get_ident, needed=False, store=FILE)
        hooked = await off_loop(threading.get_ident, needed=True, store=FILE)
        return caller, here, hooked

    caller, here, hooked = asyncio.run(scenario())
    assert here == caller and hooked != caller  # a hook that may be called: a worker thread, as before
