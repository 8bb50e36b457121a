"""One target's server process: pinned to its core, fresh state, ready when discovery answers 200."""

import http.client
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

# On two cores the servers get core 0 and the load generators (this process, wrk) core 1,
# so neither steals CPU from the other and every server has exactly one core.
SERVER_CORES = {0}
CLIENT_CORES = {1}
# Defaults only: a MOCK_IDP_DATABASE_URL or similar in the caller's shell must not leak in. Nor
# PYTHONDONTWRITEBYTECODE: pip compiled the Python competitors' bytecode when it installed them, so
# mock_idp (an editable install) keeps its own too, as a user's checkout does after its first start.
CLEAN_ENV = {name: value for name, value in os.environ.items()
             if not name.startswith("MOCK_IDP_") and name != "PYTHONDONTWRITEBYTECODE"}


def pinning(enabled: bool) -> str:
    """Pin this process (and so the load generators it starts) to the client core."""
    if not enabled or not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return "none"
    os.sched_setaffinity(0, CLIENT_CORES)
    return f"servers on CPU {sorted(SERVER_CORES)}, load generators on CPU {sorted(CLIENT_CORES)}"


def stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: [state, ppid, ...] (utime is [11], stime [12])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Start with `Server(...)`, which returns once discovery answers; `stop()` when done."""

    def __init__(self, target, work: Path, pinned: bool, timeout: float = 120):
        self.target = target
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.fresh = work / "runs" / f"{target.name}-{uuid.uuid4().hex[:8]}"
        self.fresh.mkdir(parents=True)
        argv = target.command(self.port, work, self.fresh)
        log = (work / "logs").joinpath(f"{target.name}.log")
        log.parent.mkdir(exist_ok=True)
        with log.open("ab") as out:
            started = time.perf_counter()
            self.process = subprocess.Popen(
                argv, cwd=target.cwd or self.fresh, env=CLEAN_ENV, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=(lambda: os.sched_setaffinity(0, SERVER_CORES)) if pinned else None)
        try:
            self.startup_seconds = self.wait_ready(started, timeout)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, started: float, timeout: float) -> float:
        """Seconds from spawn to the first 200 on the discovery URL."""
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.target.name} exited with {self.process.returncode}; "
                                   f"see logs/{self.target.name}.log in the work dir")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.target.discovery)
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.005)
        raise TimeoutError(f"{self.target.name} did not answer discovery within {timeout:.0f} s")

    def processes(self) -> list[int]:
        """The server's pid and its descendants' (a wrapper's child, `--workers` processes)."""
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int(stat_fields(int(entry.name))[1])
                except (OSError, IndexError, ValueError):
                    continue  # gone meanwhile
        tree = [self.process.pid]
        for pid in tree:
            tree += [child for child, parent in parents.items() if parent == pid]
        return tree

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server's processes, all their threads."""
        total = 0
        for pid in self.processes():
            try:
                fields = stat_fields(pid)
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> dict:
        """Resident memory of the server's processes (VmRSS, MiB) and how many there are."""
        total = 0
        pids = self.processes()
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        return {"mib": total / 1024, "processes": len(pids)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.fresh, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
