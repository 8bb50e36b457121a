"""An example test against the mock_idp image (needs Docker and testcontainers)."""

from pathlib import Path

import pytest

from mock_idp_container import MockIdPContainer

SEED = Path(__file__).resolve().parents[3] / "seed_users.yaml"


@pytest.fixture(scope="session")
def idp():
    with MockIdPContainer(seed=SEED) as container:
        yield container.client()


def test_signs_in_and_fails_on_demand(idp):
    tokens = idp.login(tenant="okta", username="alice", password="alice-password")
    assert tokens["id_token"]
    idp.scenario(tenant="okta", endpoint="token", error="invalid_grant")
    idp.reset()
