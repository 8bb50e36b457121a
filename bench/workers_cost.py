"""Server CPU per client_credentials token of `mock-idp serve --workers 2`, nothing pinned: steadier
than its req/s on a machine shared with other work. Each round starts a fresh server from each
source tree given (alternating, A B A B ...), loads it with wrk for a fixed time and reads the user +
system CPU of the server's processes (all workers) before and after.

    .venv/bin/python bench/workers_cost.py                        # this checkout, 2 rounds
    .venv/bin/python bench/workers_cost.py --tree /tmp/main --tree .   # a copy of main, then this one

A tree is a checkout of this repo (`git archive main | tar -x -C /tmp/main`): it runs with this
venv's libraries and that tree's `mock_idp` first on PYTHONPATH.
"""

import argparse
import json
import statistics
import sys
import tempfile
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


def one_round(tree: Tree, seconds: int, connections: int) -> dict:
    servers.CLEAN_ENV["PYTHONPATH"] = str(tree.root)
    with servers.Server(tree, WORK, pinned=False) as server:
        call = tree.token
        with tempfile.TemporaryDirectory() as scripts:
            load.wrk(server.base + call.path, call, 1, connections, Path(scripts))  # warm-up
            quiet = load.wait_for_quiet(10)
            before, busy = server.cpu_seconds(), load.machine_busy_seconds()
            result = load.wrk(server.base + call.path, call, seconds, connections, Path(scripts))
            cpu = server.cpu_seconds() - before
            busy = load.machine_busy_seconds() - busy
    tokens = result["ok"]
    return {"tree": str(tree.root), "rate": result["rate"], "errors": result["errors"], "tokens": tokens,
            "server_ms_per_token": 1000 * cpu / max(tokens, 1),
            "others_cores": (busy - cpu - result["client_cpu"] * result["seconds"]) / result["seconds"],
            "quiet_before": quiet}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", type=Path, help="a source tree (repeat for A/B); default .")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--serve-arg", action="append", default=[], help="one more `serve` argument")
    args = parser.parse_args()
    trees = [Tree(root, args.workers, args.serve_arg) for root in (args.tree or [Path(__file__).parent.parent])]
    rows = []
    for number in range(args.rounds):
        for tree in trees:
            row = one_round(tree, args.seconds, args.connections)
            rows.append(row)
            print(json.dumps({"round": number + 1, **{k: round(v, 3) if isinstance(v, float) else v
                                                       for k, v in row.items()}}), flush=True)
    for tree in trees:
        mine = [row for row in rows if row["tree"] == str(tree.root)]
        print(f"{tree.root}: {statistics.median(r['server_ms_per_token'] for r in mine):.3f} ms server CPU/token, "
              f"{statistics.median(r['rate'] for r in mine):,.0f} req/s (medians of {len(mine)})")


if __name__ == "__main__":
    main()
