"""Token hooks set, changed and switched off at run time, through the admin API and the testing
API (`MockIdP.set_hook`, `clear_hook`, `on_pre_token_generation(fn)`), on a live server."""

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from flavor_support import claims_of

from mock_idp.invoke_server import InvokeServer
from mock_idp.testing import MockIdP, MockIdPError

CONFIG = {"tenants": {
    "us-east-1_Runtime": {"flavor": "cognito", "clients": [{"client_id": "web"}],
                          "users": [{"username": "alice", "password": "alice-password",
                                     "claims": {"email": "alice@example.com", "groups": ["admins"]}}]},
    "okta": {"flavor": "okta", "authorization_servers": [{"id": "default"}],
             "clients": [{"client_id": "0oa-app", "client_secret": "s", "grant_types": ["password"]}],
             "users": [{"username": "alice", "password": "alice-password"}]},
}}


@pytest.fixture(scope="module")
def idp():
    with MockIdP(CONFIG) as running:
        yield running


def id_token_claims(idp) -> dict:
    pool = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=idp.url + "/us-east-1_Runtime",
                        config=Config(retries={"max_attempts": 1}))
    result = pool.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="web",
                                AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password"})
    return claims_of(result["AuthenticationResult"]["IdToken"], idp.discovery("us-east-1_Runtime"))


def test_a_function_of_the_test_becomes_the_trigger_and_can_be_switched_off(idp):
    seen = []

    def tenant_claim(event, context):
        seen.append(event)
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": "t-42"}}}
        return event

    url = idp.on_pre_token_generation(tenant_claim, tenant="us-east-1_Runtime")
    assert id_token_claims(idp)["tenant_id"] == "t-42"
    assert seen[-1]["triggerSource"] == "TokenGeneration_Authentication" and seen[-1]["version"] == "2"
    assert idp.admin("GET", "/tenants/us-east-1_Runtime/hooks") == {
        "pre_token_generation": {"version": "V2_0", "url": url}}
    idp.set_hook("pre_token_generation", {"version": "V1_0", "handler": "pre_token_handlers.doc_v1_add_suppress_and_groups"},
                 tenant="us-east-1_Runtime")
    claims = id_token_claims(idp)
    assert claims["attribute_key"] == "attribute_value" and "tenant_id" not in claims
    idp.clear_hook("pre_token_generation", tenant="us-east-1_Runtime")
    assert idp.admin("GET", "/tenants/us-east-1_Runtime/hooks") == {"pre_token_generation": None}
    assert "attribute_key" not in id_token_claims(idp) and id_token_claims(idp)["email"] == "alice@example.com"
    idp.on_pre_token_generation(tenant_claim, tenant="us-east-1_Runtime")
    idp.reset("us-east-1_Runtime")  # back to the seed: no trigger
    assert "tenant_id" not in id_token_claims(idp)


def test_hook_bodies_are_checked_as_the_seed_file_is(idp):
    with pytest.raises(MockIdPError) as raised:
        idp.set_hook("pre_token_generation", {"version": "V9_0", "url": "http://127.0.0.1:1/x"}, tenant="us-east-1_Runtime")
    assert raised.value.status == 400 and raised.value.body["errors"][0]["field"] == "version"
    with pytest.raises(MockIdPError) as raised:
        idp.set_hook("pre_token_generation", {"url": "ftp://x"}, tenant="us-east-1_Runtime")
    assert "is not an http(s) URL" in raised.value.body["error_description"]
    # A hook the persona does not run, or an authorization server the tenant does not have.
    for tenant, name in (("okta", "pre_token_generation"), ("okta", "token_inline_hook/nope"),
                         ("us-east-1_Runtime", "token_inline_hook/default")):
        with pytest.raises(MockIdPError) as raised:
            idp.set_hook(name, {"url": "http://127.0.0.1:1/x"}, tenant=tenant)
        assert raised.value.status == 404


def test_an_okta_hook_set_at_run_time_is_called_and_its_credentials_are_not_read_back(idp):
    calls = []

    def hook(event, context):  # the Invoke server answers what this returns: Okta's commands
        calls.append(event)
        return {"commands": [{"type": "com.okta.access.patch",
                              "value": [{"op": "add", "path": "/claims/runtime", "value": True}]}]}

    service = InvokeServer(hook)  # any service answering JSON by POST will do
    try:
        idp.set_hook("token_inline_hook/default", {"url": service.url, "headers": {"Authorization": "Bearer s3cret"}},
                     tenant="okta")
        assert idp.admin("GET", "/tenants/okta/hooks") == {
            "token_inline_hook:default": {"url": service.url, "headers": {"Authorization": "********"}}}
        issuer = idp.url + "/okta/oauth2/default"
        token = httpx.post(issuer + "/v1/token", auth=("0oa-app", "s"), data={
            "grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid"})
        discovery = httpx.get(issuer + "/.well-known/openid-configuration").json()
        assert claims_of(token.json()["access_token"], discovery)["runtime"] is True
        assert calls[-1]["eventType"] == "com.okta.oauth2.tokens.transform"
    finally:
        service.stop()


def test_a_scenario_makes_the_trigger_fail_once_and_the_trail_shows_each_call(idp):
    def plain(event, context):
        return event

    idp.on_pre_token_generation(plain, tenant="us-east-1_Runtime")
    try:
        idp.scenario(tenant="us-east-1_Runtime", endpoint="pre_token_generation",
                     error="UserLambdaValidationException", error_description="PreTokenGeneration failed with error down.")
        with pytest.raises(ClientError) as raised:
            id_token_claims(idp)
        assert raised.value.response["Error"] == {"Code": "UserLambdaValidationException",
                                                  "Message": "PreTokenGeneration failed with error down."}
        assert id_token_claims(idp)["cognito:groups"] == ["admins"]  # fired once: the trigger works again
        calls = idp.requests(tenant="us-east-1_Runtime", endpoint="pre_token_generation")
        assert [call["outcome"] for call in calls[-2:]] == [
            "UserLambdaValidationException: PreTokenGeneration failed with error down.", "applied"]
        assert calls[-1]["request"]["triggerSource"] == "TokenGeneration_Authentication"
        assert calls[-1]["answer"]["userName"] == "alice"
    finally:
        idp.reset("us-east-1_Runtime")


def test_a_scenario_makes_the_okta_hook_deny_and_the_trail_masks_its_credentials(idp):
    service = InvokeServer(lambda event, context: {"commands": []})
    try:
        idp.set_hook("token_inline_hook/default", {"url": service.url, "headers": {"Authorization": "Bearer s3cret"}},
                     tenant="okta")
        idp.scenario(tenant="okta", endpoint="token_inline_hook", error="locked", error_description="Account locked")
        denied = httpx.post(idp.url + "/okta/oauth2/default/v1/token", auth=("0oa-app", "s"), data={
            "grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid"})
        assert denied.json() == {"error": "server_error", "error_description": "Account locked"}
        calls = idp.requests(tenant="okta", endpoint="token_inline_hook")
        assert calls[-1]["outcome"] == "denied: Account locked"
        assert calls[-1]["headers"] == {"Authorization": "********"} and "s3cret" not in str(calls)
        with pytest.raises(MockIdPError) as raised:
            idp.scenario(tenant="okta", endpoint="pre_token_generation", error="x")
        assert "runs no 'pre_token_generation' hook" in raised.value.body["error_description"]
    finally:
        service.stop()
        idp.reset("okta")


def test_minted_tokens_go_through_the_trigger_too(idp):
    def tenant_claim(event, context):
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": "t-7"}}}
        return event

    idp.on_pre_token_generation(tenant_claim, tenant="us-east-1_Runtime")
    try:
        minted = idp.mint(tenant="us-east-1_Runtime", username="alice", client_id="web")
        assert claims_of(minted["id_token"], idp.discovery("us-east-1_Runtime"))["tenant_id"] == "t-7"
    finally:
        idp.reset("us-east-1_Runtime")


def test_an_okta_hook_answering_more_than_the_limit_is_read_no_further(idp):
    """Okta issues the token unchanged when its hook fails; the trail says why (hooks.MAX_ANSWER_BYTES)."""
    service = InvokeServer(lambda event, context: {"commands": [], "padding": "x" * 1_000_000})
    try:
        idp.set_hook("token_inline_hook/default", {"url": service.url}, tenant="okta")
        answer = httpx.post(idp.url + "/okta/oauth2/default/v1/token", auth=("0oa-app", "s"), data={
            "grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid"})
        calls = idp.requests(tenant="okta", endpoint="token_inline_hook")
        assert answer.status_code == 200 and answer.json()["access_token"]
        assert calls[-1]["outcome"] == "skipped: too_large: the answer is larger than 262144 bytes"
    finally:
        service.stop()
        idp.reset("okta")
