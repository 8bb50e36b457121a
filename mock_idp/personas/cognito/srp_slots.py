"""How many SRP challenges this process computes at once. Each costs three 3072-bit modular powers
(srp.py, about a tenth of a second of CPU) for an unauthenticated InitiateAuth that any client, or
a page of the pool's origins, may send as fast as it likes: unbounded, a flood held every worker
thread and, as a Python pow holds the GIL for its whole run, starved the event loop too.

Cognito bounds it with its request quotas: past them an operation answers TooManyRequestsException,
"Rate exceeded" (HTTP 400; amplify-js issue 3554, aws-sdk-java issue 2301), which the AWS SDKs retry
with backoff. Here the bound is the CPU's: RUNNING challenges at once (more would only take turns
on the GIL), WAITING more queue for their turn (a test suite's parallel sign-ins), and the next is
refused at once, without a thread blocked for it. docs/robustness.md, "Route by route".
"""

import threading
from contextlib import contextmanager

from .errors import CognitoError

RUNNING = 1
WAITING = 8
WAIT = 5.0  # seconds: a queued challenge waits at most this (WAITING * ~0.12 s, on a loaded machine)

_turn = threading.BoundedSemaphore(RUNNING)
_count = threading.Lock()
_holding = 0  # challenges running or waiting, in this process


def too_many() -> CognitoError:
    return CognitoError("TooManyRequestsException", "Rate exceeded")


@contextmanager
def srp_slot():
    """A turn to compute one challenge, or TooManyRequestsException."""
    global _holding
    with _count:
        if _holding >= RUNNING + WAITING:
            raise too_many()
        _holding += 1
    try:
        if not _turn.acquire(timeout=WAIT):
            raise too_many()
        try:
            yield
        finally:
            _turn.release()
    finally:
        with _count:
            _holding -= 1
