"""Server CPU per client_credentials token of `mock-idp serve --workers 2`, nothing pinned: steadier
than its req/s on a machine shared with other work. Each round starts a fresh server from each
source tree given (alternating, A B A B ...), loads it with wrk for a fixed time and reads the user +
system CPU of the server's processes (all workers) before and after.

    .venv/bin/python bench/workers_cost.py                        # this checkout, 2 rounds
    .venv/bin/python bench/workers_cost.py --tree /tmp/main --tree .   # a copy of main, then this one

With `--together` the servers of all trees are loaded at once, each by its own wrk, and their CPU
read over the same seconds: whatever else the machine runs meanwhile weighs on all of them alike
(the steadiest A/B on a shared machine; the req/s are then shares of the machine, not rates). Rounds
alternate the order the trees start in.

A tree is a checkout of this repo (`git archive main | tar -x -C /tmp/main`): it runs with this
venv's libraries and that tree's `mock_idp` first on PYTHONPATH.
"""

import argparse
import json
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import load  # noqa: E402
import servers  # noqa: E402
from targets import MockIdpWorkers  # noqa: E402

WORK = Path(__file__).parent / ".work"


class Tree(MockIdpWorkers):
    """`serve --workers 2` of the mock_idp package in `root`."""

    def __init__(self, root: Path, workers: int, extra: list[str]):
        self.root = root.resolve()
        self.cwd = self.root
        self.workers = workers
        self.extra = extra

    def command(self, port, work, fresh):
        return [sys.executable, "-c", "from mock_idp.cli import main; main()", "serve", "--port", str(port),
                "--data-dir", str(fresh / "data"), "--workers", str(self.workers), *self.extra]


def started(tree: Tree) -> servers.Server:
    servers.CLEAN_ENV["PYTHONPATH"] = str(tree.root)
    return servers.Server(tree, WORK, pinned=False)


def measure(pairs: list[tuple[Tree, servers.Server]], seconds: int, connections: int) -> list[dict]:
    """Load every server at once (one wrk each) and read each one's CPU over the same seconds."""
    call = pairs[0][0].token
    with tempfile.TemporaryDirectory() as scripts:
        folders = [Path(scripts) / str(number) for number in range(len(pairs))]
        for folder, (_, server) in zip(folders, pairs):
            folder.mkdir()
            load.wrk(server.base + call.path, call, 1, connections, folder)  # warm-up
        quiet = load.wait_for_quiet(10)
        before, busy = [server.cpu_seconds() for _, server in pairs], load.machine_busy_seconds()
        results = [None] * len(pairs)

        def run(number: int) -> None:
            results[number] = load.wrk(pairs[number][1].base + call.path, call, seconds, connections, folders[number])
        threads = [threading.Thread(target=run, args=(number,)) for number in range(len(pairs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = [server.cpu_seconds() - start for (_, server), start in zip(pairs, before)]
        busy = load.machine_busy_seconds() - busy
    others = (busy - sum(cpu) - sum(r["client_cpu"] * r["seconds"] for r in results)) / seconds
    return [{"tree": str(tree.root), "rate": result["rate"], "errors": result["errors"], "tokens": result["ok"],
             "server_ms_per_token": 1000 * used / max(result["ok"], 1), "others_cores": others, "quiet_before": quiet}
            for (tree, _), result, used in zip(pairs, results, cpu)]


def one_round(trees: list[Tree], seconds: int, connections: int, together: bool) -> list[dict]:
    if not together:
        rows = []
        for tree in trees:
            with started(tree) as server:
                rows += measure([(tree, server)], seconds, connections)
        return rows
    running = []
    try:
        for tree in trees:
            running.append((tree, started(tree)))
        return measure(running, seconds, connections)
    finally:
        for _, server in running:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", type=Path, help="a source tree (repeat for A/B); default .")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--together", action="store_true",
                        help="load every tree's server at the same time: the same machine state for each")
    parser.add_argument("--serve-arg", action="append", default=[], help="one more `serve` argument")
    args = parser.parse_args()
    trees = [Tree(root, args.workers, args.serve_arg) for root in (args.tree or [Path(__file__).parent.parent])]
    rows = []
    for number in range(args.rounds):
        for row in one_round(trees if number % 2 == 0 else trees[::-1], args.seconds, args.connections, args.together):
            rows.append(row)
            print(json.dumps({"round": number + 1, **{k: round(v, 3) if isinstance(v, float) else v
                                                       for k, v in row.items()}}), flush=True)
    for tree in trees:
        mine = [row for row in rows if row["tree"] == str(tree.root)]
        print(f"{tree.root}: {statistics.median(r['server_ms_per_token'] for r in mine):.3f} ms server CPU/token, "
              f"{statistics.median(r['rate'] for r in mine):,.0f} req/s (medians of {len(mine)})")


if __name__ == "__main__":
    main()
