"""mock_idp against the other mock OpenID providers, in one run, as ratios to mock_idp.

    python bench/run.py [--quick] [--duration S] [--only oauth2-mock-server,oidc-provider-mock]

What is measured and how to read it: bench/README.md. Results also go to bench/.work/results.json.
"""

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time

import floor
import load
import report
import servers
import targets
from http1 import Http1
from targets import BASELINE, COMPETITORS, WORKERS, Call

WORK = targets.BENCH / ".work"
PYTHON_CLIENT = "Python asyncio client (bench/http1.py)"
REQUESTS = (  # measurement key, title, the request a target repeats (None: it has none)
    ("discovery", "Discovery document GET", lambda target: Call("GET", target.discovery)),
    ("jwks", "JWKS GET", lambda target: Call("GET", target.jwks)),
    ("token", "Token endpoint, client_credentials grant", lambda target: target.token),
)


async def once(base: str, method: str, path: str, **options):
    async with Http1(base) as http:
        return await http.request(method, path, **options)


def parse_args() -> argparse.Namespace:
    names = [t.name for t in COMPETITORS]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of discarded load before each (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--flow-concurrency", type=int, default=8, help="concurrent login flows (default 8)")
    parser.add_argument("--cold-runs", type=int, default=5, help="starts per target for cold start (default 5)")
    parser.add_argument("--only", type=lambda s: s.split(","), default=names,
                        help=f"comma-separated competitors, of {','.join(names)} (mock_idp always runs)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator for single requests (auto: wrk when installed)")
    parser.add_argument("--quiet-wait", type=int, default=60,
                        help="seconds to wait, before each measurement, for other load to stop (default 60)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin servers and clients to cores")
    parser.add_argument("--quick", action="store_true", help="smoke run of about a minute")
    args = parser.parse_args()
    if unknown := set(args.only) - set(names):
        parser.error(f"unknown competitor(s): {', '.join(sorted(unknown))}")
    if args.quick:
        args.duration, args.warmup, args.cold_runs, args.quiet_wait = 2, 1, 3, 5
    return args


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measured(server: servers.Server, check, run, args) -> dict:
    """Check once that the operation works, warm up, then run it under load."""
    try:
        check()
    except Exception as error:
        return {"na": f"failed: {error}"}
    if load.wait_for_quiet(args.quiet_wait) >= 0.15:
        progress(f"   the machine is busy with other work (waited {args.quiet_wait} s); measuring anyway")
    run(args.warmup)
    cpu, busy, started = server.cpu_seconds(), load.machine_busy_seconds(), time.perf_counter()
    result = run(args.duration)
    elapsed = time.perf_counter() - started
    result["server_cpu"] = (server.cpu_seconds() - cpu) / elapsed
    # Whatever else kept the cores busy meanwhile (other processes, kernel): noise in the numbers.
    result["other_cpu"] = max(0.0, (load.machine_busy_seconds() - busy) / elapsed
                              - result["server_cpu"] - result["client_cpu"])
    return result


def bench_target(target, args, results: dict, pinned: bool, use_wrk: bool) -> None:
    # A first start, not counted: it writes what a target caches on disk once (mock_idp's bytecode).
    with servers.Server(target, WORK, pinned):
        pass
    runs = []
    for number in range(args.cold_runs):
        progress(f"{target.name}: cold start {number + 1}/{args.cold_runs}")
        load.wait_for_quiet(args.quiet_wait)
        with servers.Server(target, WORK, pinned) as server:
            runs.append(server.startup_seconds)
    results["cold_start"]["targets"][target.name] = {"median_s": statistics.median(runs), "runs": runs}

    with servers.Server(target, WORK, pinned) as server:
        # After start and the one discovery request that told it was up.
        results["idle_rss"]["targets"][target.name] = server.rss_mib()
        for key, _, call_of in REQUESTS:
            call = call_of(target)
            progress(f"{target.name}: {key}")
            results[key]["targets"][target.name] = (
                {"na": target.no_token} if call is None else request_load(server, call, args, use_wrk))
        progress(f"{target.name}: authorization-code flow")
        results["flow"]["targets"][target.name] = (
            flow_load(server, target, args) if target.flow_requests else {"na": target.no_flow})


def bench_workers(args, results: dict, use_wrk: bool) -> None:
    """`serve --workers 2` with nothing pinned (the load generator free to move too): its
    client_credentials rate, read against the two-thread signing floor (report.print_floor)."""
    pinned = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if pinned is not None:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    try:
        progress(f"{WORKERS.name}: client_credentials, unpinned")
        with servers.Server(WORKERS, WORK, pinned=False) as server:
            results["workers"]["targets"][WORKERS.name] = request_load(server, WORKERS.token, args, use_wrk)
    except Exception as error:  # a row, not the end of the run
        results["workers"]["targets"][WORKERS.name] = {"na": f"failed: {error}"}
    finally:
        if pinned is not None:
            os.sched_setaffinity(0, pinned)


def request_load(server: servers.Server, call: Call, args, use_wrk: bool) -> dict:
    def check():
        response = asyncio.run(once(server.base, call.method, call.path, content=call.body, headers=call.headers))
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.body[:200]!r}")

    def run(seconds):
        if use_wrk:
            return load.wrk(server.base + call.path, call, seconds, args.connections, WORK)
        return load.python_requests(server.base, call, seconds, args.connections)

    return measured(server, check, run, args)


def flow_load(server: servers.Server, target, args) -> dict:
    async def one_flow():
        async with Http1(server.base) as http:
            await target.flow(http)

    return measured(server, lambda: asyncio.run(one_flow()),
                    lambda seconds: load.python_flows(target, server.base, seconds, args.flow_concurrency), args)


def empty_results(args, client: str) -> dict:
    load_how = f"{args.connections} connections, {args.warmup} s warm-up + {args.duration} s, {client}"
    results = {"cold_start": {"title": "Cold start: spawn -> first 200 on discovery (lower is better)",
                              "how": f"median of {args.cold_runs} starts after one uncounted, fresh state each",
                              "kind": "cold_start"},
               "idle_rss": {"title": "Idle RSS: the server's processes after start and one discovery request "
                                     "(lower is better)", "how": "VmRSS, summed over the process tree", "kind": "rss"}}
    for key, title, _ in REQUESTS:
        results[key] = {"title": f"{title} (req/s: higher is better; latency: lower)", "how": load_how,
                        "kind": "requests"}
    results["flow"] = {"title": "Authorization-code flow, authorize -> login -> code -> token, fresh login each "
                                "(flows/s: higher is better; latency: lower)",
                       "how": f"{args.flow_concurrency} concurrent flows, {args.warmup} s warm-up + "
                              f"{args.duration} s, {PYTHON_CLIENT}", "kind": "flows"}
    results["workers"] = {"title": "Token endpoint, client_credentials, `serve --workers 2` (req/s: higher is "
                                   "better)", "how": load_how + ", nothing pinned", "kind": "requests"}
    for measurement in results.values():
        measurement["targets"] = {}
    return results


def main() -> None:
    args = parse_args()
    WORK.mkdir(exist_ok=True)
    pinning = servers.pinning(not args.no_pin)
    wrk = load.wrk_version() if args.client != "python" else None
    if args.client == "wrk" and not wrk:
        sys.exit("wrk is not installed (apt-get install -y wrk), or use --client python")
    client = f"{wrk} (1 thread)" if wrk else PYTHON_CLIENT
    results = empty_results(args, client)
    versions = {"load generator": client, "platform": f"{platform.machine()}, {platform.system()} "
                f"{platform.release()}, {os.cpu_count()} cores"}
    failed = {}

    for target in [BASELINE] + [t for t in COMPETITORS if t.name in args.only]:
        try:
            if reason := target.missing():
                raise RuntimeError(reason)
            progress(f"{target.name}: installing (once, into {WORK.name}/)")
            target.install(WORK)
            versions.update(target.versions(WORK))
            bench_target(target, args, results, pinning != "none", bool(wrk))
        except Exception as error:  # one target's failure is a row, not the end of the run
            failed[target.name] = f"failed: {error}"
            progress(f"{target.name}: {failed[target.name]}")
            for measurement in results.values():
                measurement["targets"].setdefault(target.name, {"na": failed[target.name]})

    if BASELINE.name not in failed:
        bench_workers(args, results, bool(wrk))
    progress("signing floor: RS256-2048 with cryptography")
    load.wait_for_quiet(args.quiet_wait)
    signing = floor.signing_floor(1.0 if args.quick else 5.0)
    report.add_ratios(results, BASELINE.name)
    meta = {"baseline": BASELINE.name, "pinning": pinning, "versions": versions,
            "not_measured": targets.NOT_MEASURED, "failed": failed, "signing_floor": signing,
            "settings": {k: v for k, v in vars(args).items()}}
    print(f"\nBaseline: {BASELINE.name}; every (N.NNx) is target / baseline. Pinning: {pinning}.")
    report.print_tables(results, BASELINE.name)
    report.print_floor(signing, results["token"]["targets"], results["workers"]["targets"])
    report.print_meta(meta)
    report.write_json(WORK / "results.json", meta, results)
    print(f"\nJSON: {(WORK / 'results.json').relative_to(targets.REPO)}; the tables of docs/benchmarks.md: "
          f"python bench/readme_table.py")


if __name__ == "__main__":
    main()
