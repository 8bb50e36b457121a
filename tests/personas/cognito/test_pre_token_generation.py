"""Cognito's pre-token-generation trigger against the real server: the AWS documentation's V1, V2
and V3 example handlers behind a Lambda Invoke API server (invoke_api.py) and through a seed's
`handler:`; the event Cognito sends; the answer applied to the tokens of InitiateAuth, the hosted
sign-in, refresh and client_credentials; failures as Cognito reports them."""

import base64
import hashlib
import secrets
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import Browser, serve_asgi, start_server
from flavor_support import claims_of
from invoke_api import InvokeApi

from mock_idp.config import ConfigError, parse_config
from mock_idp.personas import all_flavors

REDIRECT = "http://localhost:3000/callback"
USERS = """
      - username: alice
        password: alice-password
        claims: {name: Alice Admin, email: alice@example.com, email_verified: true, department: IT,
                 phone_number: "+15555550100", groups: [admins]}
"""
CLIENTS = f"""
      - client_id: web
        redirect_uris: [{REDIRECT}]
        response_types: [code, token]
        grant_types: [authorization_code, refresh_token, implicit]
      - client_id: machine
        client_secret: machine-secret-0123456789abcdef
        grant_types: [client_credentials]
"""


def pool(name: str, trigger: str) -> str:
    return f"""
  {name}:
    flavor: cognito
    triggers:
      pre_token_generation: {{{trigger}}}
    clients:{CLIENTS}
    users:{USERS}"""


@pytest.fixture(scope="module")
def invoke_api():
    api = InvokeApi()
    running = serve_asgi(api.app)
    api.url = lambda function: f"{running.base_url}/2015-03-31/functions/{function}/invocations"
    yield api
    running.stop()


@pytest.fixture(scope="module")
def server(invoke_api, tmp_path_factory):
    url = invoke_api.url
    seed = "tenants:" + "".join([
        pool("us-east-1_DocV1", f"version: V1_0, url: '{url('doc_v1_add_suppress_and_groups')}'"),
        pool("eu-west-1_DocV2", f"version: V2_0, url: '{url('doc_v2_claims_scopes_and_groups')}'"),
        pool("us-east-1_DocV3", f"version: V3_0, url: '{url('doc_v3_machine_to_machine')}'"),
        pool("us-east-1_Handler", "version: V2_0, handler: 'pre_token_handlers:doc_v2_claims_scopes_and_groups'"),
        pool("us-east-1_HandlerV1", "version: V1_0, handler: pre_token_handlers.doc_v1_add_suppress_and_groups"),
        pool("us-east-1_Greedy", "version: V2_0, handler: 'pre_token_handlers:greedy'"),
        pool("us-east-1_Switch", f"version: V2_0, url: '{url('Switch')}'"),
    ])
    folder = tmp_path_factory.mktemp("pre-token")
    (folder / "seed.yaml").write_text(seed)
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


def discovery(server, name: str) -> dict:
    return httpx.get(server.tenant_url(f"/{name}/.well-known/openid-configuration")).json()


def user_pool_api(server, name: str):
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url("/" + name),
                        config=Config(retries={"max_attempts": 1}))


def initiate_auth(server, name: str) -> dict:
    return user_pool_api(server, name).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId="web",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password"})["AuthenticationResult"]


def hosted_code(server, name: str, scope: str = "openid email profile phone") -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {"response_type": "code", "client_id": "web", "redirect_uri": REDIRECT, "scope": scope,
             "code_challenge": challenge, "code_challenge_method": "S256", "state": "s"}
    response = Browser().authorize(discovery(server, name)["authorization_endpoint"] + "?" + urlencode(query))
    return dict(parse_qsl(urlsplit(response.headers["location"]).query))["code"], verifier


def redeem(server, name: str, code: str, verifier: str) -> httpx.Response:
    return httpx.post(discovery(server, name)["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "client_id": "web", "redirect_uri": REDIRECT,
        "code_verifier": verifier})


def lambda_error(call, *args) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(*args)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_v1_doc_handler_shapes_the_id_token_of_initiate_auth_from_the_event_cognito_sends(server, invoke_api):
    result = initiate_auth(server, "us-east-1_DocV1")
    meta = discovery(server, "us-east-1_DocV1")
    id_claims, access = claims_of(result["IdToken"], meta), claims_of(result["AccessToken"], meta)
    assert (id_claims["attribute_key"], id_claims["attribute_key2"]) == ("attribute_value", "attribute_value2")
    assert "email" not in id_claims and id_claims["name"] == "Alice Admin"
    assert id_claims["cognito:groups"] == ["group-A", "group-B", "group-C"]
    assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/sns_caller"
    assert len(id_claims["cognito:roles"]) == 2
    # V1_0 changes the ID token; only the groups reach the access token too.
    assert access["cognito:groups"] == ["group-A", "group-B", "group-C"] and "attribute_key" not in access
    event = invoke_api.last_event("doc_v1_add_suppress_and_groups")
    assert {k: event[k] for k in ("version", "triggerSource", "region", "userPoolId", "userName")} == {
        "version": "1", "triggerSource": "TokenGeneration_Authentication", "region": "us-east-1",
        "userPoolId": "us-east-1_DocV1", "userName": "alice"}
    assert event["callerContext"] == {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "web"}
    attributes = event["request"]["userAttributes"]
    assert attributes["sub"] == id_claims["sub"] and attributes["cognito:user_status"] == "CONFIRMED"
    assert (attributes["email_verified"], attributes["custom:department"]) == ("true", "IT")
    assert all(isinstance(value, str) for value in attributes.values())
    assert event["request"]["groupConfiguration"] == {"groupsToOverride": ["admins"], "iamRolesToOverride": [],
                                                      "preferredRole": None}
    assert "scopes" not in event["request"] and event["response"] == {"claimsOverrideDetails": None}


def test_v2_doc_handler_at_the_hosted_sign_in_and_at_refresh_shapes_both_tokens(server, invoke_api):
    name = "eu-west-1_DocV2"
    tokens = redeem(server, name, *hosted_code(server, name))
    assert tokens.status_code == 200, tokens.text
    meta = discovery(server, name)
    event = invoke_api.last_event("doc_v2_claims_scopes_and_groups")
    assert (event["version"], event["triggerSource"], event["region"]) == ("2", "TokenGeneration_HostedAuth", "eu-west-1")
    assert event["request"]["scopes"] == ["openid", "email", "profile", "phone"]
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}
    for body in (tokens.json(), refreshed(server, name, tokens.json()["refresh_token"])):
        id_claims, access = claims_of(body["id_token"], meta), claims_of(body["access_token"], meta)
        assert id_claims["family_name"] == "Doe" and "email" not in id_claims and "phone_number" not in id_claims
        assert id_claims["cognito:groups"] == ["new-group-A", "new-group-B", "new-group-C"]
        assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/new_role"
        assert (access["my_first_attribute"], access["my_second_attribute"]) == ("first_value", "second_value")
        assert access["scope"].split() == ["openid", "email", "profile", "phone", "solar-system-data/asteroids.add"]
        assert access["cognito:groups"] == ["new-group-A", "new-group-B", "new-group-C"]
    assert invoke_api.last_event("doc_v2_claims_scopes_and_groups")["triggerSource"] == "TokenGeneration_RefreshTokens"


def refreshed(server, name: str, refresh_token: str) -> dict:
    response = httpx.post(discovery(server, name)["token_endpoint"], data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "web"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("name", ["us-east-1_Handler", "us-east-1_HandlerV1"])
def test_a_python_handler_runs_unchanged_in_process(server, name):
    result = initiate_auth(server, name)
    meta = discovery(server, name)
    id_claims, access = claims_of(result["IdToken"], meta), claims_of(result["AccessToken"], meta)
    assert "email" not in id_claims and id_claims["cognito:groups"][0] in ("new-group-A", "group-A")
    if name == "us-east-1_Handler":
        # The user-pool API scope suppressed, three added (the openid one was not granted before).
        assert access["scope"].split() == ["openid", "email", "solar-system-data/asteroids.add"]
    refresh = user_pool_api(server, name).initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId="web",
                                                       AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    assert "email" not in claims_of(refresh["AuthenticationResult"]["IdToken"], meta)


def test_v3_runs_for_client_credentials_and_v2_does_not(server, invoke_api):
    for name, called in (("us-east-1_DocV3", True), ("eu-west-1_DocV2", False)):
        before = len(invoke_api.events)
        token = httpx.post(discovery(server, name)["token_endpoint"], data={"grant_type": "client_credentials"},
                           auth=("machine", "machine-secret-0123456789abcdef"))
        assert token.status_code == 200, token.text
        access = claims_of(token.json()["access_token"], discovery(server, name))
        assert (access.get("partner") == "partner-of-machine") is called
        assert ("partner/read" in access.get("scope", "").split()) is called
        assert (len(invoke_api.events) > before) is called
    event = invoke_api.last_event("doc_v3_machine_to_machine")
    assert (event["version"], event["triggerSource"], event["userName"]) == ("3", "TokenGeneration_ClientCredentials", None)


def test_claims_cognito_keeps_for_itself_are_not_changed(server):
    name = "us-east-1_Greedy"
    result = initiate_auth(server, name)
    meta = discovery(server, name)
    id_claims, access = claims_of(result["IdToken"], meta), claims_of(result["AccessToken"], meta)
    assert (id_claims["iss"], id_claims["aud"], id_claims["token_use"]) == (meta["issuer"], "web", "id")
    assert id_claims["cognito:username"] == "alice" and id_claims["sub"] == access["sub"] != "someone-else"
    assert id_claims["cognito:groups"] == ["admins"] and id_claims["exp"] > time.time()
    assert "tier" not in id_claims and "dev:pool" not in id_claims  # suppression wins over an override
    assert access["tier"] == {"level": 3, "tags": ["a"]}  # V2_0 takes JSON values
    assert (access["client_id"], access["username"], access["token_use"]) == ("web", "alice", "access")
    assert access["scope"] == "aws.cognito.signin.user.admin"


@pytest.mark.parametrize("behaviour, error", [
    ("fails", ("UserLambdaValidationException",
               "PreTokenGeneration failed with error No entry for this user in the partner database.")),
    ("not_json", ("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON")),
    ("unrecognizable", ("InvalidLambdaResponseException", "Unrecognizable lambda output")),
    ("no_such_function", ("UnexpectedLambdaException",
                          "PreTokenGeneration invocation failed due to error ResourceNotFoundException.")),
])
def test_a_failing_trigger_fails_initiate_auth_with_cognitos_error(server, invoke_api, behaviour, error):
    invoke_api.switch = behaviour
    try:
        assert lambda_error(initiate_auth, server, "us-east-1_Switch") == error
    finally:
        invoke_api.switch = "doc_v2_claims_scopes_and_groups"


def test_a_trigger_past_five_seconds_fails_and_the_server_keeps_answering(server, invoke_api):
    invoke_api.switch = "slow"
    try:
        started = time.monotonic()
        with httpx.Client() as other:
            assert lambda_error(initiate_auth, server, "us-east-1_Switch") == (
                "UnexpectedLambdaException",
                "PreTokenGeneration invocation failed due to error Socket timeout while invoking Lambda function.")
            assert 5 <= time.monotonic() - started < 8  # 5 s, and a busy CI machine's slack
            assert other.get(server.tenant_url("/us-east-1_Switch/.well-known/jwks.json")).status_code == 200
    finally:
        invoke_api.switch = "doc_v2_claims_scopes_and_groups"


def authorize_url(server, name: str, response_type: str = "code", challenge: str = "c" * 43) -> str:
    query = {"response_type": response_type, "client_id": "web", "redirect_uri": REDIRECT, "scope": "openid email",
             "code_challenge": challenge, "code_challenge_method": "S256"}
    return discovery(server, name)["authorization_endpoint"] + "?" + urlencode(query)


FAILED_PAGE = "PreTokenGeneration failed with error No entry for this user in the partner database."


@pytest.mark.parametrize("response_type", ["code", "token"])
def test_a_failing_trigger_fails_the_hosted_sign_in_on_its_page(server, invoke_api, response_type):
    # Cognito runs the trigger when the user signs in, for a code too: the hosted UI shows the
    # failure and no code or token goes to the client.
    name, browser = "us-east-1_Switch", Browser()
    invoke_api.switch = "fails"
    try:
        page = browser.authorize(authorize_url(server, name, response_type))
        assert page.status_code == 400 and "location" not in page.headers
        assert FAILED_PAGE in page.text
        assert invoke_api.last_event("Switch")["triggerSource"] == "TokenGeneration_HostedAuth"
    finally:
        invoke_api.switch = "doc_v2_claims_scopes_and_groups"


def test_a_failing_trigger_fails_the_authorization_of_a_signed_in_user_too(server, invoke_api):
    name, browser = "us-east-1_Switch", Browser()
    assert browser.authorize(authorize_url(server, name)).status_code in (302, 303)  # signed in: a session
    invoke_api.switch = "fails"
    try:
        page = browser.get(authorize_url(server, name))  # the SSO session: no login form
        assert page.status_code == 400 and FAILED_PAGE in page.text and "location" not in page.headers
    finally:
        invoke_api.switch = "doc_v2_claims_scopes_and_groups"
    assert browser.get(authorize_url(server, name)).status_code in (302, 303)


def test_the_code_carries_the_answer_given_at_sign_in_to_its_tokens(server, invoke_api):
    name = "us-east-1_Switch"
    before = len(invoke_api.events)
    code, verifier = hosted_code(server, name)
    assert len(invoke_api.events) == before + 1  # asked at sign-in
    invoke_api.switch = "fails"  # the trigger is not asked again when the code is redeemed
    try:
        tokens = redeem(server, name, code, verifier)
    finally:
        invoke_api.switch = "doc_v2_claims_scopes_and_groups"
    assert tokens.status_code == 200, tokens.text
    assert len(invoke_api.events) == before + 1
    meta = discovery(server, name)
    access, id_claims = claims_of(tokens.json()["access_token"], meta), claims_of(tokens.json()["id_token"], meta)
    assert access["my_first_attribute"] == "first_value" and "solar-system-data/asteroids.add" in access["scope"].split()
    assert id_claims["family_name"] == "Doe" and id_claims["cognito:groups"] == ["new-group-A", "new-group-B", "new-group-C"]


def test_the_token_endpoint_answers_a_failing_trigger_at_refresh_with_invalid_request(server, invoke_api):
    name = "us-east-1_Switch"
    tokens = redeem(server, name, *hosted_code(server, name))
    invoke_api.switch = "fails"
    try:
        refused = httpx.post(discovery(server, name)["token_endpoint"], data={
            "grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"], "client_id": "web"})
        assert (refused.status_code, refused.json()) == (400, {"error": "invalid_request"})
    finally:
        invoke_api.switch = "doc_v2_claims_scopes_and_groups"


@pytest.mark.parametrize("tenant, problem", [
    ("flavor: okta\n    triggers: {pre_token_generation: {url: 'http://127.0.0.1:1/x'}}",
     "seed.yaml:4: tenants.t.triggers.pre_token_generation: flavor 'okta' runs no pre_token_generation "
     "(only cognito)"),
    ("flavor: cognito\n    triggers: {pre_token_generation: {url: 'http://127.0.0.1:1/x', handler: a.b}}",
     "give exactly one of url"),
    ("flavor: cognito\n    triggers: {pre_token_generation: {version: V4_0, handler: a.b}}", "V1_0"),
    ("flavor: cognito\n    triggers: {pre_token_generation: {handler: 'not a name'}}", "is not module:function"),
])
def test_seed_errors_name_file_line_and_key(tenant, problem):
    with pytest.raises(ConfigError) as raised:
        parse_config(f"tenants:\n  t:\n    {tenant}\n", "seed.yaml", personas=all_flavors())
    assert problem in str(raised.value)


def signed_user_pool_api(server, name: str):
    """A backend's client for the Admin* calls: signed with (any) IAM credentials."""
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url("/" + name),
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG",
                        config=Config(retries={"max_attempts": 1}))


@pytest.mark.parametrize("admin", [False, True])
def test_the_new_password_challenge_runs_the_trigger_with_its_source_and_the_client_metadata(server, invoke_api, admin):
    name, backend = "eu-west-1_DocV2", signed_user_pool_api(server, "eu-west-1_DocV2")
    username = f"new-{secrets.token_hex(4)}"
    backend.admin_create_user(UserPoolId=name, Username=username, TemporaryPassword="Temp-pass1",
                              MessageAction="SUPPRESS", UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    app = backend if admin else user_pool_api(server, name)
    before = len(invoke_api.events)
    start = dict(AuthFlow="USER_PASSWORD_AUTH", ClientId="web", ClientMetadata={"step": "initiate"},
                 AuthParameters={"USERNAME": username, "PASSWORD": "Temp-pass1"})
    challenge = (backend.admin_initiate_auth(UserPoolId=name, **{**start, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH"})
                 if admin else app.initiate_auth(**start))
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and len(invoke_api.events) == before
    answer = dict(ChallengeName="NEW_PASSWORD_REQUIRED", ClientId="web", Session=challenge["Session"],
                  ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "New-pass-2"},
                  ClientMetadata={"tenant": "t-42", "step": "new password"})
    result = (backend.admin_respond_to_auth_challenge(UserPoolId=name, **answer) if admin
              else app.respond_to_auth_challenge(**answer))["AuthenticationResult"]
    event = invoke_api.last_event("doc_v2_claims_scopes_and_groups")
    assert (event["triggerSource"], event["userName"]) == ("TokenGeneration_NewPasswordChallenge", username)
    assert event["request"]["clientMetadata"] == {"tenant": "t-42", "step": "new password"}
    meta = discovery(server, name)
    assert claims_of(result["AccessToken"], meta)["my_first_attribute"] == "first_value"
    assert claims_of(result["IdToken"], meta)["family_name"] == "Doe"
    # Signing in again: _Authentication, and (Admin)InitiateAuth's ClientMetadata is not passed on.
    again = dict(start, AuthParameters={"USERNAME": username, "PASSWORD": "New-pass-2"})
    if admin:
        backend.admin_initiate_auth(UserPoolId=name, **{**again, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH"})
    else:
        app.initiate_auth(**again)
    event = invoke_api.last_event("doc_v2_claims_scopes_and_groups")
    assert event["triggerSource"] == "TokenGeneration_Authentication" and "clientMetadata" not in event["request"]


@pytest.mark.parametrize("metadata", ['"x"', '{"a": 1}', '["a"]'])
def test_client_metadata_that_is_no_map_of_strings_is_refused(server, metadata):
    body = ('{"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": "web", "Session": "s", '
            '"ChallengeResponses": {"USERNAME": "alice", "NEW_PASSWORD": "New-pass-2"}, "ClientMetadata": ' + metadata + "}")
    response = httpx.post(server.tenant_url("/eu-west-1_DocV2/"), content=body, headers={
        "X-Amz-Target": "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
        "Content-Type": "application/x-amz-json-1.1"})
    assert response.status_code == 400 and response.json()["__type"] == "InvalidParameterException"
