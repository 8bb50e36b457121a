"""The installed `mock-idp` console script, run as a user would run it."""

import os
import re
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

    def __init__(self, args: list[str], env: dict, port: int, cwd: Path | None = None):
        self.port = port
        self.process = subprocess.Popen([MOCK_IDP, "serve", *args], env=env, cwd=cwd,
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


def test_version_prints_the_package_version():
    from mock_idp import __version__

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mock-idp {__version__}" and __version__[0].isdigit()


def test_serve_help_shows_every_setting_env_var_and_the_defaults():
    from mock_idp.config.settings import Settings

    result = run("serve", "--help", env={"COLUMNS": "200", "TERM": "dumb"})
    assert result.returncode == 0
    for name in Settings.model_fields:
        assert f"MOCK_IDP_{name.upper()}" in result.stdout, name
    text = " ".join(result.stdout.split())  # click wraps at 80 columns whatever the terminal
    assert "default: (8000)]" in text and "default: (127.0.0.1)]" in text
    assert "./seed_users.yaml, else the packaged default" in text


def test_serve_help_at_80_columns_shows_whole_flag_and_variable_names():
    result = run("serve", "--help", env={"COLUMNS": "80", "TERM": "dumb"})
    assert result.returncode == 0 and max(map(len, result.stdout.splitlines())) <= 80
    for flag in ("--forwarded-allow-ips ADDRESS", "--internal-base-url URL", "--tls-san NAME",
                 "--access-log / --no-access-log", "MOCK_IDP_DATABASE_URL", "MOCK_IDP_ADMIN_TOKEN"):
        assert flag in result.stdout, flag
    assert "…" not in result.stdout and "<bool>" not in result.stdout


@pytest.mark.parametrize("args, env", [(["--port", "99999"], {}), ([], {"MOCK_IDP_PORT": "0"})])
def test_port_out_of_range_is_a_one_line_error_before_any_banner(tmp_path, args, env):
    result = run("serve", "--config", str(SEED), "--data-dir", str(tmp_path / "d"), *args,
                 env={**clean_env(), **env})
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("mock-idp: --port / MOCK_IDP_PORT: ")


def test_port_in_use_is_a_one_line_error_before_any_banner(tmp_path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run("serve", "--config", str(SEED), "--data-dir", str(tmp_path / "d"),
                     "--port", str(port), env=clean_env())
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"mock-idp: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_a_data_dir_it_cannot_write_is_a_one_line_error_naming_the_fix(tmp_path):
    # As root here, a file in the way stands for the root-owned bind mount the image's uid 10001
    # cannot write (that one is tried by .ci/image-smoke in the real container).
    (tmp_path / "file").write_text("")
    result = run("serve", "--config", str(SEED), "--data-dir", str(tmp_path / "file" / "data"),
                 "--port", str(free_port()), env=clean_env())
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"mock-idp: data dir {tmp_path / 'file' / 'data'} is not writable by uid {os.getuid()}")
    assert "fix: `chown" in line and "named volume" in line


def test_banner_lists_each_tenant_issuer_clients_and_page(tmp_path, serve):
    served = serve(["--config", str(SEED), "--port", str(port := free_port()),
                    "--data-dir", str(tmp_path / "data")], port=port)
    served.stop()
    banner = served.process.stdout.read()
    assert f"serving seed {SEED}" in banner
    assert f"Open {served.url('/')}" in banner
    assert re.search(rf"^  default  \(.+\)  {re.escape(served.url('/default/_ui'))}$", banner, re.M)
    assert f"issuer   {served.url('/default')}" in banner
    assert "clients  demo-web, demo-spa, demo-service" in banner


def test_banner_names_an_issuer_once_and_the_aliases_serving_it_by_their_url(tmp_path, serve):
    seed = tmp_path / "seed.yaml"
    seed.write_text("tenants:\n  contoso:\n    flavor: entra\n    tenant_id: 0c0ffee0-0000-4000-8000-00000000e17a\n")
    served = serve(["--config", str(seed), "--port", str(port := free_port()),
                    "--data-dir", str(tmp_path / "data")], port=port)
    served.stop()
    banner = served.process.stdout.read()
    issuer = served.url("/contoso/0c0ffee0-0000-4000-8000-00000000e17a/v2.0")
    assert banner.count("    issuer   ") == 1 and f"    issuer   {issuer}\n" in banner
    assert (f"    aliases  {served.url('/contoso/common')}, {served.url('/contoso/organizations')}  "
            "(issuing as the issuer above)") in banner


def test_without_a_seed_file_serve_uses_the_packaged_default_and_says_so(tmp_path, serve):
    port = free_port()
    env = {"MOCK_IDP_PORT": str(port), "MOCK_IDP_DATA_DIR": str(tmp_path / "d")}
    served = Served([], {**clean_env(), **env}, port, cwd=tmp_path)
    try:
        document = httpx.get(served.url("/okta/oauth2/default/.well-known/openid-configuration")).json()
        assert document["issuer"] == served.url("/okta/oauth2/default")
    finally:
        served.stop()
    assert "serving the packaged default seed" in served.process.stdout.read()


def test_init_writes_the_packaged_seed_and_refuses_to_overwrite_it(tmp_path):
    from mock_idp.config.settings import DEFAULT_SEED

    target = tmp_path / "seed_users.yaml"
    first = run("init", str(target))
    assert first.returncode == 0, first.stderr
    assert target.read_text() == DEFAULT_SEED.read_text() and "tenants:" in target.read_text()
    again = run("init", str(target))
    assert again.returncode == 1 and "--force" in again.stderr
