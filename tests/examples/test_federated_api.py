"""examples/federated-api: mock_idp's okta tenant -> ministack's Cognito (OIDC IdP, custom:department)
-> a Lambda TOKEN authorizer (pool JWKS, departments and a daily quota in ministack's DynamoDB)
-> a small HTTP API. Every user signs in on our real login page through ministack's hosted UI."""

import sys

import boto3
import httpx
import pytest
from conftest import REPO, serve_asgi
from personas.cognito.test_federation import OKTA, add_identity_provider, hosted_ui_sign_in, plain_idp, pool  # noqa: F401

sys.path.insert(0, str(REPO / "examples" / "federated-api"))
import api as federated_api  # noqa: E402
import authorizer  # noqa: E402
from tables import create_tables  # noqa: E402

CALL_LIMIT = 3


@pytest.fixture(scope="module")
def dynamodb(ministack):
    resource = boto3.resource("dynamodb", endpoint_url=ministack.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
    create_tables(resource, "FedApiResources", "FedApiQuota")
    yield resource
    for name in ("FedApiResources", "FedApiQuota"):
        resource.Table(name).delete()


@pytest.fixture(scope="module")
def federation(ministack, pool, plain_idp):  # noqa: F811
    """The pool's OIDC IdP (our okta tenant) and the one app client the API's users sign in with."""
    app_id, app_secret = add_identity_provider(ministack, pool, plain_idp, OKTA, "FedApiOkta")
    return app_id, app_secret


@pytest.fixture(scope="module")
def settings(ministack, pool, federation):  # noqa: F811
    return authorizer.Settings(
        user_pool_id=pool, app_client_id=federation[0], jwks_uri=f"{ministack.endpoint}/{pool}/.well-known/jwks.json",
        dynamodb_endpoint=ministack.endpoint, resources_table="FedApiResources", quota_table="FedApiQuota",
        daily_call_limit=CALL_LIMIT)


@pytest.fixture(scope="module")
def http_api(settings, dynamodb):
    with pytest.MonkeyPatch.context() as env:  # the Lambda's role credentials, for ministack
        env.setenv("AWS_ACCESS_KEY_ID", "test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "test")
        running = serve_asgi(federated_api.create_app(lambda event, context: authorizer.handler(event, context,
                                                                                                settings)))
        yield running.base_url
        running.stop()


def id_token(ministack, pool, plain_idp, federation, username):  # noqa: F811
    claims, tokens = hosted_ui_sign_in(ministack, pool, plain_idp, OKTA, "FedApiOkta", *federation, username)
    return claims, tokens["id_token"]


def test_it_user_reads_the_blog(ministack, pool, plain_idp, federation, http_api):  # noqa: F811
    claims, token = id_token(ministack, pool, plain_idp, federation, "alice")
    assert claims["custom:department"] == "IT"
    response = httpx.get(http_api + "/blog", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.json()["reader"] == claims["cognito:username"] and response.json()["posts"]


def test_hr_user_is_denied_the_blog_but_reads_payroll(ministack, pool, plain_idp, federation, http_api):  # noqa: F811
    claims, token = id_token(ministack, pool, plain_idp, federation, "hannah")
    assert claims["custom:department"] == "HR"
    denied = httpx.get(http_api + "/blog", headers={"Authorization": token})
    assert denied.status_code == 403 and denied.json() == {"Message": "HR has no access to /blog"}
    assert httpx.get(http_api + "/payroll", headers={"Authorization": token}).status_code == 200


def test_daily_quota_denies_the_call_past_the_limit(ministack, pool, plain_idp, federation, http_api, dynamodb,  # noqa: F811
                                                     settings):
    claims, token = id_token(ministack, pool, plain_idp, federation, "frank")
    user = claims["cognito:username"]
    statuses = [httpx.get(http_api + "/blog", headers={"Authorization": token}).status_code
                for _ in range(CALL_LIMIT)]
    assert statuses == [200] * CALL_LIMIT
    over = httpx.get(http_api + "/blog", headers={"Authorization": token})
    assert over.status_code == 403
    assert over.json() == {"Message": f"Daily call limit of {CALL_LIMIT} has exceeded for {user}"}
    item = dynamodb.Table("FedApiQuota").get_item(Key={"PrincipalId": user})["Item"]
    assert {"PrincipalId", "CallLimit", "Calls", "TTL"} == set(item) and item["Calls"] == CALL_LIMIT

    # At the TTL (next midnight UTC) the count starts again, even before DynamoDB deletes the item.
    event = {"type": "TOKEN", "authorizationToken": token,
             "methodArn": federated_api.ARN + "/GET/blog"}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "test")
        next_day = authorizer.handler(event, None, settings, now=int(item["TTL"]))
    assert next_day["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert next_day["principalId"] == user


def test_a_token_not_from_the_pool_is_401(http_api, seed_server):
    from aws_support import auth0_m2m_token

    for header in ({"Authorization": "Bearer " + auth0_m2m_token(seed_server)}, {}):
        response = httpx.get(http_api + "/blog", headers=header)
        assert response.status_code == 401 and response.json() == {"message": "Unauthorized"}


def test_the_authorizer_sees_the_claims_a_pre_token_generation_trigger_set(dynamodb, tmp_path):
    """mock_idp itself as the user pool (its `iss` the AWS one, through --base-url), with a V1_0
    trigger that moves hannah (HR in the pool) to Finance: the authorizer lets her read /blog."""
    from conftest import start_server

    (tmp_path / "seed.yaml").write_text("""
tenants:
  us-east-1_FedHook:
    flavor: cognito
    triggers: {pre_token_generation: {version: V1_0, handler: 'pre_token_handlers:department_from_the_hr_system'}}
    clients: [{client_id: web}]
    users: [{username: hannah, password: hannah-password, claims: {email: hannah@example.com, department: HR}}]
""")
    server = start_server(tmp_path / "seed.yaml", tmp_path / "data", base_url="https://cognito-idp.us-east-1.amazonaws.com")
    try:
        pool_url = server.tenant_url("/us-east-1_FedHook")
        cognito = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=pool_url)
        token = cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="web", AuthParameters={
            "USERNAME": "hannah", "PASSWORD": "hannah-password"})["AuthenticationResult"]["IdToken"]
        settings = authorizer.Settings(
            user_pool_id="us-east-1_FedHook", app_client_id="web", jwks_uri=pool_url + "/.well-known/jwks.json",
            dynamodb_endpoint=dynamodb.meta.client.meta.endpoint_url, resources_table="FedApiResources",
            quota_table="FedApiQuota", daily_call_limit=CALL_LIMIT)
        event = {"type": "TOKEN", "authorizationToken": "Bearer " + token, "methodArn": federated_api.ARN + "/GET/blog"}
        with pytest.MonkeyPatch.context() as env:
            env.setenv("AWS_ACCESS_KEY_ID", "test")
            env.setenv("AWS_SECRET_ACCESS_KEY", "test")
            decision = authorizer.handler(event, None, settings)
        assert decision["policyDocument"]["Statement"][0]["Effect"] == "Allow", decision
        assert decision["principalId"] == "hannah"
    finally:
        server.stop()
