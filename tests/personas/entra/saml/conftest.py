"""An entra tenant with SAML enterprise apps (tests/seeds/entra_saml.yaml), served once per
session; the SP harness is the Okta SAML tests' (tests/personas/okta/saml/saml_support.py)."""

import pytest
from conftest import seed_fixture

TID = "0c0ffee0-0000-4000-8000-00000000e17a"
entra_saml_server = seed_fixture("entra_saml.yaml", admin=True)  # scenarios, the audit trail


@pytest.fixture(scope="session")
def entra(entra_saml_server) -> str:
    return entra_saml_server.tenant_url("/entra")
