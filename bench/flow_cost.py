"""Server cost per authorization-code flow of `mock-idp serve` (bench's flow: GET authorize, POST
login, POST token; 8 concurrent, server pinned to CPU 0 as bench/run.py pins it), from one or more
source trees in alternating rounds: the server's user + system CPU per flow, or with --callgrind
the instructions it executes per flow (valgrind's callgrind, deterministic to ~0.1% run to run, so
a change of a few percent shows on a machine others are using; system calls and cache misses are
not in it), split into cryptography's (the RS256 signatures) and the rest.

    .venv/bin/python bench/flow_cost.py --tree /tmp/main --tree .          # CPU per flow, A B A B
    .venv/bin/python bench/flow_cost.py --tree /tmp/main --tree . --callgrind --flows 100 --rounds 1

A tree is a checkout of this repo (`git archive main | tar -x -C /tmp/main`): it runs with this
venv's libraries and that tree's `mock_idp` first on PYTHONPATH.
"""

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import servers  # noqa: E402
from http1 import Http1  # noqa: E402
from targets import MockIdp  # noqa: E402

WORK = Path(__file__).parent / ".work"
CRYPTO = "_rust.abi3.so"  # cryptography's compiled module: the RSA signatures


class Tree(MockIdp):
    """`mock-idp serve` of the mock_idp package in `root`, under callgrind if `callgrind` is a path."""

    def __init__(self, root: Path, callgrind: Path | None):
        self.root = self.cwd = root.resolve()
        self.callgrind = callgrind

    def command(self, port, work, fresh):
        serve = [sys.executable, "-c", "from mock_idp.cli import main; main()", "serve", "--port", str(port),
                 "--data-dir", str(fresh / "data")]
        if self.callgrind is None:
            return serve
        return ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={self.callgrind}", *serve]


async def flows(base: str, count: int, concurrency: int) -> int:
    """`count` flows, `concurrency` at a time; how many failed."""
    left, failed, target = count, 0, MockIdp()

    async def worker():
        nonlocal left, failed
        async with Http1(base) as http:
            while left > 0:
                left -= 1
                try:
                    await asyncio.wait_for(target.flow(http), 120)
                except Exception:  # counted; the loop goes on
                    failed += 1
                    await http.close()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failed


def instructions(out: Path) -> tuple[int, int]:
    """(all, cryptography's) instructions in callgrind's output files."""
    total = crypto = 0
    for part in out.parent.glob(out.name + "*"):
        report = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", str(part)],
                                capture_output=True, text=True).stdout
        for count, where in re.findall(r"^\s*([\d,]+) \([ \d.]+%\)\s+(.*)$", report, re.M):
            count = int(count.replace(",", ""))
            total += count if "PROGRAM TOTALS" in where else 0
            crypto += count if CRYPTO in where else 0
    return total, crypto


def one_round(tree: Tree, count: int, concurrency: int) -> dict:
    servers.CLEAN_ENV["PYTHONPATH"] = str(tree.root)
    with servers.Server(tree, WORK, pinned=True, timeout=300) as server:
        asyncio.run(flows(server.base, 16, concurrency))  # warm-up: keys made, code paths loaded
        if tree.callgrind:
            subprocess.run(["callgrind_control", "-i", "on", str(server.process.pid)], capture_output=True)
        cpu, started = server.cpu_seconds(), time.perf_counter()
        failed = asyncio.run(flows(server.base, count, concurrency))
        cpu, elapsed = server.cpu_seconds() - cpu, time.perf_counter() - started
        if tree.callgrind:
            subprocess.run(["callgrind_control", "-i", "off", str(server.process.pid)], capture_output=True)
            subprocess.run(["callgrind_control", "-d", str(server.process.pid)], capture_output=True)
    row = {"tree": str(tree.root), "flows": count, "failed": failed, "flows_per_s": count / elapsed,
           "server_ms_per_flow": 1000 * cpu / count}
    if tree.callgrind:
        total, crypto = instructions(tree.callgrind)
        row |= {"minstr_per_flow": total / count / 1e6, "minstr_not_crypto": (total - crypto) / count / 1e6}
        for part in tree.callgrind.parent.glob(tree.callgrind.name + "*"):
            part.unlink()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", type=Path, help="a source tree (repeat for A/B); default .")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--flows", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--callgrind", action="store_true", help="count instructions under valgrind (slow: ~100 flows)")
    args = parser.parse_args()
    if args.callgrind and not (shutil.which("valgrind") and shutil.which("callgrind_annotate")):
        parser.error("--callgrind needs valgrind (Debian: valgrind)")
    servers.pinning(True)  # this process (the client) on CPU 1; the servers on CPU 0
    out = WORK / "callgrind.out"
    trees = [Tree(root, out if args.callgrind else None) for root in (args.tree or [Path(__file__).parent.parent])]
    rows = []
    for number in range(args.rounds):
        for tree in trees:
            rows.append(one_round(tree, args.flows, args.concurrency))
            print(json.dumps({"round": number + 1, **{k: round(v, 3) if isinstance(v, float) else v
                                                       for k, v in rows[-1].items()}}), flush=True)
    key = "minstr_not_crypto" if args.callgrind else "server_ms_per_flow"
    for tree in trees:
        mine = [row[key] for row in rows if row["tree"] == str(tree.root)]
        print(f"{tree.root}: {key} {statistics.median(mine):.3f} (median of {len(mine)}: {', '.join(f'{v:.3f}' for v in mine)})")


if __name__ == "__main__":
    main()
