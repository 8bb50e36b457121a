"""The `python:3.11-slim` the Dockerfile starts from, made locally when no image registry is
reachable (mmdebstrap of Debian bookworm with python3 and venv, `podman import`ed under that name)
and kept: its label names the recipe. Standard library only: .ci/run makes it while the tests run,
before the project's venv exists. Also the podman command line a VM without systemd needs."""

import hashlib
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

BASE = "python:3.11-slim"
PODMAN = ["podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
# The base: what the Dockerfile uses of python:3.11-slim (python, venv, CA certificates), no docs.
DEBOOTSTRAP = ["mmdebstrap", "--quiet", "--variant=minbase",
               "--include=python3,python3-venv,python-is-python3,ca-certificates",
               *(f"--dpkgopt=path-exclude=/usr/share/{folder}/*" for folder in ("doc", "man", "info", "locale")),
               "bookworm"]
RECIPE = hashlib.sha256(json.dumps(DEBOOTSTRAP).encode()).hexdigest()[:16]


def limits() -> list[str]:
    """podman's default ulimits exceed a VM's hard limits (runc then fails): stay within them."""
    options = []
    for name, which, wanted in (("nofile", resource.RLIMIT_NOFILE, 65536), ("nproc", resource.RLIMIT_NPROC, 4096)):
        hard = resource.getrlimit(which)[1]
        value = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        options += ["--ulimit", f"{name}={value}:{value}"]
    return options + ["--network", "host"]


def podman(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([*PODMAN, *args], capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise SystemExit(f"podman {' '.join(args[:3])}…: {result.stderr.strip()[-2000:]}")
    return result


def make_base() -> float:
    """The local python:3.11-slim (kept: its label names the recipe). Seconds spent, 0 if kept."""
    found = podman("image", "inspect", BASE, "--format", '{{index .Labels "mock_idp.base"}}', check=False)
    if found.returncode == 0 and found.stdout.strip() in (RECIPE, "<no value>", ""):
        return 0.0  # ours, or a real python:3.11-slim pulled from a registry
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        tarball = Path(scratch) / "base.tar"
        subprocess.run([*DEBOOTSTRAP, str(tarball)], check=True)
        podman("import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "--change", "ENV LANG=C.UTF-8", "--change", 'CMD ["python3"]',
               "--change", f"LABEL mock_idp.base={RECIPE}", str(tarball), BASE)
    return time.monotonic() - started


if __name__ == "__main__":
    seconds = make_base()
    print(f"base {BASE}: {'made in %.0f s' % seconds if seconds else 'kept from an earlier run'}")
