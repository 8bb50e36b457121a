"""The installed `mock-idp` console script, run as a user would run it."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import stop_process

SEED = Path(__file__).parent / "seeds" / "core.yaml"
MOCK_IDP = shutil.which("mock-idp", path=str(Path(sys.executable).parent))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([MOCK_IDP, *args], capture_output=True, text=True, timeout=30,
                          env={**os.environ, **(env or {})})


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}


class Served:
    """`mock-idp serve` in a subprocess, stopped (by its own pid) when the test ends."""

    def __init__(self, args: list[str], env: dict, port: int):
        self.port = port
        self.process = subprocess.Popen([MOCK_IDP, "serve", *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(self.url("/healthz"), timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"mock-idp serve did not start: {self.process.stderr.read()}")
            time.sleep(0.05)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(args: list[str] = (), env: dict | None = None, port: int | None = None) -> Served:
        port = port or free_port()
        served = Served(list(args), {**clean_env(), **(env or {})}, port)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


def test_the_console_script_is_installed():
    assert MOCK_IDP, "mock-idp is not installed next to the test interpreter (pip install -e .)"


def test_unknown_key_exits_2_naming_file_line_and_key(tmp_path):
    seed = tmp_path / "seed_users.yaml"
    seed.write_text("tenants:\n  default:\n    clients:\n      - client_id: a\n        colour: red\n")
    result = run("serve", "--config", str(seed), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert f"{seed}:5" in result.stderr
    assert "tenants.default.clients[0].colour" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_yaml_exits_2_naming_file_and_line(tmp_path):
    seed = tmp_path / "seed_users.yaml"
    seed.write_text("tenants:\n  default:\n    clients: [\n      - client_id: a\n")
    result = run("serve", "--config", str(seed), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert f"{seed}:" in result.stderr
    assert "YAML" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_seed_file_exits_2_naming_it(tmp_path):
    seed = tmp_path / "nowhere.yaml"
    result = run("serve", "--config", str(seed), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert str(seed) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_serve_answers_discovery_and_healthcheck(tmp_path, serve):
    served = serve(["--config", str(SEED), "--port", str(port := free_port()),
                    "--data-dir", str(tmp_path / "data")], port=port)
    document = httpx.get(served.url("/default/.well-known/openid-configuration")).json()
    assert document["issuer"] == served.url("/default")
    check = run("healthcheck", "--url", served.url(""), env=clean_env())
    assert check.returncode == 0, check.stdout + check.stderr


def test_healthcheck_fails_against_a_closed_port():
    result = run("healthcheck", "--url", f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_port_and_config_come_from_the_environment(tmp_path, serve):
    port = free_port()
    env = {"MOCK_IDP_PORT": str(port), "MOCK_IDP_CONFIG": str(SEED), "MOCK_IDP_DATA_DIR": str(tmp_path / "d")}
    served = serve(env=env, port=port)
    document = httpx.get(served.url("/default/.well-known/openid-configuration")).json()
    assert document["issuer"] == served.url("/default")


def test_serve_opens_the_admin_api_with_admin_only(tmp_path, serve):
    args = ["--config", str(SEED), "--data-dir", str(tmp_path / "data")]
    plain = serve([*args, "--port", str(port := free_port())], port=port)
    assert httpx.get(plain.url("/_admin/tenants")).status_code == 404
    admin = serve([*args, "--admin", "--port", str(port := free_port())], port=port)
    assert httpx.get(admin.url("/_admin/tenants")).json()[0]["name"] == "default"
