"""Connections that cannot be held against the server: a deadline to receive each request, and a
cap on open connections that makes room for new ones.

uvicorn closes a keep-alive connection that stays idle after a response (`timeout_keep_alive`),
but it has no deadline for receiving a request: a connection that never sends a byte, or sends its
headers one byte a second (slowloris), is held forever, each by one file descriptor; once the
process runs out of them, accept() fails and no one is served. `limit_concurrency` does not help:
it answers 503 to every new request once the attackers' connections reach the limit, /healthz too.

So uvicorn's HTTP protocol (httptools, else h11: its "auto") gets two additions here:
- each request, headers and body, must arrive within `request_read_timeout` seconds of its first
  byte (of the connection's opening, for the first one); past that the connection is answered 408
  (RFC 9110 §15.5.9) if it sent anything, and closed;
- past `max_connections` open connections, a new one closes the one that has waited longest for its
  request (idle keep-alive connections first), so the newcomer is served.
Connections whose request is complete and being answered are never cut.
"""

import resource
from dataclasses import dataclass

from uvicorn.protocols.http.auto import AutoHTTPProtocol

RESERVED_FILES = 64  # descriptors kept for the database, logs, templates and outgoing fetches
TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


@dataclass
class Limits:
    request_read_timeout: float = 10.0
    max_connections: int = 0  # 0: the open-file limit less RESERVED_FILES


LIMITS = Limits()  # one server per process: `serve` sets it, and each `--workers` process


def configure(request_read_timeout: float, max_connections: int) -> None:
    LIMITS.request_read_timeout = request_read_timeout
    LIMITS.max_connections = max_connections or default_max_connections()


def default_max_connections() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(16, (soft if soft != resource.RLIM_INFINITY else 65_536) - RESERVED_FILES)


class BoundedHttp(AutoHTTPProtocol):
    """uvicorn's HTTP protocol with a request read deadline and a connection cap."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.read_deadline = None
        self.waiting_since = self.loop.time()
        self.sent_bytes = False
        self.arm()
        if len(self.connections) > (LIMITS.max_connections or default_max_connections()):
            make_room(self)

    def connection_lost(self, exc) -> None:
        self.disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        cycle = self.cycle
        if cycle is None or cycle.response_complete or cycle.more_body:  # a request still arriving
            self.sent_bytes = True
            if self.read_deadline is None:
                self.waiting_since = self.loop.time()
                self.arm()
        else:
            self.sent_bytes = False
            self.disarm()

    def arm(self) -> None:
        self.read_deadline = self.loop.call_later(LIMITS.request_read_timeout, self.read_timed_out)

    def disarm(self) -> None:
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None

    def read_timed_out(self) -> None:
        self.read_deadline = None
        self.cut()

    def cut(self) -> None:
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if self.sent_bytes and (cycle is None or cycle.response_complete or not cycle.response_started):
            self.transport.write(TIMED_OUT)
        self.transport.close()

    @property
    def waiting(self) -> bool:
        """Waiting for a request (or the rest of one): not being answered."""
        return self.read_deadline is not None or self.timeout_keep_alive_task is not None


def make_room(newcomer: BoundedHttp) -> None:
    """Close the connection that has waited longest for a request (idle keep-alive ones first);
    the newcomer itself when every other one is being answered."""
    waiting = [c for c in newcomer.connections if c is not newcomer and getattr(c, "waiting", False)]
    if not waiting:
        newcomer.transport.close()
        return
    victim = min(waiting, key=lambda c: (c.timeout_keep_alive_task is None, c.waiting_since))
    victim.cut()
