"""Synchronous work that may wait runs in a worker thread, never on the event loop: a token
issuance that may call the user's hook (hooks.py), and, on a database server (PostgreSQL), every
store call of a request. A SQLite file answers in microseconds and is never paused, so there the
store's work stays on the loop (the cheaper path, the one the benchmarks measure).

A database server can stop answering while its connections stay up (a paused or overloaded
server, a stalled failover): a read on its socket then waits for as long as it takes, so neither
libpq's timeouts nor our pool can end it. The request does not wait for it: past the store's
`wait` seconds (waiting for a free thread included) it is answered 503 temporarily_unavailable
(web/guard.py), and the thread is left to finish when the server answers. Threads stuck so are
bounded by the thread pool's own limit (anyio's default limiter): one is held until its work ends,
not until its request gave up, so a pile-up waits for a thread, and times out, instead of growing.
"""

import asyncio
from typing import Callable

import anyio.to_thread
from fastapi.routing import APIRoute
from starlette.routing import Route
from sqlalchemy.exc import OperationalError

HOOK_WAIT = 5.0  # seconds: the longest a persona waits for a hook (Cognito's trigger, 5 s)


class DatabaseTimeout(OperationalError):
    """The database server did not answer within the store's wait: answered as a database
    unavailable (503, web/guard.py); the work may still finish (and commit) later."""

    def __init__(self, seconds: float):
        super().__init__(None, None, TimeoutError(f"no answer from the database server within {seconds:g} s"))


async def off_loop(function: Callable, *args, needed: bool | Callable[[], bool] = True, store=None):
    """`function(*args)` in a worker thread when `needed` (it may call a hook; a function when
    knowing reads the store) or when it uses `store` on a database server (`store.wait` seconds,
    else None), else here, on the loop."""
    wait = getattr(store, "wait", None)
    if wait is None:
        if not (needed() if callable(needed) else needed):
            return function(*args)
        return await anyio.to_thread.run_sync(function, *args)
    return await bounded(function, args, wait, needed)


async def bounded(function: Callable, args: tuple, seconds: float, hooks: bool | Callable[[], bool] = False):
    """`function(*args)` in a worker thread, waited for at most `seconds` (DatabaseTimeout past
    them), HOOK_WAIT more if `hooks` (asked in the thread) says a hook may be called. The thread
    runs in a task of its own, which holds its thread (and the pool's token) until the work ends;
    a request answered before a thread was free leaves it nothing to do."""
    given_up, calls_hooks = False, False

    def run():
        nonlocal calls_hooks
        if given_up:
            return None  # its request was answered 503 while it waited for a thread: do nothing
        calls_hooks = hooks() if callable(hooks) else hooks
        return function(*args)

    work = asyncio.create_task(anyio.to_thread.run_sync(run))  # in a copy of the request's context
    try:
        try:
            return await asyncio.wait_for(asyncio.shield(work), seconds)
        except TimeoutError:
            if not calls_hooks:
                raise
            seconds += HOOK_WAIT  # the hook's own timeout runs out first: its failure is the answer
            return await asyncio.wait_for(asyncio.shield(work), HOOK_WAIT)
    except TimeoutError:
        given_up = True
        work.add_done_callback(_left)
        raise DatabaseTimeout(seconds) from None


async def off_loop_handler(handler: Callable, request, *args, store=None):
    """`await handler(request, *args)`, an async endpoint that waits for nothing but the request's
    body (a JSON API's handler: the body, then store calls): on a database server the body is read
    here and the handler runs to its end in a worker thread, on an event loop of its own there
    (its body reads find the body read), within the store's wait; elsewhere, here."""
    if getattr(store, "wait", None) is None:
        return await handler(request, *args)
    await request.body()
    return await bounded(lambda: asyncio.run(handler(request, *args)), (), store.wait)


def route_off_loop(route, store):
    """A Starlette route whose async endpoint waits for nothing but the request's body, with the
    endpoint run by off_loop_handler on a database server; else (or not such a route) as it is.
    An endpoint that moves its own work off the loop says so (`endpoint.off_loop = True`)."""
    if getattr(store, "wait", None) is None or type(route) is not Route or getattr(route.endpoint, "off_loop", False):
        return route
    endpoint = route.endpoint

    async def run_off_loop(request):
        return await off_loop_handler(endpoint, request, store=store)
    return Route(route.path, run_off_loop, methods=list(route.methods or ()), name=route.name)


class OffLoopRoute(APIRoute):
    """A FastAPI route whose endpoint uses the store (the admin API's): off_loop_handler of the
    app's `state.store` (FastAPI's own hook for this, a route class)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def off_the_loop(request):
            return await off_loop_handler(handler, request, store=request.app.state.store)
        return off_the_loop


def _left(work: asyncio.Task) -> None:
    """The outcome of work whose request gave up on it: nobody reads it (a failure was the
    database's, and its request was answered 503 already)."""
    if not work.cancelled():
        work.exception()


DOCUMENT_WAIT = 0.2  # seconds a document waits for a fresh read before the last rendering is served


class LastKnown:
    """On a database server: documents (discovery, JWKS) whose current version is read from the
    store, rendered off the loop; a read the database has not answered within DOCUMENT_WAIT, and
    every request while that read is still under way, gets the last rendering at once, as a cache
    in front of a real IdP would serve it. Without one yet (the first, which may make the keys),
    the store's `wait`, then DatabaseTimeout (a 503)."""

    def __init__(self, wait: float):
        self.wait = wait
        self._last: dict = {}
        self._reading: dict = {}  # key -> (started, task)

    async def body(self, key, render: Callable[[], bytes]) -> bytes:
        last, loop = self._last.get(key), asyncio.get_running_loop()
        started, reading = self._reading.get(key, (None, None))
        if reading is not None and last is not None and loop.time() - started >= DOCUMENT_WAIT:
            return last  # the database has not answered that read: no use waiting again
        if reading is None:
            started, reading = loop.time(), asyncio.create_task(anyio.to_thread.run_sync(render))
            self._reading[key] = (started, reading)
            reading.add_done_callback(lambda task: self._read(key, task))
        limit = DOCUMENT_WAIT if last is not None else self.wait
        try:
            return await asyncio.wait_for(asyncio.shield(reading), max(0.0, started + limit - loop.time()))
        except TimeoutError:
            if last is None:
                raise DatabaseTimeout(limit) from None
            return last

    def _read(self, key, task: asyncio.Task) -> None:
        self._reading.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self._last[key] = task.result()
