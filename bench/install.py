"""Installing competitors at bench time into the git-ignored work dir (npm, or a venv of their own)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path


def run(argv: list, log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([str(a) for a in argv], stdout=out, stderr=subprocess.STDOUT, check=True)


def node_version() -> tuple[int, ...] | None:
    if not shutil.which("node"):
        return None
    out = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    return tuple(int(part) for part in out.strip().lstrip("v").split("."))


def npm_package(work: Path, package: str, spec: str) -> Path:
    """`npm install` one package into its own folder of the work dir, once; the package's folder."""
    prefix = work / "npm" / package
    installed = prefix / "node_modules" / package
    if not (installed / "package.json").exists():
        prefix.mkdir(parents=True, exist_ok=True)
        run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", spec], work / "install.log")
    return installed


def npm_version(folder: Path) -> str:
    return json.loads((folder / "package.json").read_text())["version"]


def pip_venv(work: Path, package: str, executable: str | None = None) -> Path:
    """A venv of the package's own (its dependencies never meet mock_idp's), once; the venv.
    `executable`: the script whose presence says it is installed (default: the package's name)."""
    venv = work / f"venv-{package}"
    if not (venv / "bin" / (executable or package)).exists():
        run([sys.executable, "-m", "venv", venv], work / "install.log")
        run([venv / "bin" / "pip", "install", "--quiet", package], work / "install.log")
    return venv


def pip_version(venv: Path, package: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    return subprocess.run([venv / "bin" / "python", "-c", code], capture_output=True, text=True).stdout.strip()
