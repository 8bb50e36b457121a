"""okta-sdk-python's OAuth mode for Okta's own APIs, as a service app uses it: `authorizationMode:
PrivateKey` signs a client assertion (private_key_jwt) for the org authorization server's
/oauth2/v1/token, gets an access token with the `okta.*` scopes it asks for, and calls the Users API
with it as a Bearer token. Over --tls trusting only the local CA; the key is made by the test and
only its public half is in the seed."""

import asyncio
import ssl

import pytest
import yaml
from conftest import SEEDS, start_server
from joserfc.jwk import RSAKey
from okta.client import Client as OktaClient
from okta.http_client import HTTPClient
from okta.models import CreateUserRequest

KEY = RSAKey.generate_key(2048, private=True, parameters={"kid": "sdk-key-1"})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("okta-private-key")
    okta = yaml.safe_load((SEEDS / "management.yaml").read_text())["tenants"]["okta"]
    public = {**KEY.as_dict(private=False), "use": "sig", "alg": "RS256"}
    okta["clients"].append({"client_id": "sdk-service", "token_endpoint_auth_method": "private_key_jwt",
                            "grant_types": ["client_credentials"], "jwks": {"keys": [public]}})
    (folder / "seed.yaml").write_text(yaml.safe_dump({"tenants": {"okta": okta}}))
    running = start_server(folder / "seed.yaml", folder / "data", tls=True)
    yield running
    running.stop()


def sdk(server, scopes: list[str]) -> OktaClient:
    class LocalCA(HTTPClient):
        def __init__(self, http_config):
            super().__init__({**http_config, "sslContext": ssl.create_default_context(cafile=str(server.ca))})
    return OktaClient({"orgUrl": server.tenant_url("/okta"), "authorizationMode": "PrivateKey", "clientId": "sdk-service",
                       "scopes": scopes, "privateKey": KEY.as_pem(private=True).decode(), "kid": "sdk-key-1",
                       "httpClient": LocalCA})


def test_the_sdk_signs_its_own_assertion_and_calls_the_users_api_within_its_scopes(server):
    async def scenario():
        reader = sdk(server, ["okta.users.read"])
        listed, _, error = await reader.list_users()
        assert error is None, error
        body = CreateUserRequest.from_dict({"profile": {"firstName": "Sam", "lastName": "Service",
                                                        "email": "sam@example.com", "login": "sam@example.com"}})
        _, _, refused = await reader.create_user(body, activate=False)
        created, _, error = await sdk(server, ["okta.users.manage"]).create_user(body, activate=False)
        assert error is None, error
        return listed, refused, created
    listed, refused, created = asyncio.run(scenario())
    assert [user.profile.login for user in listed] == ["alice@example.com"]
    assert (refused.status, refused.error_code) == (403, "E0000006")
    assert created.status.value == "STAGED"
