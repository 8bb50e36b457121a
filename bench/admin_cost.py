"""What the admin API costs the token endpoint: client_credentials with `serve --admin` (the
scenario check and the audit trail on every protocol request) against without, in one run,
alternating rounds so a busy machine hurts both alike.

    .venv/bin/python bench/admin_cost.py [--seconds 10] [--rounds 3] [--connections 8]
    .venv/bin/python bench/admin_cost.py --in-process [--rounds 6]

The first measures req/s with wrk against two `mock-idp serve` processes; the second the CPU time
per request of two apps in this process (httpx's ASGI transport, no sockets), which varies less
on a shared machine.
"""

import argparse
import asyncio
import base64
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from load import wrk, wrk_version  # noqa: E402
from servers import Server, pinning  # noqa: E402
from targets import MockIdp  # noqa: E402


class MockIdpAdmin(MockIdp):
    name = "mock_idp --admin"

    def command(self, port, work, fresh):
        return super().command(port, work, fresh) + ["--admin"]


async def in_process(rounds: int, requests: int = 300) -> None:
    import httpx

    from mock_idp.app import create_app
    from mock_idp.config.settings import Settings

    auth = {"Authorization": "Basic " + base64.b64encode(b"demo-service:demo-service-secret").decode(),
            "Content-Type": "application/x-www-form-urlencoded"}

    async def cpu_per_request(app, count: int) -> float:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000") as client:
            started = time.process_time()
            for _ in range(count):
                response = await client.post("/default/token", content=b"grant_type=client_credentials", headers=auth)
                assert response.status_code == 200, response.text
            await asyncio.sleep(0.05)  # the audit trail's last flush, in this process's threads
            return (time.process_time() - started) * 1000 / count

    with tempfile.TemporaryDirectory() as scratch:
        apps = {admin: create_app(Settings(config=MockIdp.cwd / "seed_users.yaml", admin=admin, access_log=False,
                                           data_dir=Path(scratch) / str(admin))) for admin in (False, True)}
        for app in apps.values():
            await cpu_per_request(app, 50)  # warm-up: keys, caches
        cpu = {False: [], True: []}
        for _ in range(rounds):
            for admin, app in apps.items():
                cpu[admin].append(await cpu_per_request(app, requests))
    for admin in (False, True):
        print(f"{'with admin' if admin else 'without admin':14} {' '.join(f'{v:.2f}' for v in cpu[admin])} ms CPU/request")
    plain, admin = statistics.median(cpu[False]), statistics.median(cpu[True])
    print(f"median: without admin {plain:.2f} ms, with admin {admin:.2f} ms CPU/request: {admin / plain:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--in-process", action="store_true", help="CPU per request of two in-process apps")
    args = parser.parse_args()
    if args.in_process:
        return asyncio.run(in_process(max(args.rounds, 1)))
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
