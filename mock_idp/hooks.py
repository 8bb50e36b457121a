"""Calling the user's own code while a token is issued (a persona's token hook): a URL that gets a
JSON body by POST, or a Python handler. Vendor-free: the personas build the request and read the
answer (personas/cognito/pre_token_generation.py, personas/okta/token_inline_hook.py).

Token issuance is synchronous (authlib's grants), and the event loop must never wait on a hook:
an endpoint whose issuer calls hooks runs the issuance in a worker thread (web/off_loop.py), and the
hook call from there goes back to the loop for its HTTP request (`call_url`) or to another worker
thread for a handler (`call_handler`), both under one total timeout.
"""

import asyncio
import importlib
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable

import anyio
import anyio.from_thread

from .web.outbound import TooLarge, read_at_most
from .web import json_body

MAX_ANSWER_BYTES = 256 * 1024  # a hook's answer is a few claims; a larger one is refused, not read
MASK = "********"
# The hook calls of the request under way, for the audit trail (admin/watch.py sets a list; the
# issuance's worker thread runs in a copy of the request's context, so it appends to the same one).
_calls: ContextVar[list | None] = ContextVar("mock_idp_hook_calls", default=None)


def watching_calls() -> list:
    """Start collecting this request's hook calls; the list fills as hooks are called."""
    calls: list = []
    _calls.set(calls)
    return calls


def record_call(hook: str, target: str, request: Any, answer: Any, outcome: str,
                headers: dict[str, str] | None = None) -> None:
    """One hook call for the audit trail (when one is kept): what was sent (header values masked),
    what came back, and what became of it."""
    calls = _calls.get()
    if calls is not None:
        calls.append({"hook": hook, "at": time.time(), "target": target,
                      "headers": {name: MASK for name in headers or {}},
                      "request": request, "answer": answer, "outcome": outcome})


class HookFailure(Exception):
    """A hook's failure that denies the tokens, as the persona words it: `type` and `message` for
    a vendor JSON API, `message` for the sign-in page, `error`/`description` (RFC 6749 §5.2) for
    the token endpoint."""

    def __init__(self, type_: str, message: str, error: str = "invalid_request", description: str | None = None):
        super().__init__(f"{type_}: {message}")
        self.type, self.message, self.error = type_, message, error
        self.description = description if description is not None else message


class HookError(Exception):
    """The hook could not be asked or did not answer: `kind` is one of "timeout", "unreachable",
    "too_large", "handler_not_found" (a function error is an answer: HookAnswer.function_error)."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


@dataclass
class HookAnswer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body as JSON; ValueError if it is not."""
        return json_body.loads(self.body)


async def post_json(url: str, payload: Any, headers: dict[str, str], timeout: float,
                    max_bytes: int = MAX_ANSWER_BYTES) -> HookAnswer:
    """POST `payload` as JSON and read the answer, at most `max_bytes`, within `timeout` seconds
    in all (connect, send, wait, read)."""
    import httpx  # here: httpx loads rich (its CLI's): ~35 ms and ~6 MiB of every start with no hook

    try:
        with anyio.fail_after(timeout):
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False,
                                         limits=httpx.Limits(max_connections=1)) as http:
                async with http.stream("POST", url, json=payload, headers=headers) as response:
                    return HookAnswer(response.status_code, await read_at_most(response, max_bytes),
                                      dict(response.headers))
    except TooLarge:
        raise HookError("too_large", f"the answer is larger than {max_bytes} bytes") from None
    except (TimeoutError, httpx.TimeoutException):  # whichever of the two clocks ran out first
        raise HookError("timeout", f"no answer within {timeout:g} s") from None
    except httpx.HTTPError as error:
        raise HookError("unreachable", f"{type(error).__name__}: {error}") from None


def call_url(url: str, payload: Any, headers: dict[str, str], timeout: float) -> HookAnswer:
    """post_json from a worker thread (web/off_loop.py), on the event loop that runs the server."""
    not_on_the_loop()
    return anyio.from_thread.run(post_json, url, payload, headers, timeout)


def not_on_the_loop() -> None:
    """A hook is never waited for on the event loop: a path that issues tokens there without
    off_loop is a bug, answered as a hook that could not be called (never a blocked server)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise HookError("unreachable", "token hooks are called off the event loop only")


def load_handler(target: str) -> Callable:
    """`package.module:function` or `package.module.function` -> the function."""
    module_name, _, name = target.rpartition(":") if ":" in target else target.rpartition(".")
    try:
        function = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise HookError("handler_not_found", f"cannot import {target!r}: {error}") from None
    if not callable(function):
        raise HookError("handler_not_found", f"{target!r} is not callable")
    return function


def call_handler(target: str, args: tuple, timeout: float) -> Any:
    """Call the handler named `target` with `args` in a worker thread of its own, from a worker
    thread (web/off_loop.py), waiting at most `timeout` seconds. A handler that overruns is left to
    finish on its own (a thread cannot be stopped), as a Lambda past its time is cut off."""
    function = load_handler(target)
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - the handler's failure is its answer
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name=f"hook {target}", daemon=True).start()
    if not done.wait(timeout):
        raise HookError("timeout", f"no answer within {timeout:g} s")
    if "error" in outcome:
        raise HandlerFailed(outcome["error"])
    return outcome["value"]


class HandlerFailed(Exception):
    """The handler raised: its exception, for the persona to word as the vendor does."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def injected_failure(issuer, hook: str, ctx):
    """The scenario armed to make this call of `hook` fail (admin API), taken once; else None."""
    fire = getattr(issuer, "next_hook_failure", None)
    return fire(hook, ctx) if fire is not None else None
