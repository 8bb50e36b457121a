"""The signing floor: RS256-2048 signatures per second with `cryptography`, one thread on one core
and two threads on two cores, so token req/s can be read against what the signature alone costs."""

import os
import threading
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# About the size of a JWT's signing input (header.payload, base64url).
SIGNING_INPUT = b"e" * 600


def signatures_per_second(seconds: float, threads: int, cores: set[int]) -> float:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def sign(slot: int) -> None:
        os.sched_setaffinity(0, cores)  # this thread only (Linux: a thread id is a pid)
        while time.perf_counter() < deadline:
            key.sign(SIGNING_INPUT, padding.PKCS1v15(), hashes.SHA256())
            counts[slot] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=sign, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def signing_floor(seconds: float) -> dict[str, float]:
    """cryptography releases the GIL while it signs, so two threads use two cores."""
    every = set(range(os.cpu_count() or 1))
    return {"one_core": signatures_per_second(seconds, 1, {min(every)}),
            "two_threads": signatures_per_second(seconds, 2, every) if len(every) > 1 else float("nan")}
