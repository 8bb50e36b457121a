"""examples/testcontainers without Docker: the wait and configuration helpers, and the client they
hand out, against a server started here; the Node recipe at least parses."""

import shutil
import subprocess
import sys

import pytest

from conftest import REPO, SEEDS, free_port, start_server

EXAMPLE = REPO / "examples" / "testcontainers"
sys.path.insert(0, str(EXAMPLE / "python"))
import mock_idp_container  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("container-like"),
                           admin_token="container-token")
    yield running
    running.stop()


def test_the_wait_returns_once_healthz_answers(server):
    mock_idp_container.wait_until_healthy(server.base_url, timeout=5)


def test_the_wait_gives_up_on_a_server_that_never_answers():
    with pytest.raises(TimeoutError, match="did not answer /healthz"):
        mock_idp_container.wait_until_healthy(f"http://127.0.0.1:{free_port()}", timeout=0.5)


def test_the_container_is_told_its_public_url_admin_token_and_seed(tmp_path):
    env = mock_idp_container.container_settings(18080, "t0k3n", seed=tmp_path / "seed.yaml")
    assert env == {"MOCK_IDP_BASE_URL": "http://localhost:18080", "MOCK_IDP_ADMIN_TOKEN": "t0k3n",
                   "MOCK_IDP_CONFIG": mock_idp_container.SEED_IN_CONTAINER}


def test_the_client_it_hands_out_drives_a_running_server_with_the_token(server):
    from mock_idp.testing import MockIdP, MockIdPError

    idp = MockIdP.remote(server.base_url, "container-token")
    assert idp.tenants == ["default"] and idp.issuer() == server.base_url + "/default"
    assert idp.login(username="alice", password="alice-password")["id_token"]
    with pytest.raises(MockIdPError) as refused:
        MockIdP.remote(server.base_url, "wrong-token")
    assert refused.value.status == 401


def test_the_node_recipe_parses():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (the interop suite installs it)")
    result = subprocess.run([node, "--check", str(EXAMPLE / "node" / "mock-idp.test.mjs")], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
