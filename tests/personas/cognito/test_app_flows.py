"""The user-pool flows an app runs with boto3's cognito-idp client (defaults, over --tls with the
local CA), end to end against the real server, each answer and error as Cognito gives it
(docs/vendors.md, "Cognito as apps drive it"): forgotten and changed passwords, self-service
attributes and deletion, sign-out of every device, codes resent, refresh-token revocation."""

import base64
import hashlib
import json
import secrets
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from boto3 import client as boto3_client
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import SEEDS, Browser, start_server
from interop.node_runner import run_node
from joserfc import jwt
from joserfc.jwk import KeySet

POOL_ID = "us-east-1_Mock123"
APP = "pool-app"
GOOD, BETTER = "Sup3r-secret!", "Ev3n-better?"  # both meet the pool's default password policy


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("cognito-apps"), tls=True, admin=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def idp(server):
    return pool_client(server)


def pool_client(server):
    """One client for both kinds of call: an app's (unsigned by the model) and a backend's (signed)."""
    return boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url("/cognito"),
                        verify=str(server.ca), aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCY", config=Config(retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def claims_of(server):
    pool = server.tenant_url("/cognito")
    keys = KeySet.import_key_set(httpx.get(pool + "/.well-known/jwks.json", verify=server.verify).json())
    return lambda token: jwt.decode(token, keys, algorithms=["RS256"]).claims


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def sign_in(idp, username: str, password: str) -> dict:
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=APP,
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def pending_code(server, username: str) -> str:
    """The code Cognito would have e-mailed: mock_idp shows it on the user in /_admin."""
    return httpx.get(server.base_url + f"/_admin/tenants/cognito/users/{username}",
                     verify=server.verify).json()["confirmation_code"]


def new_user(idp, username: str, email_verified: bool = True) -> dict:
    idp.admin_create_user(UserPoolId=POOL_ID, Username=username, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": f"{username}@example.com"},
        {"Name": "email_verified", "Value": "true" if email_verified else "false"}])
    idp.admin_set_user_password(UserPoolId=POOL_ID, Username=username, Password=GOOD, Permanent=True)
    return sign_in(idp, username, GOOD)["AuthenticationResult"]


def test_forgot_password_then_confirm_with_the_code_changes_the_password(idp, server):
    new_user(idp, "fiona")
    sent = idp.forgot_password(ClientId=APP, Username="fiona")
    assert sent["CodeDeliveryDetails"] == {"Destination": "f***@e***", "DeliveryMedium": "EMAIL",
                                           "AttributeName": "email"}
    assert "AuthenticationResult" in sign_in(idp, "fiona", GOOD)  # the old password works until confirmed
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="fiona", ConfirmationCode="000000x",
                    Password=BETTER) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    code = pending_code(server, "fiona")
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="fiona", ConfirmationCode=code,
                    Password="short") == ("InvalidPasswordException",
                                          "Password did not conform with policy: Password not long enough")
    idp.confirm_forgot_password(ClientId=APP, Username="fiona", ConfirmationCode=code, Password=BETTER)
    assert error_of(sign_in, idp=idp, username="fiona", password=GOOD) == (
        "NotAuthorizedException", "Incorrect username or password.")
    assert "AuthenticationResult" in sign_in(idp, "fiona", BETTER)
    # The code is spent.
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="fiona", ConfirmationCode=code,
                    Password=GOOD) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def test_forgot_password_errors_are_cognitos(idp):
    assert error_of(idp.forgot_password, ClientId=APP, Username="nobody") == (
        "UserNotFoundException", "Username/client id combination not found.")
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="nobody", ConfirmationCode="123456",
                    Password=GOOD) == ("UserNotFoundException", "Username/client id combination not found.")
    new_user(idp, "gwen", email_verified=False)
    assert error_of(idp.forgot_password, ClientId=APP, Username="gwen") == (
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number")
    idp.admin_create_user(UserPoolId=POOL_ID, Username="hal", MessageAction="SUPPRESS", TemporaryPassword=GOOD,
                          UserAttributes=[{"Name": "email", "Value": "hal@example.com"},
                                          {"Name": "email_verified", "Value": "true"}])
    assert error_of(idp.forgot_password, ClientId=APP, Username="hal") == (
        "NotAuthorizedException", "User password cannot be reset in the current state.")
    assert error_of(idp.forgot_password, ClientId="no-such-app", Username="alice") == (
        "ResourceNotFoundException", "User pool client no-such-app does not exist.")
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="alice", ConfirmationCode="123456",
                    Password=GOOD) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def test_admin_reset_user_password_requires_a_reset_before_signing_in(idp, server):
    new_user(idp, "ivy")
    assert set(idp.admin_reset_user_password(UserPoolId=POOL_ID, Username="ivy")) == {"ResponseMetadata"}
    assert idp.admin_get_user(UserPoolId=POOL_ID, Username="ivy")["UserStatus"] == "RESET_REQUIRED"
    assert error_of(sign_in, idp=idp, username="ivy", password=GOOD) == (
        "PasswordResetRequiredException", "Password reset required for the user")
    idp.confirm_forgot_password(ClientId=APP, Username="ivy", ConfirmationCode=pending_code(server, "ivy"),
                                Password=BETTER)
    assert idp.admin_get_user(UserPoolId=POOL_ID, Username="ivy")["UserStatus"] == "CONFIRMED"
    assert "AuthenticationResult" in sign_in(idp, "ivy", BETTER)
    assert error_of(idp.admin_reset_user_password, UserPoolId=POOL_ID, Username="nobody") == (
        "UserNotFoundException", "User does not exist.")


def test_resend_confirmation_code_sends_a_new_one_that_confirms(idp, server):
    idp.sign_up(ClientId=APP, Username="jack", Password=GOOD, UserAttributes=[{"Name": "email", "Value": "jack@example.com"}])
    first = pending_code(server, "jack")
    sent = idp.resend_confirmation_code(ClientId=APP, Username="jack")
    assert sent["CodeDeliveryDetails"]["Destination"] == "j***@e***"
    assert pending_code(server, "jack") != first or len(first) == 6
    idp.confirm_sign_up(ClientId=APP, Username="jack", ConfirmationCode=pending_code(server, "jack"))
    assert error_of(idp.resend_confirmation_code, ClientId=APP, Username="jack") == (
        "InvalidParameterException", "User is already confirmed.")
    for call in (idp.resend_confirmation_code, idp.confirm_sign_up):
        extra = {"ConfirmationCode": "123456"} if call == idp.confirm_sign_up else {}
        assert error_of(call, ClientId=APP, Username="nobody", **extra) == (
            "UserNotFoundException", "Username/client id combination not found.")


def test_change_password_with_the_access_token(idp):
    tokens = new_user(idp, "kate")
    assert error_of(idp.change_password, AccessToken=tokens["AccessToken"], PreviousPassword="Wr0ng-pass!",
                    ProposedPassword=BETTER) == ("NotAuthorizedException", "Incorrect username or password.")
    assert error_of(idp.change_password, AccessToken=tokens["AccessToken"], PreviousPassword=GOOD,
                    ProposedPassword="alllowercase1!")[0] == "InvalidPasswordException"
    assert set(idp.change_password(AccessToken=tokens["AccessToken"], PreviousPassword=GOOD,
                                   ProposedPassword=BETTER)) == {"ResponseMetadata"}
    assert "AuthenticationResult" in sign_in(idp, "kate", BETTER)
    assert error_of(idp.change_password, AccessToken="not-a-token", PreviousPassword=GOOD,
                    ProposedPassword=BETTER) == ("NotAuthorizedException", "Invalid Access Token")


def test_update_and_delete_attributes_and_verify_a_changed_email(idp, server, claims_of):
    tokens = new_user(idp, "liam")
    answer = idp.update_user_attributes(AccessToken=tokens["AccessToken"], UserAttributes=[
        {"Name": "given_name", "Value": "Liam"}, {"Name": "custom:team", "Value": "blue"},
        {"Name": "email", "Value": "liam@example.org"}])
    assert answer["CodeDeliveryDetailsList"] == [{"Destination": "l***@e***", "DeliveryMedium": "EMAIL",
                                                  "AttributeName": "email"}]
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    assert (attributes["given_name"], attributes["custom:team"]) == ("Liam", "blue")
    assert (attributes["email"], attributes["email_verified"]) == ("liam@example.org", "false")
    assert error_of(idp.verify_user_attribute, AccessToken=tokens["AccessToken"], AttributeName="email",
                    Code="000000x") == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    idp.verify_user_attribute(AccessToken=tokens["AccessToken"], AttributeName="email",
                              Code=pending_code(server, "liam"))
    id_token = claims_of(sign_in(idp, "liam", GOOD)["AuthenticationResult"]["IdToken"])
    assert (id_token["email"], id_token["email_verified"], id_token["custom:team"]) == ("liam@example.org", True, "blue")
    idp.delete_user_attributes(AccessToken=tokens["AccessToken"], UserAttributeNames=["custom:team"])
    names = {a["Name"] for a in idp.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    assert "custom:team" not in names and "given_name" in names
    assert error_of(idp.update_user_attributes, AccessToken=tokens["AccessToken"],
                    UserAttributes=[{"Name": "sub", "Value": "x"}])[0] == "InvalidParameterException"
    sent = idp.get_user_attribute_verification_code(AccessToken=tokens["AccessToken"], AttributeName="email")
    assert sent["CodeDeliveryDetails"]["AttributeName"] == "email"


def test_delete_user_with_the_access_token(idp):
    tokens = new_user(idp, "mia")
    assert set(idp.delete_user(AccessToken=tokens["AccessToken"])) == {"ResponseMetadata"}
    assert error_of(sign_in, idp=idp, username="mia", password=GOOD) == ("UserNotFoundException", "User does not exist.")
    assert error_of(idp.admin_get_user, UserPoolId=POOL_ID, Username="mia") == (
        "UserNotFoundException", "User does not exist.")
    # Cognito answers a deleted user's tokens so.
    refresh = {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": APP, "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}
    assert error_of(idp.get_user, AccessToken=tokens["AccessToken"]) == ("UserNotFoundException", "User does not exist.")
    assert error_of(idp.initiate_auth, **refresh) == ("UserNotFoundException", "User does not exist.")
    # A new user of the same name gets nothing from them.
    idp.admin_create_user(UserPoolId=POOL_ID, Username="mia", MessageAction="SUPPRESS", TemporaryPassword=GOOD)
    assert error_of(idp.get_user, AccessToken=tokens["AccessToken"])[0] == "NotAuthorizedException"
    assert error_of(idp.initiate_auth, **refresh) == ("NotAuthorizedException", "Refresh Token has been revoked")


def test_admin_user_global_sign_out_ends_every_session_of_the_user(idp):
    tokens = new_user(idp, "noah")
    assert set(idp.admin_user_global_sign_out(UserPoolId=POOL_ID, Username="noah")) == {"ResponseMetadata"}
    assert error_of(idp.get_user, AccessToken=tokens["AccessToken"]) == (
        "NotAuthorizedException", "Access Token has been revoked")
    assert error_of(idp.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=APP,
                    AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]}) == (
        "NotAuthorizedException", "Refresh Token has been revoked")
    assert "AuthenticationResult" in sign_in(idp, "noah", GOOD)
    assert error_of(idp.admin_user_global_sign_out, UserPoolId=POOL_ID, Username="nobody") == (
        "UserNotFoundException", "User does not exist.")


def test_revoke_token_ends_the_access_tokens_of_that_refresh_token_only(idp, claims_of):
    first, other = new_user(idp, "olga"), sign_in(idp, "olga", GOOD)["AuthenticationResult"]
    refreshed = idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=APP,
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})["AuthenticationResult"]
    idp.revoke_token(Token=first["RefreshToken"], ClientId=APP)
    for access_token in (first["AccessToken"], refreshed["AccessToken"]):
        assert error_of(idp.get_user, AccessToken=access_token) == (
            "NotAuthorizedException", "Access Token has been revoked")
    assert idp.get_user(AccessToken=other["AccessToken"])["Username"] == "olga"  # another session lives on


def test_refreshed_tokens_keep_the_sign_ins_origin_jti_and_auth_time(idp, claims_of):
    first = new_user(idp, "paul")
    refreshed = idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=APP,
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})["AuthenticationResult"]
    before, after = claims_of(first["AccessToken"]), claims_of(refreshed["AccessToken"])
    assert after["origin_jti"] == before["origin_jti"] == claims_of(refreshed["IdToken"])["origin_jti"]
    assert after["auth_time"] == before["auth_time"] and after["jti"] != before["jti"]
    assert after["event_id"] == claims_of(refreshed["IdToken"])["event_id"] != before["event_id"]
    again = sign_in(idp, "paul", GOOD)["AuthenticationResult"]
    assert claims_of(again["AccessToken"])["origin_jti"] != before["origin_jti"]  # a new sign-in, a new one


def test_hosted_ui_tokens_keep_their_origin_jti_through_a_refresh(server, claims_of):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    browser = Browser(verify=server.verify)
    try:
        redirect = browser.authorize(server.tenant_url("/cognito/oauth2/authorize?") + urlencode({
            "client_id": APP, "response_type": "code", "scope": "openid email", "code_challenge": challenge,
            "code_challenge_method": "S256", "redirect_uri": "https://app.example.com/callback"}))
    finally:
        browser.http.close()
    code = dict(parse_qsl(urlsplit(redirect.headers["location"]).query))["code"]
    token_endpoint = server.tenant_url("/cognito/oauth2/token")
    tokens = httpx.post(token_endpoint, verify=server.verify, data={
        "grant_type": "authorization_code", "code": code, "client_id": APP, "code_verifier": verifier,
        "redirect_uri": "https://app.example.com/callback"}).json()
    refreshed = httpx.post(token_endpoint, verify=server.verify, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": APP}).json()
    origin = claims_of(tokens["access_token"])["origin_jti"]
    assert claims_of(tokens["id_token"])["origin_jti"] == origin
    assert claims_of(tokens["id_token"])["event_id"] == claims_of(tokens["access_token"])["event_id"]
    assert claims_of(refreshed["access_token"])["origin_jti"] == claims_of(refreshed["id_token"])["origin_jti"] == origin


def test_a_disabled_user_is_told_so_at_sign_in_and_refresh(idp):
    tokens = new_user(idp, "quinn")
    idp.admin_disable_user(UserPoolId=POOL_ID, Username="quinn")
    assert error_of(sign_in, idp=idp, username="quinn", password=GOOD) == ("NotAuthorizedException", "User is disabled.")
    assert error_of(idp.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=APP,
                    AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]}) == (
        "NotAuthorizedException", "User is disabled.")
    assert error_of(idp.forgot_password, ClientId=APP, Username="quinn") == (
        "NotAuthorizedException", "User is disabled.")


def aws_jwt_verify(server, token: str, token_use: str, groups=None) -> dict:
    """aws-jwt-verify with its defaults, in its own node process: it fetches the JWKS from
    <issuer>/.well-known/jwks.json over https, trusting the local CA (NODE_EXTRA_CA_CERTS)."""
    result = run_node("aws_verify.mjs", {"verifier": "cognito", "issuer": server.tenant_url("/cognito"),
                                         "jwksUri": None, "token": token, "tokenUse": token_use, "clientId": APP,
                                         "groups": groups}, ca=server.ca)
    assert result["ok"], f"aws-jwt-verify refused: {result}"
    return result["payload"]


def test_aws_jwt_verify_accepts_the_user_pool_api_tokens_with_cognitos_claims(idp, server):
    idp.admin_add_user_to_group(UserPoolId=POOL_ID, Username="bob", GroupName="editors")
    tokens = sign_in(idp, "bob", "bob-password")["AuthenticationResult"]
    id_token = aws_jwt_verify(server, tokens["IdToken"], "id", groups="editors")
    access = aws_jwt_verify(server, tokens["AccessToken"], "access", groups="editors")
    assert (id_token["token_use"], id_token["aud"], id_token["cognito:username"]) == ("id", APP, "bob")
    assert (access["token_use"], access["client_id"], access["username"]) == ("access", APP, "bob")
    assert "aud" not in access and access["scope"] == "aws.cognito.signin.user.admin"
    assert id_token["cognito:groups"] == access["cognito:groups"] == ["editors"]
    for claims in (id_token, access):
        assert claims["auth_time"] <= claims["iat"] < claims["exp"] and claims["iss"] == server.tenant_url("/cognito")
        uuid.UUID(claims["event_id"]), uuid.UUID(claims["jti"])
    assert id_token["origin_jti"] == access["origin_jti"] and id_token["sub"] == access["sub"]
    assert id_token["event_id"] == access["event_id"]  # one sign-in event, both tokens
    refused = run_node("aws_verify.mjs", {"verifier": "cognito", "issuer": server.tenant_url("/cognito"),
                                          "jwksUri": None, "token": tokens["IdToken"], "tokenUse": "access",
                                          "clientId": APP}, ca=server.ca)
    assert not refused["ok"]


def test_new_password_required_lists_the_users_attributes_as_cognito_does(idp):
    idp.admin_create_user(UserPoolId=POOL_ID, Username="rita", TemporaryPassword=GOOD, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "rita@example.com"},
                                          {"Name": "email_verified", "Value": "true"}])
    challenge = sign_in(idp, "rita", GOOD)
    parameters = challenge["ChallengeParameters"]
    assert (challenge["ChallengeName"], parameters["USER_ID_FOR_SRP"], parameters["requiredAttributes"]) == (
        "NEW_PASSWORD_REQUIRED", "rita", "[]")
    # amazon-cognito-identity-js deletes email_verified before answering: Cognito sends it.
    assert json.loads(parameters["userAttributes"]) == {"email": "rita@example.com", "email_verified": "true"}


def test_operations_the_mock_does_not_serve_answer_unknown_operation_not_a_500(idp):
    for call, kwargs in ((idp.describe_user_pool, {"UserPoolId": POOL_ID}),
                         (idp.associate_software_token, {"AccessToken": "x"}),
                         (idp.list_devices, {"AccessToken": "x"})):
        with pytest.raises(ClientError) as raised:
            call(**kwargs)
        assert raised.value.response["Error"]["Code"] == "UnknownOperationException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("operation, body", [
    ("ForgotPassword", b'{"ClientId": 5, "Username": "alice"}'),
    ("ForgotPassword", b'{"ClientId": "pool-app", "Username": ["alice"]}'),
    ("ForgotPassword", b'{"ClientId": "pool-secret-app", "Username": "alice", "SecretHash": 7}'),
    ("ConfirmForgotPassword", b'{"ClientId": "pool-app", "Username": "alice", "ConfirmationCode": 1, "Password": "x"}'),
    ("ConfirmForgotPassword", b'{"ClientId": "pool-app", "Username": "alice", "ConfirmationCode": "1", "Password": {}}'),
    ("ResendConfirmationCode", b'{"ClientId": "pool-app"}'),
    ("ChangePassword", b'{"AccessToken": 5, "PreviousPassword": "a", "ProposedPassword": "b"}'),
    ("UpdateUserAttributes", b'{"AccessToken": "x", "UserAttributes": "email"}'),
    ("DeleteUserAttributes", b'{"AccessToken": null, "UserAttributeNames": [1]}'),
    ("VerifyUserAttribute", b'{"AccessToken": "x", "AttributeName": 5, "Code": 5}'),
    ("GetUserAttributeVerificationCode", b'{"AccessToken": []}'),
    ("DeleteUser", b"{}"),
    ("AdminResetUserPassword", b'{"UserPoolId": "p", "Username": 5}'),
    ("AdminUserGlobalSignOut", b'{"UserPoolId": 5}'),
    ("InitiateAuth", b'{"AuthFlow": "USER_AUTH", "ClientId": "pool-app", "AuthParameters": {}}'),
    ("RespondToAuthChallenge", b'{"ChallengeName": "SELECT_CHALLENGE", "ClientId": "pool-app", '
                               b'"ChallengeResponses": {"ANSWER": 5}}'),
    ("RespondToAuthChallenge", b'{"ChallengeName": "SELECT_CHALLENGE", "ClientId": "pool-app", '
                               b'"ChallengeResponses": {"ANSWER": "EMAIL_OTP", "USERNAME": "alice"}, "Session": "x"}'),
])
def test_bad_input_to_the_account_operations_gets_an_aws_json_error(server, operation, body):
    response = httpx.post(server.tenant_url("/cognito"), content=body, verify=server.verify, headers={
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/cognito-idp/aws4_request"})
    assert response.status_code == 400, response.text
    error = response.json()
    assert set(error) == {"__type", "message"} and error["__type"].endswith("Exception") and error["message"]


def test_bad_input_with_a_live_access_token_gets_an_aws_json_error(idp, server):
    token = new_user(idp, "sam")["AccessToken"]
    for operation, body in (("ChangePassword", {"PreviousPassword": 5, "ProposedPassword": GOOD}),
                            ("ChangePassword", {"PreviousPassword": GOOD, "ProposedPassword": ["x"]}),
                            ("UpdateUserAttributes", {"UserAttributes": [{"Name": "email", "Value": 5}]}),
                            ("UpdateUserAttributes", {"UserAttributes": {"email": "x"}}),
                            ("DeleteUserAttributes", {"UserAttributeNames": "email"}),
                            ("VerifyUserAttribute", {"AttributeName": "email", "Code": 123456}),
                            ("VerifyUserAttribute", {"AttributeName": "shoe_size", "Code": "1"}),
                            ("GetUserAttributeVerificationCode", {"AttributeName": {}})):
        response = httpx.post(server.tenant_url("/cognito"), json={"AccessToken": token, **body}, verify=server.verify,
                              headers={"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
                                       "Content-Type": "application/x-amz-json-1.1"})
        assert response.status_code == 400, (operation, response.text)
        assert response.json()["__type"] in ("InvalidParameterException", "NotAuthorizedException"), response.text
    assert "AuthenticationResult" in sign_in(idp, "sam", GOOD)  # nothing changed


def test_choice_based_sign_in_with_a_password(idp, claims_of):
    new_user(idp, "tara")
    direct = idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=APP, AuthParameters={
        "USERNAME": "tara", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": GOOD})
    assert claims_of(direct["AuthenticationResult"]["IdToken"])["cognito:username"] == "tara"
    offered = idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=APP, AuthParameters={"USERNAME": "tara"})
    assert (offered["ChallengeName"], offered["AvailableChallenges"]) == ("SELECT_CHALLENGE", ["PASSWORD", "PASSWORD_SRP"])
    answered = idp.respond_to_auth_challenge(ClientId=APP, ChallengeName="SELECT_CHALLENGE", Session=offered["Session"],
                                             ChallengeResponses={"USERNAME": "tara", "ANSWER": "PASSWORD",
                                                                 "PASSWORD": GOOD})
    assert claims_of(answered["AuthenticationResult"]["AccessToken"])["username"] == "tara"
    assert error_of(idp.respond_to_auth_challenge, ClientId=APP, ChallengeName="SELECT_CHALLENGE",
                    Session=offered["Session"], ChallengeResponses={"USERNAME": "tara", "ANSWER": "PASSWORD",
                                                                    "PASSWORD": GOOD}) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")  # one use
    assert error_of(idp.initiate_auth, AuthFlow="USER_AUTH", ClientId=APP, AuthParameters={
        "USERNAME": "tara", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wr0ng-pass!"}) == (
        "NotAuthorizedException", "Incorrect username or password.")
    assert error_of(idp.initiate_auth, AuthFlow="USER_AUTH", ClientId=APP,
                    AuthParameters={"USERNAME": "tara", "PREFERRED_CHALLENGE": "PASSWORD_SRP"}) == (
        "InvalidParameterException", "Missing required parameter SRP_A")  # PASSWORD_SRP: test_srp.py


@pytest.mark.parametrize("path", ["/cognito", "/cognito/"])
def test_a_browser_app_on_its_own_origin_may_call_the_unsigned_operations(server, path):
    """amazon-cognito-identity-js and Amplify call the user-pool API from the app's page: CORS for
    the app's origin (its redirect URIs'), not for others, and never for a signed (admin) call."""
    url, app = server.tenant_url(path), "https://app.example.com"
    preflight = {"Origin": app, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, x-amz-target, x-amz-user-agent"}
    granted = httpx.options(url, headers=preflight, verify=server.verify)
    assert granted.status_code == 204 and granted.headers["access-control-allow-origin"] == app
    assert granted.headers["access-control-allow-headers"] == "content-type, x-amz-target, x-amz-user-agent"
    signed = httpx.options(url, verify=server.verify, headers={
        **preflight, "Access-Control-Request-Headers": "authorization, content-type, x-amz-target"})
    assert signed.status_code == 403 and "access-control-allow-origin" not in signed.headers
    other = httpx.options(url, headers={**preflight, "Origin": "https://evil.example"}, verify=server.verify)
    assert other.status_code == 403 and "access-control-allow-origin" not in other.headers
    answer = httpx.post(url, verify=server.verify, json={
        "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": APP, "AuthParameters": {"USERNAME": "alice", "PASSWORD": "x"}},
        headers={"Origin": app, "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
                 "Content-Type": "application/x-amz-json-1.1"})
    assert answer.status_code == 400 and answer.headers["access-control-allow-origin"] == app
    assert answer.json()["__type"] == "NotAuthorizedException"  # the page reads Cognito's error


def test_amazon_cognito_identity_js_signs_in_refreshes_changes_the_password_and_signs_out(idp, server):
    new_user(idp, "uma")
    # SRP's proof names the pool: the part of the pool id after "_" is the tenant's (docs/headless-sign-in.md).
    result = run_node("cognito_identity_js.mjs", {
        "endpoint": server.tenant_url("/cognito"), "userPoolId": "us-east-1_cognito", "clientId": APP,
        "username": "uma", "password": GOOD, "newPassword": BETTER}, ca=server.ca)
    assert result["ok"], result
    assert result["wrongPassword"] == {"code": "NotAuthorizedException", "message": "Incorrect username or password."}
    assert result["idToken"]["cognito:username"] == "uma" and result["accessToken"]["client_id"] == APP
    assert result["attributes"]["email"] == "uma@example.com" and result["givenNameAfterUpdate"] == "Updated"
    assert result["refreshedAccessToken"]["origin_jti"] == result["accessToken"]["origin_jti"]
    # signOut revoked the refresh token (RevokeToken: the access token carries origin_jti).
    assert result["refreshAfterSignOut"] == {"code": "NotAuthorizedException", "message": "Refresh Token has been revoked"}
    assert result["signedInWithNewPassword"] is True


def test_attributes_are_bounded_as_cognitos_model_and_quota_bound_them(idp, server):
    """One call carried 1 MiB of attributes and each call added more: the user's record, and every
    token minted for them, grew without bound. Names <= 32, values <= 2048 (botocore's model), and
    at most 50 custom attributes (a pool's quota)."""
    new_user(idp, "vic")
    token = sign_in(idp, "vic", GOOD)["AuthenticationResult"]["AccessToken"]
    assert error_of(idp.update_user_attributes, AccessToken=token,
                    UserAttributes=[{"Name": "name", "Value": "x" * 2049}]) == (
        "InvalidParameterException", "1 validation error detected: Value at 'userAttributes.1.member.value' failed "
                                     "to satisfy constraint: Member must have length less than or equal to 2048")
    assert error_of(idp.sign_up, ClientId=APP, Username="victor", Password=GOOD,
                    UserAttributes=[{"Name": "custom:" + "n" * 26, "Value": "x"}])[0] == "InvalidParameterException"
    idp.update_user_attributes(AccessToken=token, UserAttributes=[
        {"Name": f"custom:a{n}", "Value": "x" * 2048} for n in range(30)])
    code, message = error_of(idp.update_user_attributes, AccessToken=token, UserAttributes=[
        {"Name": f"custom:b{n}", "Value": "x"} for n in range(30)])
    assert code == "InvalidParameterException" and message.endswith("Attribute does not exist in the schema.\n")
    idp.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "custom:a0", "Value": "changed"}])
    names = {a["Name"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert "custom:a29" in names and not any(name.startswith("custom:b") for name in names)
