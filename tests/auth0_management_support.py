"""Auth0's Management API v2 from a test, as auth0-python calls it over --tls trusting only the
local CA, against tests/seeds/management.yaml (tests/personas/auth0/test_management_api.py, test_rbac.py).
A test module imports the fixtures (`server`, `domain`, `trust_the_local_ca`) to use them."""

import ssl

import httpx
import pytest
from auth0.authentication import GetToken
from auth0.management import Auth0
from conftest import SEEDS, RunningServer, start_server
from joserfc import jwt
from joserfc.jwk import KeySet


@pytest.fixture(scope="module")
def server(tmp_path_factory, request) -> RunningServer:
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp(request.module.__name__.split(".")[-1]),
                           tls=True, admin=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def domain(server) -> str:
    """The tenant as auth0-python takes it: host and path, no scheme (it speaks https)."""
    return server.tenant_url("/auth0").removeprefix("https://")


@pytest.fixture(autouse=True)
def trust_the_local_ca(server, monkeypatch):
    # auth0-python's authentication client uses requests: it trusts this CA bundle (and only it).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca))


def management_token(domain: str, client_id: str = "backend", secret: str = "backend-secret") -> str:
    """client_credentials for the /api/v2/ audience (auth0-python's requests trusts REQUESTS_CA_BUNDLE)."""
    token = GetToken(domain, client_id, client_secret=secret).client_credentials(f"https://{domain}/api/v2/")
    return token["access_token"]


def management(server, domain: str, token: str) -> Auth0:
    return Auth0(tenant_domain=domain, token=token,
                 httpx_client=httpx.Client(verify=ssl.create_default_context(cafile=str(server.ca))))


def verified(server, domain: str, token: str) -> dict:
    jwks = httpx.get(f"https://{domain}/.well-known/jwks.json", verify=server.verify).json()
    claims = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert claims["iss"] == f"https://{domain}/"
    return claims
