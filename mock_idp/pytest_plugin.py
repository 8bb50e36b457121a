"""The pytest plugin (entry point `pytest11`): a `mock_idp` fixture.

    def test_login(mock_idp):
        tokens = mock_idp.login(username="alice", password="alice-password")

One server for the whole session (`mock_idp_server`); every test gets it back as the seed file
left it (`mock_idp` resets after each test). The seed comes from --mock-idp-config, the ini
option mock_idp_config, or mock_idp.testing's built-in default.
"""

import pytest

from .testing import MockIdP


def pytest_addoption(parser) -> None:
    group = parser.getgroup("mock_idp", "mock_idp, a mock OpenID Connect provider")
    group.addoption("--mock-idp-config", dest="mock_idp_config", default=None, metavar="SEED",
                    help="Seed file (YAML) for the mock_idp fixture's server.")
    group.addoption("--mock-idp-isolated", dest="mock_idp_isolated", action="store_true", default=False,
                    help="Run the mock_idp fixture's server in a subprocess, not in a thread.")
    parser.addini("mock_idp_config", "Seed file (YAML) for the mock_idp fixture's server.", default=None)


@pytest.fixture(scope="session")
def mock_idp_server(request):
    """The session's MockIdP server."""
    option = request.config.getoption("mock_idp_config") or request.config.getini("mock_idp_config")
    config = None
    if option:
        config = (request.config.rootpath / option) if not str(option).startswith("/") else option
    with MockIdP(config, isolated=request.config.getoption("mock_idp_isolated")) as idp:
        yield idp


@pytest.fixture
def mock_idp(mock_idp_server):
    """The session's MockIdP, reset to its seed after the test."""
    yield mock_idp_server
    mock_idp_server.reset()
