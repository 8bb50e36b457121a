"""The load generators, closed-loop with a fixed concurrency and duration, all reporting one shape:
{"rate", "p50_ms", "p99_ms", "ok", "errors", "seconds", "client_cpu"}.

- wrk (C, one thread) repeats one request: discovery, JWKS, client_credentials;
- without wrk, a Python asyncio client (http1.py) does the same, with a lower ceiling (see client_cpu);
- authorization-code flows are multi-step, so they always use the Python client.
"""

import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from http1 import Http1

WRK_SCRIPT = """\
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {{"ok": %d, "seconds": %f, "errors": %d, "p50_ms": %f, "p99_ms": %f}}\\n',
    summary.requests - e.status, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).split(" Copyright")[0].strip()


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat), to spot other load on the machine."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, open("/proc/stat").readline().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(patience: float, limit: float = 0.15) -> float:
    """Wait up to `patience` s for the rest of the machine to use under `limit` of a core
    (the servers under test idle meanwhile); the last reading, in cores."""
    deadline = time.monotonic() + patience
    while True:
        before = machine_busy_seconds()
        time.sleep(0.5)
        other = (machine_busy_seconds() - before) / 0.5
        if other < limit or time.monotonic() > deadline:
            return other


def summarize(ok: int, errors: int, seconds: float, latencies: list[float]) -> dict:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {"rate": ok / seconds, "p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000,
            "ok": ok, "errors": errors, "seconds": seconds}


def wrk(url: str, call, seconds: int, connections: int, scripts: Path) -> dict:
    headers = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in call.headers.items())
    script = scripts / "wrk-request.lua"
    script.write_text(WRK_SCRIPT.format(method=json.dumps(call.method), body=json.dumps(call.body),
                                        headers=headers))
    before = cpu(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    result = json.loads(out.split("BENCH ", 1)[1])
    result["rate"] = result["ok"] / result["seconds"]
    result["client_cpu"] = (cpu(resource.RUSAGE_CHILDREN) - before) / result["seconds"]
    return result


async def closed_loop(workers: int, seconds: float, one, make_client) -> dict:
    """`workers` loops, each awaiting `one(client)` back to back until the deadline."""
    latencies, errors = [], 0
    clients = [make_client() for _ in range(workers)]
    deadline = time.perf_counter() + seconds

    async def worker(client):
        nonlocal errors
        async with client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    await asyncio.wait_for(one(client), timeout=10)
                    latencies.append(time.perf_counter() - started)
                except Exception:  # a failed request or flow step counts as an error, and the loop goes on
                    errors += 1
                    await client.close()  # reconnect: the connection may hold half a response

    before, started = cpu(resource.RUSAGE_SELF), time.perf_counter()
    await asyncio.gather(*map(worker, clients))
    elapsed = time.perf_counter() - started
    result = summarize(len(latencies), errors, elapsed, latencies)
    result["client_cpu"] = (cpu(resource.RUSAGE_SELF) - before) / elapsed
    return result


def python_requests(base: str, call, seconds: int, connections: int) -> dict:
    async def one(client):
        response = await client.request(call.method, call.path, content=call.body, headers=call.headers)
        if response.status_code >= 400:
            raise RuntimeError(f"HTTP {response.status_code}")

    return asyncio.run(closed_loop(connections, seconds, one, lambda: Http1(base)))


def python_flows(target, base: str, seconds: int, concurrency: int) -> dict:
    result = asyncio.run(closed_loop(concurrency, seconds, target.flow, lambda: Http1(base)))
    result["requests_per_flow"] = target.flow_requests
    return result
