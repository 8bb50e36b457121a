"""Cognito's admin API and groups as a backend calls them with boto3's cognito-idp client (signed
with IAM credentials, over --tls with the local CA): users made, changed, grouped, disabled and
deleted here sign in (or do not) at once, show through /_admin, and their tokens carry the groups
and roles by precedence."""

from urllib.parse import urlencode

import httpx
import pytest
from boto3 import client as boto3_client
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import SEEDS, Browser, start_server
from joserfc import jwt
from joserfc.jwk import KeySet

POOL_ID = "us-east-1_Mock123"
APP = "pool-app"
ADMINS_ROLE, EDITORS_ROLE = "arn:aws:iam::123456789012:role/Admins", "arn:aws:iam::123456789012:role/Editors"
GOOD = "Sup3r-secret!"  # meets the pool's default password policy


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("cognito-admin"), tls=True, admin=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pool(server):
    return server.tenant_url("/cognito")


@pytest.fixture(scope="module")
def discovery(server, pool):
    return httpx.get(pool + "/.well-known/openid-configuration", verify=server.verify).json()


@pytest.fixture(scope="module")
def claims_of(server, discovery):
    """The claims of a token whose signature checks against the pool's JWKS (fetched over TLS)."""
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"], verify=server.verify).json())

    def verified(token: str) -> dict:
        claims = jwt.decode(token, keys, algorithms=["RS256"]).claims
        assert claims["iss"] == discovery["issuer"]
        return claims
    return verified


@pytest.fixture(scope="module")
def idp(server, pool):
    """A backend's client: signed with (any) IAM credentials, trusting only the local CA."""
    return boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=pool, verify=str(server.ca),
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
                        config=Config(retries={"max_attempts": 1}))


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def password_sign_in(idp, username: str, password: str) -> dict:
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=APP,
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def admin_user(server, username: str) -> httpx.Response:
    return httpx.get(server.base_url + f"/_admin/tenants/cognito/users/{username}", verify=server.verify)


def test_admin_create_user_then_new_password_required_then_tokens_with_the_group(idp, server, claims_of):
    created = idp.admin_create_user(UserPoolId=POOL_ID, Username="carol", TemporaryPassword="Temp-pass1",
                                    MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "carol@example.com"},
                                                    {"Name": "email_verified", "Value": "true"},
                                                    {"Name": "custom:team", "Value": "blue"}])["User"]
    assert (created["Username"], created["UserStatus"], created["Enabled"]) == ("carol", "FORCE_CHANGE_PASSWORD", True)
    attributes = {a["Name"]: a["Value"] for a in created["Attributes"]}
    assert attributes["email"] == "carol@example.com" and attributes["custom:team"] == "blue"
    assert len(attributes["sub"]) == 36
    idp.admin_add_user_to_group(UserPoolId=POOL_ID, Username="carol", GroupName="editors")
    idp.admin_add_user_to_group(UserPoolId=POOL_ID, Username="carol", GroupName="admins")

    challenge = password_sign_in(idp, "carol", "Temp-pass1")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and "AuthenticationResult" not in challenge
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "carol"
    assert error_of(idp.respond_to_auth_challenge, ClientId=APP, ChallengeName="NEW_PASSWORD_REQUIRED",
                    Session=challenge["Session"], ChallengeResponses={"USERNAME": "carol", "NEW_PASSWORD": "short"}) == (
        "InvalidPasswordException", "Password did not conform with policy: Password not long enough")
    answered = idp.respond_to_auth_challenge(ClientId=APP, ChallengeName="NEW_PASSWORD_REQUIRED",
                                             Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": "carol", "NEW_PASSWORD": GOOD})
    claims = claims_of(answered["AuthenticationResult"]["IdToken"])
    # Precedence orders the groups (admins 1 before editors 5) and picks the preferred role.
    assert claims["cognito:groups"] == ["admins", "editors"]
    assert claims["cognito:roles"] == [ADMINS_ROLE, EDITORS_ROLE] and claims["cognito:preferred_role"] == ADMINS_ROLE
    assert claims["custom:team"] == "blue" and claims["cognito:username"] == "carol"
    access = claims_of(answered["AuthenticationResult"]["AccessToken"])
    assert access["cognito:groups"] == ["admins", "editors"] and "cognito:roles" not in access
    # The session was used once; the new password is the password now.
    assert error_of(idp.respond_to_auth_challenge, ClientId=APP, ChallengeName="NEW_PASSWORD_REQUIRED",
                    Session=challenge["Session"], ChallengeResponses={"USERNAME": "carol", "NEW_PASSWORD": GOOD}) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")
    assert "AuthenticationResult" in password_sign_in(idp, "carol", GOOD)
    assert idp.admin_get_user(UserPoolId=POOL_ID, Username="carol")["UserStatus"] == "CONFIRMED"
    # One truth: /_admin shows the same user.
    shown = admin_user(server, "carol").json()
    assert shown["claims"]["groups"] == ["editors", "admins"] and shown["status"] == "CONFIRMED"


def test_admin_calls_need_a_signature_the_sign_in_calls_do_not(server, pool):
    unsigned = boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=pool, verify=str(server.ca),
                            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    assert error_of(unsigned.admin_get_user, UserPoolId=POOL_ID, Username="alice") == (
        "MissingAuthenticationTokenException", "Missing Authentication Token")
    assert "AuthenticationResult" in password_sign_in(unsigned, "alice", "alice-password")


def test_list_users_filters_by_exact_value_and_prefix_and_pages(idp):
    by_email = idp.list_users(UserPoolId=POOL_ID, Filter='email = "bob@example.com"')["Users"]
    assert [user["Username"] for user in by_email] == ["bob"]
    prefixed = idp.list_users(UserPoolId=POOL_ID, Filter='given_name ^= "Ali"', AttributesToGet=["email"])["Users"]
    assert [(u["Username"], u["Attributes"]) for u in prefixed] == [("alice", [{"Name": "email", "Value": "alice@example.com"}])]
    assert idp.list_users(UserPoolId=POOL_ID, Filter='cognito:user_status = "CONFIRMED"', Limit=60)["Users"]
    first = idp.list_users(UserPoolId=POOL_ID, Limit=1)
    second = idp.list_users(UserPoolId=POOL_ID, Limit=1, PaginationToken=first["PaginationToken"])
    assert first["Users"][0]["Username"] < second["Users"][0]["Username"]
    everyone = [u["Username"] for page in idp.get_paginator("list_users").paginate(UserPoolId=POOL_ID, Limit=1)
                for u in page["Users"]]
    assert everyone == sorted(everyone) and {"alice", "bob"} <= set(everyone)
    assert error_of(idp.list_users, UserPoolId=POOL_ID, Filter="email bob")[0] == "InvalidParameterException"
    assert error_of(idp.list_users, UserPoolId=POOL_ID, Filter='custom:team = "x"')[0] == "InvalidParameterException"


def test_attributes_passwords_disable_enable_and_delete(idp, server):
    idp.admin_create_user(UserPoolId=POOL_ID, Username="dave", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "dave@example.com"}])
    idp.admin_set_user_password(UserPoolId=POOL_ID, Username="dave", Password=GOOD, Permanent=True)
    assert "AuthenticationResult" in password_sign_in(idp, "dave", GOOD)
    idp.admin_update_user_attributes(UserPoolId=POOL_ID, Username="dave", UserAttributes=[
        {"Name": "given_name", "Value": "David"}, {"Name": "custom:level", "Value": "3"}])
    got = idp.admin_get_user(UserPoolId=POOL_ID, Username="dave")
    attributes = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    assert attributes["given_name"] == "David" and attributes["custom:level"] == "3"
    idp.admin_delete_user_attributes(UserPoolId=POOL_ID, Username="dave", UserAttributeNames=["custom:level"])
    names = {a["Name"] for a in idp.admin_get_user(UserPoolId=POOL_ID, Username="dave")["UserAttributes"]}
    assert "custom:level" not in names and "given_name" in names

    before = password_sign_in(idp, "dave", GOOD)["AuthenticationResult"]
    idp.admin_disable_user(UserPoolId=POOL_ID, Username="dave")
    assert error_of(idp.get_user, AccessToken=before["AccessToken"]) == (
        "NotAuthorizedException", "Access Token has been revoked")
    assert idp.admin_get_user(UserPoolId=POOL_ID, Username="dave")["Enabled"] is False
    assert error_of(password_sign_in, idp=idp, username="dave", password=GOOD) == (
        "NotAuthorizedException", "User is disabled.")
    idp.admin_enable_user(UserPoolId=POOL_ID, Username="dave")
    assert "AuthenticationResult" in password_sign_in(idp, "dave", GOOD)
    idp.admin_delete_user(UserPoolId=POOL_ID, Username="dave")
    assert error_of(idp.admin_get_user, UserPoolId=POOL_ID, Username="dave") == (
        "UserNotFoundException", "User does not exist.")
    assert admin_user(server, "dave").status_code == 404


def test_sign_up_then_confirm_with_the_code_or_by_the_admin(idp, server, claims_of):
    signed_up = idp.sign_up(ClientId=APP, Username="erin", Password=GOOD,
                            UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])
    assert signed_up["UserConfirmed"] is False and len(signed_up["UserSub"]) == 36
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert error_of(password_sign_in, idp=idp, username="erin", password=GOOD) == (
        "UserNotConfirmedException", "User is not confirmed.")
    assert error_of(idp.confirm_sign_up, ClientId=APP, Username="erin", ConfirmationCode="000000x")[0] == (
        "CodeMismatchException")
    code = admin_user(server, "erin").json()["confirmation_code"]  # mock_idp sends no e-mail
    idp.confirm_sign_up(ClientId=APP, Username="erin", ConfirmationCode=code)
    assert claims_of(password_sign_in(idp, "erin", GOOD)["AuthenticationResult"]["IdToken"])["email_verified"] is True
    assert error_of(idp.admin_confirm_sign_up, UserPoolId=POOL_ID, Username="erin") == (
        "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")

    idp.sign_up(ClientId=APP, Username="frank", Password=GOOD)
    idp.admin_confirm_sign_up(UserPoolId=POOL_ID, Username="frank")
    assert "AuthenticationResult" in password_sign_in(idp, "frank", GOOD)




def test_groups_are_created_listed_and_hold_members(idp, claims_of):
    created = idp.create_group(UserPoolId=POOL_ID, GroupName="auditors", Precedence=0, Description="Read-only",
                               RoleArn="arn:aws:iam::123456789012:role/Auditors")["Group"]
    assert (created["GroupName"], created["Precedence"], created["UserPoolId"]) == ("auditors", 0, POOL_ID)
    assert {"admins", "editors", "auditors"} <= {g["GroupName"] for g in idp.list_groups(UserPoolId=POOL_ID)["Groups"]}
    idp.admin_add_user_to_group(UserPoolId=POOL_ID, Username="bob", GroupName="auditors")
    idp.admin_add_user_to_group(UserPoolId=POOL_ID, Username="bob", GroupName="editors")
    assert [g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=POOL_ID, Username="bob")["Groups"]] == [
        "auditors", "editors"]
    assert [u["Username"] for u in idp.list_users_in_group(UserPoolId=POOL_ID, GroupName="auditors")["Users"]] == ["bob"]
    claims = claims_of(password_sign_in(idp, "bob", "bob-password")["AuthenticationResult"]["IdToken"])
    assert claims["cognito:groups"] == ["auditors", "editors"]
    assert claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/Auditors"
    idp.admin_remove_user_from_group(UserPoolId=POOL_ID, Username="bob", GroupName="auditors")
    claims = claims_of(password_sign_in(idp, "bob", "bob-password")["AuthenticationResult"]["IdToken"])
    assert claims["cognito:groups"] == ["editors"] and claims["cognito:preferred_role"] == EDITORS_ROLE
    assert error_of(idp.create_group, UserPoolId=POOL_ID, GroupName="auditors") == (
        "GroupExistsException", "A group with the name auditors already exists.")
    assert error_of(idp.admin_add_user_to_group, UserPoolId=POOL_ID, Username="bob", GroupName="nope") == (
        "ResourceNotFoundException", "Group not found.")


def test_groups_of_equal_precedence_and_different_roles_name_no_preferred_role(idp, claims_of):
    for name in ("left", "right"):
        idp.create_group(UserPoolId=POOL_ID, GroupName=name, Precedence=2, RoleArn=f"arn:aws:iam::1:role/{name}")
    idp.admin_create_user(UserPoolId=POOL_ID, Username="gina", TemporaryPassword=GOOD, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=POOL_ID, Username="gina", Password=GOOD, Permanent=True)
    for name in ("right", "left"):
        idp.admin_add_user_to_group(UserPoolId=POOL_ID, Username="gina", GroupName=name)
    claims = claims_of(password_sign_in(idp, "gina", GOOD)["AuthenticationResult"]["IdToken"])
    assert set(claims["cognito:roles"]) == {"arn:aws:iam::1:role/left", "arn:aws:iam::1:role/right"}
    assert "cognito:preferred_role" not in claims


def test_the_admin_apis_errors_are_cognitos(idp):
    assert error_of(idp.admin_create_user, UserPoolId=POOL_ID, Username="alice", MessageAction="SUPPRESS") == (
        "UsernameExistsException", "User account already exists")
    assert error_of(idp.admin_create_user, UserPoolId=POOL_ID, Username="hank", TemporaryPassword="nodigits-A!") == (
        "InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters")
    assert error_of(idp.admin_get_user, UserPoolId=POOL_ID, Username="nobody") == (
        "UserNotFoundException", "User does not exist.")
    assert error_of(idp.admin_update_user_attributes, UserPoolId=POOL_ID, Username="alice",
                    UserAttributes=[{"Name": "shoe_size", "Value": "9"}])[0] == "InvalidParameterException"
    assert error_of(idp.sign_up, ClientId=APP, Username="alice", Password=GOOD) == (
        "UsernameExistsException", "User already exists")


@pytest.mark.parametrize("operation, body", [
    ("AdminCreateUser", b"{}"),
    ("AdminCreateUser", b'{"UserPoolId": "p", "Username": "x", "UserAttributes": "x"}'),
    ("AdminCreateUser", b'{"UserPoolId": "p", "Username": "x", "UserAttributes": [{"Name": 1}]}'),
    ("AdminCreateUser", b'{"UserPoolId": "p", "Username": "x", "MessageAction": "SHOUT"}'),
    ("ListUsers", b'{"UserPoolId": "p", "Limit": 1000}'),
    ("ListUsers", b'{"UserPoolId": "p", "PaginationToken": "!!"}'),
    ("ListUsers", b'{"UserPoolId": "p", "Filter": 5}'),
    ("CreateGroup", b'{"UserPoolId": "p", "GroupName": "g", "Precedence": -1}'),
    ("AdminDeleteUserAttributes", b'{"UserPoolId": "p", "Username": "alice", "UserAttributeNames": "x"}'),
    ("RespondToAuthChallenge", b'{"ChallengeName": "SMS_MFA", "ClientId": "pool-app"}'),
    ("RespondToAuthChallenge", b'{"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": "pool-app", '
                               b'"ChallengeResponses": {"USERNAME": "alice", "NEW_PASSWORD": "Sup3r-secret!"}, "Session": 5}'),
    ("ConfirmSignUp", b'{"ClientId": "pool-app", "Username": "alice"}'),
    ("SignUp", b'{"ClientId": "pool-secret-app", "Username": "x", "Password": "Sup3r-secret!", "SecretHash": {}}'),
    ("ConfirmSignUp", b'{"ClientId": "pool-secret-app", "Username": "x", "ConfirmationCode": "1", "SecretHash": 5}'),
])
def test_bad_admin_input_gets_an_aws_json_error_never_a_500(server, pool, operation, body):
    response = httpx.post(pool, content=body, verify=server.verify, headers={
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/cognito-idp/aws4_request"})
    assert response.status_code == 400, response.text
    error = response.json()
    assert set(error) == {"__type", "message"} and error["__type"].endswith("Exception")


def test_admin_initiate_auth_and_the_hosted_ui_with_a_temporary_password(idp, server, claims_of):
    idp.admin_create_user(UserPoolId=POOL_ID, Username="ivan", TemporaryPassword="Temp-pass1", MessageAction="SUPPRESS")
    # The hosted UI does not let a temporary password in (Cognito would ask for a new one first).
    refused = hosted_ui_sign_in(server, "ivan", "Temp-pass1")
    assert refused.status_code == 200, refused.headers.get("location")
    challenge = idp.admin_initiate_auth(UserPoolId=POOL_ID, ClientId=APP, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": "ivan", "PASSWORD": "Temp-pass1"})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    answered = idp.admin_respond_to_auth_challenge(
        UserPoolId=POOL_ID, ClientId=APP, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ivan", "NEW_PASSWORD": GOOD, "userAttributes.given_name": "Ivan"})
    assert claims_of(answered["AuthenticationResult"]["IdToken"])["given_name"] == "Ivan"
    signed_in = hosted_ui_sign_in(server, "ivan", GOOD)  # now a sign-in like any other
    assert signed_in.status_code == 302 and "code=" in signed_in.headers["location"]


def hosted_ui_sign_in(server, username: str, password: str) -> httpx.Response:
    browser = Browser(verify=server.verify)
    try:
        query = {"client_id": APP, "response_type": "code", "scope": "openid", "code_challenge_method": "S256",
                 "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSx-twlA",
                 "redirect_uri": "https://app.example.com/callback"}
        return browser.authorize(server.tenant_url("/cognito/oauth2/authorize?") + urlencode(query), username, password)
    finally:
        browser.http.close()
