"""examples/appsync-local: AppSync's authorization modes on the Employee API, against real tokens."""

import sys

import httpx
import pytest
from aws_support import APPSYNC_CLIENT, auth0_issuer, auth0_m2m_token, okta_id_token, okta_issuer  # noqa: F401
from conftest import REPO, Browser, serve_asgi

from mock_idp.aws import AppSyncConfig, UserPoolConfig

sys.path.insert(0, str(REPO / "examples" / "appsync-local"))
from appsync_modes import OIDC, ApiAuth  # noqa: E402
from appsync_server import create_app  # noqa: E402

CREATE = "mutation Create($name: String!) { createEmployee(name: $name, department: \"IT\", salary: 100) { id name createdBy } }"
LIST = "query { listEmployees { name department salary createdBy } }"
WHOAMI = "query { whoami }"


class Api:
    def __init__(self, auth: ApiAuth):
        self.running = serve_asgi(create_app(auth))
        self.url = self.running.base_url + "/graphql"

    def post(self, token: str | None, query: str, **variables) -> httpx.Response:
        headers = {"Authorization": token} if token else {}
        return httpx.post(self.url, json={"query": query, "variables": variables}, headers=headers)


@pytest.fixture(scope="module")
def okta_api(seed_server):
    """Default mode OIDC with the blog's settings, plus user pools (our cognito tenant) and a Lambda authorizer."""
    import lambda_authorizer

    lambda_authorizer.ISSUER = seed_server.tenant_url("/default")
    api = Api(ApiAuth(oidc=AppSyncConfig(okta_issuer(seed_server), client_id=APPSYNC_CLIENT, iat_ttl_ms=3_600_000),
                      user_pool=UserPoolConfig(seed_server.tenant_url("/cognito"), app_id_client_regex="cognito-.*"),
                      lambda_authorizer=lambda_authorizer.handler, default_mode=OIDC))
    yield api
    api.running.stop()


def test_okta_implicit_id_token_creates_and_lists_employees(okta_api, okta_id_token):
    created = okta_api.post(okta_id_token, CREATE, name="Ada")
    assert created.status_code == 200 and "errors" not in created.json(), created.text
    assert created.json()["data"]["createEmployee"]["name"] == "Ada"

    listed = okta_api.post(okta_id_token, LIST).json()
    assert {"name": "Ada", "department": "IT", "salary": 100} .items() <= listed["data"]["listEmployees"][-1].items()


def test_resolvers_see_the_oidc_identity_appsync_builds(okta_api, okta_id_token, seed_server):
    import json

    identity = json.loads(okta_api.post(okta_id_token, WHOAMI).json()["data"]["whoami"])
    assert set(identity) == {"sub", "issuer", "claims"}
    assert identity["issuer"] == okta_issuer(seed_server) and identity["claims"]["email"] == "alice@example.com"


def test_expired_token_is_refused_with_unauthorized_exception(seed_server, okta_id_token):
    from mock_idp.aws import check_appsync

    short = Api(ApiAuth(oidc=AppSyncConfig(okta_issuer(seed_server), iat_ttl_ms=1)))
    try:
        response = short.post(okta_id_token, LIST)
        assert response.status_code == 401
        assert response.json() == {"errors": [{"errorType": "UnauthorizedException", "message": "Unauthorized"}]}
        assert "iatTTL" in response.headers["x-mock-idp-reason"]
    finally:
        short.running.stop()
    assert check_appsync(okta_id_token, AppSyncConfig(okta_issuer(seed_server))).accepted  # the token itself is fine


def test_token_of_another_issuer_and_no_token_are_refused(seed_server):
    api = Api(ApiAuth(oidc=AppSyncConfig(okta_issuer(seed_server))))
    try:
        foreign = api.post(auth0_m2m_token(seed_server), LIST)
        assert foreign.status_code == 401 and foreign.json()["errors"][0]["errorType"] == "UnauthorizedException"
        assert "iss" in foreign.headers["x-mock-idp-reason"]
        missing = api.post(None, LIST)
        assert missing.status_code == 401
        assert missing.json()["errors"] == [{"errorType": "UnauthorizedException",
                                             "message": "Valid authorization header not provided."}]
    finally:
        api.running.stop()


@pytest.mark.parametrize("client_id, allowed", [(".*", True), ("auth0-web", False)])
def test_auth0_m2m_token_depends_on_the_client_id_regex(seed_server, client_id, allowed):
    api = Api(ApiAuth(oidc=AppSyncConfig(auth0_issuer(seed_server), client_id=client_id)))
    try:
        response = api.post(auth0_m2m_token(seed_server), LIST)
        assert (response.status_code == 200) is allowed, response.text
        if not allowed:
            assert response.json()["errors"][0]["errorType"] == "UnauthorizedException"
            assert "clientId" in response.headers["x-mock-idp-reason"]
    finally:
        api.running.stop()


def cognito_tokens(seed_server, username: str) -> dict:
    """Our cognito persona's tokens from the code flow through the login page (app client with secret)."""
    from authlib.integrations.httpx_client import OAuth2Client

    discovery = httpx.get(seed_server.tenant_url("/cognito/.well-known/openid-configuration")).json()
    client = OAuth2Client("cognito-app-client", "cognito-app-secret-0123456789", scope="openid email profile",
                          redirect_uri="http://localhost:3000/callback")
    url, state = client.create_authorization_url(discovery["authorization_endpoint"])
    browser = Browser()
    try:
        response = browser.authorize(url, username, f"{username}-password")
    finally:
        browser.http.close()
    assert response.status_code == 302, response.text[:300]
    return client.fetch_token(discovery["token_endpoint"], authorization_response=response.headers["location"])


def test_cognito_groups_decide_who_may_create_and_see_salaries(okta_api, seed_server, okta_id_token):
    admin = cognito_tokens(seed_server, "alice")["id_token"]  # cognito:groups includes admins
    created = okta_api.post(admin, CREATE, name="Grace")
    assert created.json()["data"]["createEmployee"]["createdBy"] == "alice", created.text

    other = cognito_tokens(seed_server, "frank")["access_token"]  # Finance, no admins group
    refused = okta_api.post(other, CREATE, name="Mallory").json()
    assert refused["data"] == {"createEmployee": None}
    assert refused["errors"][0]["errorType"] == "Unauthorized"
    assert refused["errors"][0]["message"] == "Not Authorized to access createEmployee on type Mutation"
    assert refused["errors"][0]["path"] == ["createEmployee"]
    rows = okta_api.post(other, LIST).json()
    assert rows["data"]["listEmployees"] and all(row["salary"] is None for row in rows["data"]["listEmployees"])
    assert {e["message"] for e in rows["errors"]} == {"Not Authorized to access salary on type Employee"}


def lambda_token(seed_server, scope: str) -> str:
    response = httpx.post(seed_server.tenant_url("/default/token"), auth=("demo-service", "demo-service-secret"),
                          data={"grant_type": "client_credentials", "scope": scope})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_lambda_authorizer_context_and_denied_fields(okta_api, seed_server):
    import json

    reader = lambda_token(seed_server, "employees:read")
    identity = json.loads(okta_api.post(reader, WHOAMI).json()["data"]["whoami"])
    assert identity == {"resolverContext": {"principal": "demo-service", "scope": "employees:read", "operation": ""}}
    denied = okta_api.post(reader, CREATE, name="Linus").json()
    assert denied["data"] == {"createEmployee": None}
    assert denied["errors"][0]["message"] == "Not Authorized to access createEmployee on type Mutation"

    writer = lambda_token(seed_server, "employees:read employees:write")
    created = okta_api.post(writer, CREATE, name="Linus").json()
    assert created["data"]["createEmployee"]["createdBy"] == "demo-service"
    assert okta_api.post("not-a-token", LIST).json()["errors"][0] == {
        "errorType": "UnauthorizedException", "message": "You are not authorized to make this call."}
