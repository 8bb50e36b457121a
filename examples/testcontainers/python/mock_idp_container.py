"""mock_idp in a container from a Python test suite, with testcontainers (pip install testcontainers).

    from mock_idp_container import MockIdPContainer

    with MockIdPContainer(seed=Path("seed_users.yaml")) as container:
        idp = container.client()          # mock_idp.testing.MockIdP, driving the container
        tokens = idp.login(username="alice", password="alice-password")

The container is reached on a host port chosen before it starts, so the issuer URL
(MOCK_IDP_BASE_URL) is the URL the tests use. The admin API answers a bearer token only: the
tests' calls come from outside the container, not from its loopback.
"""

import secrets
import socket
import time
from pathlib import Path

import httpx

IMAGE = "mock-idp:latest"  # docker build -t mock-idp . (see docs/container.md)
CONTAINER_PORT = 8000
SEED_IN_CONTAINER = "/seed/seed.yaml"


def container_settings(host_port: int, admin_token: str, seed: Path | None = None) -> dict[str, str]:
    """The environment of the container: its public URL, the admin token, the seed it reads."""
    env = {"MOCK_IDP_BASE_URL": f"http://localhost:{host_port}", "MOCK_IDP_ADMIN_TOKEN": admin_token}
    if seed is not None:
        env["MOCK_IDP_CONFIG"] = SEED_IN_CONTAINER
    return env


def wait_until_healthy(base_url: str, timeout: float = 30.0, interval: float = 0.1) -> None:
    """Poll GET /healthz until it answers 200 (the image's HEALTHCHECK uses the same route)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(base_url.rstrip("/") + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base_url} did not answer /healthz within {timeout} s")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MockIdPContainer:
    """A context manager around testcontainers' DockerContainer (imported only when used)."""

    def __init__(self, seed: Path | None = None, image: str = IMAGE):
        self.seed, self.image = seed, image
        self.host_port, self.admin_token = free_port(), secrets.token_urlsafe(24)
        self.base_url = f"http://localhost:{self.host_port}"
        self._container = None

    def __enter__(self) -> "MockIdPContainer":
        from testcontainers.core.container import DockerContainer

        container = DockerContainer(self.image).with_bind_ports(CONTAINER_PORT, self.host_port)
        for name, value in container_settings(self.host_port, self.admin_token, self.seed).items():
            container = container.with_env(name, value)
        if self.seed is not None:
            container = container.with_volume_mapping(str(self.seed.resolve()), SEED_IN_CONTAINER, "ro")
        self._container = container.start()
        wait_until_healthy(self.base_url)
        return self

    def __exit__(self, *exc) -> None:
        self._container.stop()

    def client(self):
        from mock_idp.testing import MockIdP

        return MockIdP.remote(self.base_url, self.admin_token)
