"""`serve --workers N`: uvicorn's own supervisor (Multiprocess: start, watch, restart, stop the
workers), each worker listening on a socket of its own bound to the port with SO_REUSEPORT.

With uvicorn's one socket shared by every worker, a burst of new connections all go to whichever
worker wakes first and accepts them in one go: a load generator opening its 16 keep-alive
connections at once had them all on one worker, the other idle (bench/run.py --quick: 29% of the
two-thread signing floor instead of 56%). With a socket per worker in one SO_REUSEPORT group, the
kernel picks the worker for each new connection by a hash of its addresses (Linux's socket(7)).
"""

import logging
import socket

from uvicorn.config import Config
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger("uvicorn.error")


def spreads_connections() -> bool:
    """Linux balances an SO_REUSEPORT group's connections; other systems may not."""
    import sys

    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


class SpreadWorkers(Multiprocess):
    """Multiprocess, where each worker it starts (at first, to replace one, on SIGHUP or SIGTTIN)
    is handed a new socket of the group. The supervisor closes its own copies at its next look at
    the workers (every half second): a worker's socket must leave the group with the worker, or
    the connections the kernel sends it would wait for no one."""

    def __init__(self, config: Config):
        self._handed: list[socket.socket] = []
        super().__init__(config, sockets=[])

    @property
    def sockets(self) -> list[socket.socket]:
        handed = group_socket(self.config)
        self._handed.append(handed)
        return [handed]

    @sockets.setter
    def sockets(self, _value) -> None:
        pass  # each worker gets a socket of its own (above)

    def keep_subprocess_alive(self) -> None:
        self._close_handed()  # each went to a worker started since: it holds its own copy
        super().keep_subprocess_alive()

    def _close_handed(self) -> None:
        handed, self._handed = self._handed, []
        for sock in handed:
            sock.close()

    def run(self) -> None:
        scheme = "https" if self.config.is_ssl else "http"
        logger.info("Uvicorn running on %s://%s:%d with a socket per worker (Press CTRL+C to quit)",
                    scheme, self.config.host, self.config.port)
        try:
            super().run()
        finally:
            self._close_handed()


def group_socket(config: Config) -> socket.socket:
    """A socket bound to the server's address in the port's SO_REUSEPORT group; the worker listens."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((config.host, config.port))
    sock.set_inheritable(True)
    return sock
