"""USER_SRP_AUTH, the default sign-in of amazon-cognito-identity-js, Amplify JS and pycognito: the
clients with their defaults sign in (and fail) against the Cognito persona, and every malformed
answer gets Cognito's error. The client side of the protocol in these tests is pycognito's
(AWSSRP), a real client; the tokens are checked by aws-jwt-verify in its own node process."""

import base64
import hashlib
import hmac

import httpx
import pytest
from boto3 import client as boto3_client
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import start_server
from interop.node_runner import run_node
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP

POOL = "us-east-1_SrpPool"
PUBLIC, PRIVATE, SECRET = "srp-app", "srp-secret-app", "srp-app-secret-0123456789abcdef"
GOOD, NEW = "Alice-pass-1!", "Brand-new-pass-2?"
SEED = f"""tenants:
  {POOL}:
    flavor: cognito
    clients:
      - {{client_id: {PUBLIC}, redirect_uris: ['https://app.example.com/callback']}}
      - {{client_id: {PRIVATE}, client_secret: {SECRET}, redirect_uris: ['https://app.example.com/callback']}}
    users:
      - {{username: alice, password: '{GOOD}', claims: {{email: alice@example.com, email_verified: true}}}}
      - {{username: carl, password: Carl-temp-1!, status: FORCE_CHANGE_PASSWORD, claims: {{email: carl@example.com}}}}
      - {{username: nina, password: Nina-temp-1!, status: FORCE_CHANGE_PASSWORD, claims: {{email: nina@example.com}}}}
      - {{username: nora, password: Nora-temp-1!, status: FORCE_CHANGE_PASSWORD, claims: {{email: nora@example.com}}}}
      - {{username: ursula, password: Ursula-pass-1!, status: UNCONFIRMED}}
      - {{username: dora, password: Dora-pass-1!, enabled: false}}
      - {{username: rory, password: Rory-pass-1!, status: RESET_REQUIRED}}
"""
KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cognito-srp")
    (folder / "seed.yaml").write_text(SEED)
    running = start_server(folder / "seed.yaml", folder / "data", tls=True, admin=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def idp(server):
    return boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url(f"/{POOL}"),
                        verify=str(server.ca), config=Config(retries={"max_attempts": 1}), **KEYS)


def error_of(call, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def srp_client(idp, username: str, password: str, client_id: str = PUBLIC) -> AWSSRP:
    return AWSSRP(username, password, POOL, client_id, client=idp, client_secret=SECRET if client_id == PRIVATE else None)


def challenged(idp, username: str, password: str, client_id: str = PUBLIC) -> tuple[AWSSRP, dict, dict]:
    """InitiateAuth USER_SRP_AUTH as pycognito sends it: (the client, its AuthParameters, the challenge)."""
    client = srp_client(idp, username, password, client_id)
    parameters = client.get_auth_params()
    return client, parameters, idp.initiate_auth(AuthFlow="USER_SRP_AUTH", ClientId=client_id, AuthParameters=parameters)


def answer(idp, responses: dict, client_id: str = PUBLIC, **more) -> dict:
    return idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                         ChallengeResponses=responses, **more)


def signed_at(client: AWSSRP, challenge: dict, timestamp: str) -> dict:
    """pycognito's answer, signed for another TIMESTAMP (its key, the documented message)."""
    parameters = challenge["ChallengeParameters"]
    key = client.get_password_authentication_key(parameters["USER_ID_FOR_SRP"], client.password,
                                                 int(parameters["SRP_B"], 16), parameters["SALT"])
    message = (POOL.split("_")[1] + parameters["USER_ID_FOR_SRP"]).encode() + base64.b64decode(
        parameters["SECRET_BLOCK"]) + timestamp.encode()
    return {"USERNAME": parameters["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
            "TIMESTAMP": timestamp,
            "PASSWORD_CLAIM_SIGNATURE": base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()}


def aws_jwt_verify(server, token: str, token_use: str, client_id: str = PUBLIC) -> dict:
    result = run_node("aws_verify.mjs", {"verifier": "cognito", "issuer": server.tenant_url(f"/{POOL}"),
                                         "jwksUri": None, "token": token, "tokenUse": token_use,
                                         "clientId": client_id}, ca=server.ca)
    assert result["ok"], f"aws-jwt-verify refused: {result}"
    return result["payload"]


def client_library(server, script: str, new_user: str) -> dict:
    """A client library's script (its own node process): a wrong password, alice's, and `new_user`'s
    temporary password ("<Name>-temp-1!") changed to NEW."""
    result = run_node(script, {
        "endpoint": server.tenant_url(f"/{POOL}"), "userPoolId": POOL, "clientId": PUBLIC,
        "username": "alice", "password": GOOD, "wrongPassword": "Not-the-pass-1!", "newUser": new_user,
        "temporaryPassword": f"{new_user.capitalize()}-temp-1!", "newPassword": NEW}, ca=server.ca)
    assert result["ok"], result
    assert result["wrongPassword"] == {"code": "NotAuthorizedException", "message": "Incorrect username or password."}
    return result


def test_amazon_cognito_identity_js_signs_in_with_its_default_flow(server):
    result = client_library(server, "cognito_identity_js_srp.mjs", "carl")
    assert result["flow"] == "USER_SRP_AUTH"  # the library's default, untouched
    id_token = aws_jwt_verify(server, result["idToken"], "id")
    access = aws_jwt_verify(server, result["accessToken"], "access")
    assert (id_token["cognito:username"], access["username"], access["client_id"]) == ("alice", "alice", PUBLIC)
    assert result["newPasswordChallenged"]["email"] == "carl@example.com"
    assert result["newUserAccessToken"]["username"] == "carl" and result["signedInWithNewPassword"] is True


def test_amplify_js_v6_signs_in_with_its_default_flow(server):
    result = client_library(server, "amplify_signin.mjs", "nora")
    assert set(result["flows"]) == {"USER_SRP_AUTH"}  # signIn's default, untouched
    assert result["signInStep"] == "DONE"
    assert aws_jwt_verify(server, result["idToken"], "id")["cognito:username"] == "alice"
    assert aws_jwt_verify(server, result["accessToken"], "access")["username"] == "alice"
    assert (result["challengeStep"], result["confirmedStep"], result["newUserName"]) == (
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED", "DONE", "nora")


def test_pycognito_authenticate_signs_in_with_srp_and_fails_a_wrong_password(server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca))  # pycognito fetches the JWKS with requests
    kwargs = {"endpoint_url": server.base_url, "verify": str(server.ca), **KEYS}  # the regional endpoint
    user = Cognito(POOL, PRIVATE, username="alice", client_secret=SECRET, boto3_client_kwargs=kwargs)
    user.authenticate(GOOD)  # USER_SRP_AUTH, then both tokens verified by pycognito
    assert user.id_claims["cognito:username"] == "alice" and user.access_claims["client_id"] == PRIVATE
    by_email = Cognito(POOL, PUBLIC, username="alice@example.com", boto3_client_kwargs=kwargs)
    by_email.authenticate(GOOD)  # the alias signs in; USER_ID_FOR_SRP names the user
    assert by_email.access_claims["username"] == "alice"
    with pytest.raises(ClientError) as raised:
        Cognito(POOL, PUBLIC, username="alice", boto3_client_kwargs=kwargs).authenticate("Wrong-pass-1!")
    assert raised.value.response["Error"] == {"Code": "NotAuthorizedException", "Message": "Incorrect username or password."}


def test_the_challenge_names_the_user_and_has_no_session(idp):
    _, _, challenge = challenged(idp, "alice@example.com", GOOD)
    parameters = challenge["ChallengeParameters"]
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER" and "Session" not in challenge
    assert (parameters["USER_ID_FOR_SRP"], parameters["USERNAME"]) == ("alice", "alice")
    assert set(parameters) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    int(parameters["SALT"], 16), int(parameters["SRP_B"], 16), base64.b64decode(parameters["SECRET_BLOCK"], validate=True)


def test_a_secret_block_answers_once_for_its_client_only(idp):
    client, parameters, challenge = challenged(idp, "alice", GOOD)
    responses = client.process_challenge(challenge["ChallengeParameters"], parameters)
    assert error_of(answer, idp=idp, responses=responses, client_id=PRIVATE) == (
        "NotAuthorizedException", f"Client {PRIVATE} is configured for secret but secret was not received")
    tokens = answer(idp, responses)["AuthenticationResult"]
    assert {"AccessToken", "IdToken", "RefreshToken"} <= set(tokens)
    assert error_of(answer, idp=idp, responses=responses) == ("NotAuthorizedException", "Incorrect username or password.")
    # The block is never a NEW_PASSWORD_REQUIRED Session.
    assert error_of(idp.respond_to_auth_challenge, ClientId=PUBLIC, ChallengeName="NEW_PASSWORD_REQUIRED",
                    Session=responses["PASSWORD_CLAIM_SECRET_BLOCK"],
                    ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": NEW}) == (
        "NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_a_client_with_a_secret_signs_in_with_its_secret_hash(idp):
    client, parameters, challenge = challenged(idp, "alice", GOOD, PRIVATE)
    responses = client.process_challenge(challenge["ChallengeParameters"], parameters)
    assert "AuthenticationResult" in answer(idp, responses, PRIVATE)
    assert error_of(idp.initiate_auth, AuthFlow="USER_SRP_AUTH", ClientId=PRIVATE,
                    AuthParameters={"USERNAME": "alice", "SRP_A": parameters["SRP_A"]}) == (
        "NotAuthorizedException", f"Client {PRIVATE} is configured for secret but secret was not received")


@pytest.mark.parametrize("timestamp", ["Tue Dec 08 01:02:03 UTC 2026", "Mon Dec 8 01:02:03 UTC 2026",
                                       "Tue Dec 8 1:02:03 UTC 2026", "2026-12-08T01:02:03Z", "Tue Dec 32 01:02:03 UTC 2026"])
def test_a_timestamp_not_in_the_clients_form_is_refused_even_signed(idp, timestamp):
    client, _, challenge = challenged(idp, "alice", GOOD)
    assert error_of(answer, idp=idp, responses=signed_at(client, challenge, timestamp)) == (
        "NotAuthorizedException", "Incorrect username or password.")


def test_a_timestamp_in_the_clients_form_signs_in(idp):
    client, _, challenge = challenged(idp, "alice", GOOD)
    assert "AuthenticationResult" in answer(idp, signed_at(client, challenge, "Tue Dec 8 01:02:03 UTC 2026"))


@pytest.mark.parametrize("change", [
    {"PASSWORD_CLAIM_SIGNATURE": base64.b64encode(b"\0" * 32).decode()},
    {"PASSWORD_CLAIM_SIGNATURE": "not base64 \u00e9"},
    {"PASSWORD_CLAIM_SECRET_BLOCK": "!!not-base64!!"},
    {"PASSWORD_CLAIM_SECRET_BLOCK": base64.b64encode(b"x" * 96).decode()},
    {"USERNAME": "carl"},
])
def test_a_wrong_signature_or_block_is_a_wrong_password(idp, change):
    client, parameters, challenge = challenged(idp, "alice", GOOD)
    responses = {**client.process_challenge(challenge["ChallengeParameters"], parameters), **change}
    assert error_of(answer, idp=idp, responses=responses) == ("NotAuthorizedException", "Incorrect username or password.")


@pytest.mark.parametrize("srp_a, message", [
    ("0", "Invalid SRP_A value."),
    (format(int(AWSSRP.__init__.__globals__["N_HEX"], 16), "x"), "Invalid SRP_A value."),  # A mod N == 0
    (format(int(AWSSRP.__init__.__globals__["N_HEX"], 16) * 2, "x"), "Invalid SRP_A value."),
    ("zz" * 10, "Invalid SRP_A value."),
    ("f" * 100_000, "Invalid SRP_A value."),
    ("", "Missing required parameter SRP_A"),
])
def test_a_bad_srp_a_is_an_invalid_parameter(idp, srp_a, message):
    assert error_of(idp.initiate_auth, AuthFlow="USER_SRP_AUTH", ClientId=PUBLIC,
                    AuthParameters={"USERNAME": "alice", "SRP_A": srp_a}) == ("InvalidParameterException", message)


@pytest.mark.parametrize("missing", ["USERNAME", "PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"])
def test_a_missing_response_is_named(idp, missing):
    client, parameters, challenge = challenged(idp, "alice", GOOD)
    responses = client.process_challenge(challenge["ChallengeParameters"], parameters)
    del responses[missing]
    assert error_of(answer, idp=idp, responses=responses) == (
        "InvalidParameterException", f"Missing required parameter {missing}")


def test_users_who_cannot_sign_in_are_told_as_with_a_password(idp):
    assert error_of(challenged, idp=idp, username="nobody", password=GOOD) == ("UserNotFoundException", "User does not exist.")
    assert error_of(challenged, idp=idp, username="dora", password="Dora-pass-1!") == (
        "NotAuthorizedException", "User is disabled.")
    assert error_of(challenged, idp=idp, username="rory", password="Rory-pass-1!") == (
        "PasswordResetRequiredException", "Password reset required for the user")
    client, parameters, challenge = challenged(idp, "ursula", "Ursula-pass-1!")
    assert error_of(answer, idp=idp, responses=client.process_challenge(challenge["ChallengeParameters"], parameters)) == (
        "UserNotConfirmedException", "User is not confirmed.")
    client, parameters, challenge = challenged(idp, "ursula", "Wrong-pass-1!")
    assert error_of(answer, idp=idp, responses=client.process_challenge(challenge["ChallengeParameters"], parameters)) == (
        "NotAuthorizedException", "Incorrect username or password.")


def test_a_temporary_password_is_challenged_for_a_new_one(idp):
    client, parameters, challenge = challenged(idp, "nina", "Nina-temp-1!")
    next_step = answer(idp, client.process_challenge(challenge["ChallengeParameters"], parameters))
    assert next_step["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = idp.respond_to_auth_challenge(ClientId=PUBLIC, ChallengeName="NEW_PASSWORD_REQUIRED", Session=next_step["Session"],
                                         ChallengeResponses={"USERNAME": "nina", "NEW_PASSWORD": NEW})
    assert "AccessToken" in done["AuthenticationResult"]


def test_admin_initiate_auth_takes_srp_as_aws_does(idp):
    client = srp_client(idp, "alice", GOOD)
    parameters = client.get_auth_params()
    challenge = idp.admin_initiate_auth(UserPoolId=POOL, ClientId=PUBLIC, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    responses = client.process_challenge(challenge["ChallengeParameters"], parameters)
    tokens = idp.admin_respond_to_auth_challenge(UserPoolId=POOL, ClientId=PUBLIC, ChallengeName="PASSWORD_VERIFIER",
                                                 ChallengeResponses=responses)["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"


def test_choice_based_sign_in_with_password_srp(idp):
    client = srp_client(idp, "alice", GOOD)
    preferred = idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=PUBLIC, AuthParameters={
        **client.get_auth_params(), "PREFERRED_CHALLENGE": "PASSWORD_SRP"})
    assert preferred["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "AuthenticationResult" in answer(idp, client.process_challenge(preferred["ChallengeParameters"], {"USERNAME": "alice"}))
    offered = idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=PUBLIC, AuthParameters={"USERNAME": "alice"})
    client = srp_client(idp, "alice", GOOD)
    selected = idp.respond_to_auth_challenge(ClientId=PUBLIC, ChallengeName="SELECT_CHALLENGE", Session=offered["Session"],
                                             ChallengeResponses={**client.get_auth_params(), "ANSWER": "PASSWORD_SRP"})
    assert selected["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = client.process_challenge(selected["ChallengeParameters"], {"USERNAME": "alice"})
    assert "AuthenticationResult" in answer(idp, responses, Session=offered["Session"])  # a Session sent is ignored


def test_a_secret_block_expires_with_the_challenge_session_after_3_minutes(idp, server):
    """The app client's AuthSessionValidity, 3 minutes by default."""
    clock = server.base_url + f"/_admin/tenants/{POOL}/clock"
    try:
        client, parameters, challenge = challenged(idp, "alice", GOOD)
        httpx.post(clock, json={"advance_seconds": 170}, verify=server.verify).raise_for_status()
        assert "AuthenticationResult" in answer(idp, client.process_challenge(challenge["ChallengeParameters"], parameters))
        client, parameters, challenge = challenged(idp, "alice", GOOD)
        httpx.post(clock, json={"advance_seconds": 181}, verify=server.verify).raise_for_status()
        assert error_of(answer, idp=idp, responses=client.process_challenge(challenge["ChallengeParameters"], parameters)) == (
            "NotAuthorizedException", "Incorrect username or password.")
    finally:
        httpx.post(clock, json={"offset_seconds": 0}, verify=server.verify).raise_for_status()


@pytest.mark.parametrize("body", [
    {"ClientId": PUBLIC, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {"USERNAME": 5}},
    {"ClientId": PUBLIC, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": "x"},
    {"ClientId": PUBLIC, "ChallengeName": "PASSWORD_VERIFIER"},
    {"ClientId": PUBLIC, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "alice", "SRP_A": ["1"]}},
])
def test_malformed_bodies_get_an_aws_json_error(server, body):
    target = "InitiateAuth" if "AuthFlow" in body else "RespondToAuthChallenge"
    response = httpx.post(server.tenant_url(f"/{POOL}"), json=body, verify=server.verify, headers={
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{target}", "Content-Type": "application/x-amz-json-1.1"})
    assert response.status_code == 400 and response.json()["__type"] == "InvalidParameterException", response.text
