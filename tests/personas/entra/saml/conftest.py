"""An entra tenant with SAML enterprise apps (tests/seeds/entra_saml.yaml), served once per
session; the SP harness is the Okta SAML tests' (tests/personas/okta/saml/saml_support.py)."""

import pytest
from conftest import SEEDS, start_server

TID = "0c0ffee0-0000-4000-8000-00000000e17a"


@pytest.fixture(scope="session")
def entra_saml_server(tmp_path_factory):
    running = start_server(SEEDS / "entra_saml.yaml", tmp_path_factory.mktemp("entra-saml-data"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def entra(entra_saml_server) -> str:
    return entra_saml_server.tenant_url("/entra")
