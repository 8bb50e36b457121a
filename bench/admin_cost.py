"""What the admin API costs the token endpoint: client_credentials req/s with `serve --admin` (the
scenario check and the audit trail on every protocol request) against without, in one run,
alternating rounds so a busy machine hurts both alike.

    .venv/bin/python bench/admin_cost.py [--seconds 10] [--rounds 3] [--connections 8]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from load import wrk, wrk_version  # noqa: E402
from servers import Server, pinning  # noqa: E402
from targets import MockIdp  # noqa: E402


class MockIdpAdmin(MockIdp):
    name = "mock_idp --admin"

    def command(self, port, work, fresh):
        return super().command(port, work, fresh) + ["--admin"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if wrk_version() is None:
        sys.exit("wrk is needed: apt-get install wrk")
    print("pinning:", pinning(True))
    rates: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for round_number in range(args.rounds):
            for target in (MockIdp(), MockIdpAdmin()):
                with Server(target, work, pinned=True) as server:
                    url = server.base + target.token.path
                    wrk(url, target.token, 2, args.connections, work)  # warm-up
                    before = server.cpu_seconds()
                    result = wrk(url, target.token, args.seconds, args.connections, work)
                    # Server CPU per request: steadier than req/s when other processes share the core.
                    result["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(result["ok"], 1)
                if result["errors"]:
                    sys.exit(f"{target.name}: {result['errors']} errors")
                rates.setdefault(target.name, []).append(result["rate"])
                cpu.setdefault(target.name, []).append(result["cpu_ms"])
                print(f"round {round_number + 1} {target.name:18} {result['rate']:8.1f} req/s  "
                      f"server CPU {result['cpu_ms']:.2f} ms/request  p50 {result['p50_ms']:.1f} ms")
    plain, admin = (statistics.median(rates[name]) for name in ("mock_idp", "mock_idp --admin"))
    plain_cpu, admin_cpu = (statistics.median(cpu[name]) for name in ("mock_idp", "mock_idp --admin"))
    print(f"median: without admin {plain:.1f} req/s ({plain_cpu:.2f} ms CPU/request), with admin {admin:.1f} "
          f"req/s ({admin_cpu:.2f} ms CPU/request): {admin / plain:.2f}x the rate, {admin_cpu / plain_cpu:.2f}x the CPU")


if __name__ == "__main__":
    main()
