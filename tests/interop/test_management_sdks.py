"""@okta/okta-sdk-nodejs against the Okta tenant's Users and Groups API over --tls (issue 23): the
same API okta-sdk-python drives in tests/personas/okta/test_management_api.py, seen by the Node SDK."""

import pytest

from conftest import SEEDS, start_server
from node_runner import run_node

API_TOKEN = "00-test-api-token-for-the-management-api"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("okta-node"), tls=True)
    yield running
    running.stop()


def test_okta_sdk_nodejs_creates_groups_finds_deactivates_and_deletes_a_user(server):
    result = run_node("okta_management.mjs", {"orgUrl": server.tenant_url("/okta"), "token": API_TOKEN,
                                              "login": "nora@example.com", "password": "Passw0rd-long",
                                              "group": "Node people"}, ca=server.ca)
    assert result["ok"], result
    assert result["userId"].startswith("00u") and result["status"] == "ACTIVE"
    assert result["members"] == [result["userId"]]
    assert sorted(result["found"]) == ["alice@example.com", "nora@example.com"]  # two pages of one
    assert result["duplicate"] == {"name": "OktaApiError", "status": 400, "errorCode": "E0000001"}
    assert result["deactivated"] == "DEPROVISIONED"
    assert result["gone"] == {"status": 404, "errorCode": "E0000007"}
