"""Cognito's user-pool API as boto3's cognito-idp client calls it with endpoint_url, against the
real server: InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, SECRET_HASH), GetUser,
GlobalSignOut, RevokeToken, and Cognito's errors for bad input (never a 500)."""

import base64
import hashlib
import hmac
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import Browser
from flavor_support import assert_shape, claims_of

SECRET_CLIENT, SECRET = "cognito-secret-client", "cognito-secret-client-secret-0123456789"
PUBLIC_CLIENT = "cognito-public"
ATTRIBUTES = lambda key: key.startswith("custom:") or key in ("name", "email", "email_verified")  # noqa: E731


def secret_hash(username: str, client_id: str = SECRET_CLIENT, secret: str = SECRET) -> str:
    """As AWS documents it: Base64(HMAC-SHA256(secret, username + client id))."""
    return base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()


@pytest.fixture(scope="module")
def pool(signin_server):
    return signin_server.tenant_url("/cognito")


@pytest.fixture(scope="module")
def discovery(pool):
    return httpx.get(pool + "/.well-known/openid-configuration").json()


@pytest.fixture(scope="module")
def idp(pool):
    """boto3 as an app uses it against a user pool; no AWS credentials (these calls are unsigned)."""
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=pool,
                        config=Config(retries={"max_attempts": 1}))


def sign_in(idp, client_id=PUBLIC_CLIENT, username="alice", password="alice-password", **extra) -> dict:
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
                             AuthParameters={"USERNAME": username, "PASSWORD": password, **extra})


def wire(response: dict) -> dict:
    """The JSON the server sent (boto3 adds ResponseMetadata)."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def cognito_error(call, *args, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]


def test_user_password_auth_without_a_client_secret_gives_the_hosted_ui_tokens(idp, discovery):
    response = sign_in(idp)
    assert_shape(wire(response), "cognito", "initiate_auth_response", {"Session", "ChallengeName"})
    result = response["AuthenticationResult"]
    assert_shape(result, "cognito", "authentication_result", {"NewDeviceMetadata"})
    assert (result["TokenType"], result["ExpiresIn"], response["ChallengeParameters"]) == ("Bearer", 3600, {})
    id_claims = claims_of(result["IdToken"], discovery)
    access = claims_of(result["AccessToken"], discovery)
    assert_shape(id_claims, "cognito", "id_token", extra_ok=ATTRIBUTES)
    assert_shape(access, "cognito", "access_token")
    assert (id_claims["token_use"], id_claims["aud"], id_claims["cognito:username"]) == ("id", PUBLIC_CLIENT, "alice")
    assert id_claims["email"] == "alice@example.com" and id_claims["custom:department"] == "IT"
    assert id_claims["cognito:groups"] == ["admins"] and "at_hash" not in id_claims
    assert (access["token_use"], access["client_id"], access["username"]) == ("access", PUBLIC_CLIENT, "alice")
    assert access["scope"] == "aws.cognito.signin.user.admin" and access["sub"] == id_claims["sub"]
    assert access["origin_jti"] == id_claims["origin_jti"]
    # The same tokens as the hosted UI's: the refresh token refreshes at /oauth2/token too.
    refreshed = httpx.post(discovery["token_endpoint"], data={
        "grant_type": "refresh_token", "refresh_token": result["RefreshToken"], "client_id": PUBLIC_CLIENT})
    assert refreshed.status_code == 200, refreshed.text
    assert claims_of(refreshed.json()["access_token"], discovery)["username"] == "alice"


def test_a_client_with_a_secret_needs_the_secret_hash_and_checks_it(idp, discovery):
    assert cognito_error(sign_in, idp, SECRET_CLIENT) == (
        "NotAuthorizedException", f"Client {SECRET_CLIENT} is configured for secret but secret was not received", 400)
    assert cognito_error(sign_in, idp, SECRET_CLIENT, SECRET_HASH=secret_hash("bob")) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {SECRET_CLIENT}", 400)
    assert cognito_error(sign_in, idp, SECRET_CLIENT, SECRET_HASH=secret_hash("alice", secret="other")) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {SECRET_CLIENT}", 400)
    result = sign_in(idp, SECRET_CLIENT, SECRET_HASH=secret_hash("alice"))["AuthenticationResult"]
    assert claims_of(result["IdToken"], discovery)["aud"] == SECRET_CLIENT
    # Signing in with the email address: the hash is of what was sent as USERNAME.
    by_email = sign_in(idp, SECRET_CLIENT, "alice@example.com", SECRET_HASH=secret_hash("alice@example.com"))
    assert claims_of(by_email["AuthenticationResult"]["IdToken"], discovery)["cognito:username"] == "alice"


def test_wrong_password_and_unknown_user_are_cognitos_errors(idp):
    assert cognito_error(sign_in, idp, password="wrong") == (
        "NotAuthorizedException", "Incorrect username or password.", 400)
    assert cognito_error(sign_in, idp, username="nobody") == ("UserNotFoundException", "User does not exist.", 400)


@pytest.mark.parametrize("client_id", [PUBLIC_CLIENT, SECRET_CLIENT])
def test_refresh_token_auth_gives_new_tokens_and_keeps_the_refresh_token(idp, discovery, client_id):
    extra = {"SECRET_HASH": secret_hash("alice")} if client_id == SECRET_CLIENT else {}
    first = sign_in(idp, client_id, **extra)["AuthenticationResult"]
    refreshed = idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"], **extra})
    result = refreshed["AuthenticationResult"]
    assert "RefreshToken" not in result and result["AccessToken"] != first["AccessToken"]
    assert claims_of(result["IdToken"], discovery)["sub"] == claims_of(first["IdToken"], discovery)["sub"]
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == "alice"


def test_a_bad_refresh_token_and_one_of_another_client_are_invalid(idp):
    first = sign_in(idp)["AuthenticationResult"]
    for client_id, token in ((PUBLIC_CLIENT, "not-a-refresh-token"), ("cognito-no-refresh", first["RefreshToken"])):
        assert cognito_error(idp.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
                             AuthParameters={"REFRESH_TOKEN": token}) == (
            "NotAuthorizedException", "Invalid Refresh Token", 400)
    assert "RefreshToken" not in sign_in(idp, "cognito-no-refresh")["AuthenticationResult"]


def test_get_user_answers_the_users_attributes_as_strings(idp):
    result = sign_in(idp)["AuthenticationResult"]
    user = idp.get_user(AccessToken=result["AccessToken"])
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert user["Username"] == "alice"
    assert attributes["email"] == "alice@example.com" and attributes["email_verified"] == "true"
    assert attributes["custom:department"] == "IT" and len(attributes["sub"]) == 36
    assert_shape(wire(user), "cognito", "get_user_response", {"MFAOptions", "PreferredMfaSetting", "UserMFASettingList"})


def test_get_user_refuses_hosted_ui_tokens_without_the_admin_scope_and_bad_tokens(idp, discovery):
    browser = Browser()
    try:
        hosted = code_flow_public(browser, discovery)
    finally:
        browser.http.close()
    assert cognito_error(idp.get_user, AccessToken=hosted) == (
        "NotAuthorizedException", "Access Token does not have required scopes", 400)
    assert cognito_error(idp.get_user, AccessToken="not-a-token") == (
        "NotAuthorizedException", "Invalid Access Token", 400)


def code_flow_public(browser, discovery) -> str:
    """A hosted-UI login of the public client with PKCE: its access token (scope openid email)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {"response_type": "code", "client_id": PUBLIC_CLIENT, "redirect_uri": "http://localhost:3000/callback",
             "scope": "openid email", "code_challenge": challenge, "code_challenge_method": "S256"}
    response = browser.authorize(discovery["authorization_endpoint"] + "?" + urlencode(query))
    code = dict(parse_qsl(urlsplit(response.headers["location"]).query))["code"]
    tokens = httpx.post(discovery["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "client_id": PUBLIC_CLIENT,
        "redirect_uri": "http://localhost:3000/callback", "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["access_token"]


def test_global_sign_out_revokes_every_token_of_the_user(idp, discovery):
    first, second = sign_in(idp)["AuthenticationResult"], sign_in(idp)["AuthenticationResult"]
    response = idp.global_sign_out(AccessToken=first["AccessToken"])
    assert set(response) == {"ResponseMetadata"}  # an empty JSON object
    for result in (first, second):
        assert cognito_error(idp.get_user, AccessToken=result["AccessToken"]) == (
            "NotAuthorizedException", "Access Token has been revoked", 400)
        assert cognito_error(idp.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=PUBLIC_CLIENT,
                             AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]}) == (
            "NotAuthorizedException", "Refresh Token has been revoked", 400)
    hosted = httpx.post(discovery["token_endpoint"], data={
        "grant_type": "refresh_token", "refresh_token": second["RefreshToken"], "client_id": PUBLIC_CLIENT})
    assert hosted.json() == {"error": "invalid_grant"}
    assert "AccessToken" in sign_in(idp)["AuthenticationResult"]  # signing in again works


def test_revoke_token_ends_a_refresh_token_and_refuses_access_tokens(idp):
    result = sign_in(idp, SECRET_CLIENT, SECRET_HASH=secret_hash("alice"))["AuthenticationResult"]
    assert cognito_error(idp.revoke_token, Token=result["RefreshToken"], ClientId=SECRET_CLIENT) == (
        "NotAuthorizedException", f"Client {SECRET_CLIENT} is configured for secret but secret was not received", 400)
    assert cognito_error(idp.revoke_token, Token=result["AccessToken"], ClientId=SECRET_CLIENT,
                         ClientSecret=SECRET)[0] == "UnsupportedTokenTypeException"
    idp.revoke_token(Token=result["RefreshToken"], ClientId=SECRET_CLIENT, ClientSecret=SECRET)
    assert cognito_error(idp.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=SECRET_CLIENT,
                         AuthParameters={"REFRESH_TOKEN": result["RefreshToken"],
                                         "SECRET_HASH": secret_hash("alice")})[1] == "Refresh Token has been revoked"
    idp.revoke_token(Token="never-issued", ClientId=PUBLIC_CLIENT)  # RFC 7009: no error


def test_unknown_clients_and_missing_parameters_are_cognitos_errors(idp):
    assert cognito_error(sign_in, idp, "no-such-client") == (
        "ResourceNotFoundException", "User pool client no-such-client does not exist.", 400)
    assert cognito_error(idp.initiate_auth, AuthFlow="USER_PASSWORD_AUTH", ClientId=PUBLIC_CLIENT,
                         AuthParameters={"USERNAME": "alice"}) == (
        "InvalidParameterException", "Missing required parameter PASSWORD", 400)
    assert cognito_error(idp.initiate_auth, AuthFlow="CUSTOM_AUTH", ClientId=PUBLIC_CLIENT,
                         AuthParameters={"USERNAME": "alice"})[0] == "InvalidParameterException"


@pytest.mark.parametrize("content_type", [None, "text/plain", "text/plain; charset=utf-8",
                                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_body_no_sdk_sends_is_never_parsed(signin_server, content_type):
    """The types a page of another origin posts without a CORS preflight: refused before the body
    is read, at the pool's URL and at the server's root (AWS JSON 1.1 takes its own type only)."""
    body = b'{"ClientId": "cognito-public", "Username": "mallory", "Password": "Mallory-pw-1"}'
    for url in (signin_server.tenant_url("/cognito"), signin_server.base_url + "/"):
        headers = {"X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp"}
        if content_type:
            headers["Content-Type"] = content_type
        response = httpx.post(url, content=body, headers=headers)
        assert response.status_code == 400 and response.json()["__type"] == "UnknownOperationException", response.text
    taken = httpx.post(signin_server.tenant_url("/cognito"), content=body, headers={
        "X-Amz-Target": "AWSCognitoIdentityProviderService.ConfirmSignUp",
        "Content-Type": "application/x-amz-json-1.1; charset=utf-8"})  # Smithy: parameters are ignored
    assert taken.json()["__type"] == "UserNotFoundException", taken.text  # mallory was never signed up


@pytest.mark.parametrize("target, body", [
    ("AWSCognitoIdentityProviderService.NoSuchOperation", b"{}"),
    ("SomethingElse.InitiateAuth", b"{}"),
    ("", b"{}"),
    ("AWSCognitoIdentityProviderService.InitiateAuth", b"not json"),
    ("AWSCognitoIdentityProviderService.InitiateAuth", b"[1]"),
    ("AWSCognitoIdentityProviderService.InitiateAuth", b'{"AuthFlow": "NOPE", "ClientId": "x"}'),
    ("AWSCognitoIdentityProviderService.InitiateAuth", b'{"AuthFlow": "USER_PASSWORD_AUTH"}'),
    ("AWSCognitoIdentityProviderService.InitiateAuth",
     b'{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "cognito-public", "AuthParameters": {"USERNAME": 1}}'),
    ("AWSCognitoIdentityProviderService.InitiateAuth",
     b'{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": ["x"], "AuthParameters": "x"}'),
    ("AWSCognitoIdentityProviderService.GetUser", b'{"AccessToken": 5}'),
    ("AWSCognitoIdentityProviderService.GlobalSignOut", b"{}"),
    ("AWSCognitoIdentityProviderService.RevokeToken", b'{"Token": "x", "ClientId": {}}'),
])
def test_bad_input_gets_an_aws_json_error_never_a_500(pool, target, body):
    response = httpx.post(pool, content=body, headers={"X-Amz-Target": target,
                                                       "Content-Type": "application/x-amz-json-1.1"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/x-amz-json-1.1")
    error = response.json()
    assert set(error) == {"__type", "message"} and error["__type"].endswith("Exception") and error["message"]
