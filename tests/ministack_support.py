"""ministack (PyPI `ministack`, a local AWS emulator with a real Cognito) for the tests.

One ministack per session, started by the `ministack` fixture (imported by tests/conftest.py):
bound to 127.0.0.1 on a free port (its default is 0.0.0.0:4566), with every file it writes (state,
S3 data, pid and log files) in a temporary folder, and only the services the tests use. It trusts a
session CA, so a `--tls` mock_idp whose data dir holds that CA (`trusted_data_dir`) is an https
identity provider Cognito accepts. Drive it with boto3: `ministack.client("cognito-idp")`.

Without ministack installed, the fixture skips the test, and under CI (CI=true) it fails it.

The session's ministack is shared: create your own pool and delete it when done. The hosted domain
`mock-pool` (the idpresponse URI the default seed registers) is taken by personas/cognito/test_federation.py;
domains are unique across ministack, so pick another one (and register its
https://<domain>.auth.us-east-1.amazoncognito.com/oauth2/idpresponse in a seed of your own).
"""

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conftest import free_port, stop_process  # defined before conftest imports this module

from mock_idp.tls import CA_FILE, CA_KEY_FILE, ensure_ca, tls_dir

REGION = "us-east-1"
SERVICES = "cognito-idp,sts,iam,dynamodb"  # dynamodb: examples/federated-api's tables
START_TIMEOUT = 30


@dataclass
class Ministack:
    endpoint: str  # http://127.0.0.1:<port>
    workdir: Path
    process: subprocess.Popen
    ca: Path | None = None  # the CA whose certificates ministack trusts (SSL_CERT_FILE)
    _clients: dict = field(default_factory=dict)

    def client(self, service: str):
        """A boto3 client for `service` on this ministack (test credentials, us-east-1)."""
        if service not in self._clients:
            import boto3

            self._clients[service] = boto3.client(
                service, endpoint_url=self.endpoint, region_name=REGION,
                aws_access_key_id="test", aws_secret_access_key="test")
        return self._clients[service]

    def trusted_data_dir(self, data_dir: Path) -> Path:
        """`data_dir` holding the CA ministack trusts: a --tls server started on it is trusted."""
        if self.ca is None:
            raise RuntimeError("this ministack trusts no CA of ours")
        tls_dir(data_dir).mkdir(parents=True, exist_ok=True)
        for name in (CA_FILE, CA_KEY_FILE):
            shutil.copyfile(self.ca.parent / name, tls_dir(data_dir) / name)
        return data_dir

    def stop(self) -> None:
        stop_process(self.process)

    def log(self) -> str:
        path = self.workdir / "ministack.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def ministack_installed() -> bool:
    try:
        import boto3  # noqa: F401
        import ministack  # noqa: F401
    except ImportError:
        return False
    return True


def start_ministack(workdir: Path, trust_ca: Path | None = None) -> Ministack:
    """ministack in a subprocess on 127.0.0.1, its files under `workdir`; waits until it answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MINISTACK_"))},
        "GATEWAY_PORT": str(port),
        "BIND_HOST": "127.0.0.1",  # ministack binds 0.0.0.0 by default
        "MINISTACK_HOST": "127.0.0.1",
        "SERVICES": SERVICES,
        "PERSIST_STATE": "0",
        "STATE_DIR": str(workdir / "state"),
        "S3_DATA_DIR": str(workdir / "s3"),
        "TMPDIR": str(workdir),  # its pid file and any temporary file
        "LOG_LEVEL": "WARNING",
    }
    if trust_ca is not None:
        env["SSL_CERT_FILE"] = str(trust_ca)  # urllib (its OIDC token exchange) reads it
    log = open(workdir / "ministack.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "ministack"], env=env, cwd=workdir,
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    running = Ministack(f"http://127.0.0.1:{port}", workdir, process, trust_ca)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(running.endpoint + "/_ministack/health", timeout=1).status_code == 200:
                return running
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"ministack did not start:\n{running.log()}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def ministack(tmp_path_factory):
    """One ministack for the session, trusting a session CA (see Ministack.trusted_data_dir)."""
    if not ministack_installed():
        message = "ministack is not installed: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    ca = ensure_ca(tmp_path_factory.mktemp("ministack-ca"))
    running = start_ministack(tmp_path_factory.mktemp("ministack"), trust_ca=ca)
    yield running
    running.stop()


@contextmanager
def federation_pool(ministack: Ministack, name: str, domain: str):
    """A user pool with the custom attribute `department`, email, and the hosted domain `domain`
    (unique across the session's ministack); deleted afterwards."""
    cognito = ministack.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName=name, Schema=[
        {"Name": "department", "AttributeDataType": "String", "Mutable": True},
        {"Name": "email", "AttributeDataType": "String", "Mutable": True, "Required": False},
    ])["UserPool"]["Id"]
    cognito.create_user_pool_domain(Domain=domain, UserPoolId=pool_id)
    try:
        yield pool_id
    finally:
        cognito.delete_user_pool_domain(Domain=domain, UserPoolId=pool_id)
        cognito.delete_user_pool(UserPoolId=pool_id)
