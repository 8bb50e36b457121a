"""Each tenant's state row (versions, clock offset), read at most once per HTTP request.

Whatever asks during one request (client lookup, clock, keys) shares one read, so a request
costs one primary-key SELECT however many lookups it makes, and every replica sees an admin
change on its next request. Outside a request (tests, the CLI) every call reads afresh.
"""

import threading
from contextvars import ContextVar

from .tenant_state import State

_memo: ContextVar[dict | None] = ContextVar("mock_idp_tenant_state", default=None)


class PerRequestState:
    """ASGI middleware: a fresh memo per HTTP request (pure ASGI: no per-request task)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        token = _memo.set({})
        try:
            await self.app(scope, receive, send)
        finally:
            _memo.reset(token)


def read_state(store, tenant: str) -> State:
    memo = _memo.get()
    if memo is None:
        return store.tenant_state(tenant)
    state = memo.get(tenant)
    if state is None:
        state = memo[tenant] = store.tenant_state(tenant)
    return state


class VersionCache:
    """What `load()` gave for the latest version asked for: reloaded when the version moves."""

    def __init__(self, load, initial=None):
        self._load, self._value, self._version = load, initial, None
        self._lock = threading.Lock()

    def get(self, version: int):
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self._value, self._version = self._load(), version
        return self._value

    def forget(self) -> None:
        self._version = None


def forget_state(tenant: str) -> None:
    """After this request changed the tenant: its next read sees the change."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(tenant, None)
