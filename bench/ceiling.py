"""How much of the RS256 signing floor (bench/floor.py) uvicorn leaves to an application: a bare
ASGI app that only reads the request, signs and answers (bare_token_app.py), loaded by wrk as
bench/run.py loads mock_idp's token endpoint, on one pinned core and as `--workers 2` unpinned,
beside mock_idp in the same conditions. Read a target such as "--workers 2 >= 70% of the
two-thread floor" against what the bare app reaches.

    .venv/bin/python bench/ceiling.py [--seconds 5] [--connections 16]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import floor  # noqa: E402
import load  # noqa: E402
import servers  # noqa: E402
from targets import MockIdp, MockIdpWorkers, client_credentials  # noqa: E402

WORK = Path(__file__).parent / ".work"


class Bare(MockIdp):
    name = "bare uvicorn + signature"
    discovery = "/default/.well-known/openid-configuration"  # any path answers
    token = client_credentials("/default/token", "bench-service", "bench-service-secret")
    cwd = Path(__file__).parent

    def __init__(self, workers: int):
        self.workers = workers

    def command(self, port, work, fresh):
        return [sys.executable, "-m", "uvicorn", "bare_token_app:app", "--port", str(port), "--workers",
                str(self.workers), "--log-level", "warning", "--no-access-log"]


def rate(target, pinned: bool, args) -> float:
    with servers.Server(target, WORK, pinned=pinned) as server:
        url = server.base + target.token.path
        load.wrk(url, target.token, 1, args.connections, WORK)  # warm-up
        return load.wrk(url, target.token, args.seconds, args.connections, WORK)["rate"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    if not load.wrk_version():
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    pinning = servers.pinning(True)
    rows = [(name, rate(target, True, args)) for name, target in (("bare, one pinned core", Bare(1)),
                                                                  ("mock_idp, one pinned core", MockIdp()))]
    every = os.sched_getaffinity(0)
    os.sched_setaffinity(0, range(os.cpu_count() or 1))  # --workers 2: nothing pinned, as run.py
    try:
        rows += [(name, rate(target, False, args)) for name, target in (("bare, --workers 2", Bare(2)),
                                                                        ("mock_idp, --workers 2", MockIdpWorkers()))]
    finally:
        os.sched_setaffinity(0, every)
    signing = floor.signing_floor(2.0)
    print(f"pinning: {pinning}; signing floor {signing['one_core']:,.0f}/s one core, "
          f"{signing['two_threads']:,.0f}/s two threads")
    for name, value in rows:
        base = signing["one_core"] if "pinned" in name else signing["two_threads"]
        print(f"{name:28} {value:8,.0f} req/s = {value / base:4.0%} of the floor")


if __name__ == "__main__":
    main()
