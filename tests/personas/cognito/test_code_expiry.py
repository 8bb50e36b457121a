"""Cognito's codes expire on the tenant's clock (a sign-up's and an attribute's after 24 hours, a
password reset's after one) and stop answering after 5 wrong guesses; a new code starts afresh.
Driven with boto3 as apps drive it (docs/vendors.md, "Cognito's codes expire and count wrong guesses")."""

import httpx
import pytest
from conftest import SEEDS, start_server

from .test_app_flows import APP, BETTER, GOOD, error_of, new_user, pending_code, pool_client, sign_in

EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
LIMIT = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
SLACK = 30  # seconds of real time a test may take between a code's sending and its use


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Its own server: these tests move the tenant's clock.
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("cognito-codes"), tls=True, admin=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def idp(server):
    return pool_client(server)


@pytest.fixture
def advance(server):
    def move(seconds: int) -> None:
        response = httpx.post(f"{server.base_url}/_admin/tenants/cognito/clock", json={"advance_seconds": seconds},
                              verify=server.verify)
        assert response.status_code == 200, response.text
    yield move
    httpx.post(f"{server.base_url}/_admin/tenants/cognito/clock", json={"offset_seconds": 0}, verify=server.verify)


def sign_up(idp, username: str) -> None:
    idp.sign_up(ClientId=APP, Username=username, Password=GOOD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_sign_up_code_expires_after_24_hours_and_a_resent_one_confirms(idp, server, advance):
    sign_up(idp, "kim")
    code = pending_code(server, "kim")
    # Near its end it is good (a wrong guess is only a mismatch); SLACK: real seconds tick meanwhile.
    advance(24 * 3600 - SLACK)
    assert error_of(idp.confirm_sign_up, ClientId=APP, Username="kim", ConfirmationCode=wrong(code)) == MISMATCH
    advance(SLACK + 1)
    assert error_of(idp.confirm_sign_up, ClientId=APP, Username="kim", ConfirmationCode=code) == EXPIRED
    idp.resend_confirmation_code(ClientId=APP, Username="kim")
    advance(24 * 3600 - SLACK)
    idp.confirm_sign_up(ClientId=APP, Username="kim", ConfirmationCode=pending_code(server, "kim"))
    assert "AuthenticationResult" in sign_in(idp, "kim", GOOD)


def test_a_password_reset_code_expires_after_an_hour(idp, server, advance):
    new_user(idp, "lena")
    idp.forgot_password(ClientId=APP, Username="lena")
    code = pending_code(server, "lena")
    advance(3600 + 1)
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="lena", ConfirmationCode=code,
                    Password=BETTER) == EXPIRED
    idp.forgot_password(ClientId=APP, Username="lena")  # a new code, good for another hour
    advance(3600 - SLACK)
    idp.confirm_forgot_password(ClientId=APP, Username="lena", ConfirmationCode=pending_code(server, "lena"),
                                Password=BETTER)
    assert "AuthenticationResult" in sign_in(idp, "lena", BETTER)


def test_five_wrong_sign_up_codes_then_even_the_right_one_is_refused_until_resent(idp, server):
    sign_up(idp, "milo")
    code = pending_code(server, "milo")
    for _ in range(5):
        assert error_of(idp.confirm_sign_up, ClientId=APP, Username="milo", ConfirmationCode=wrong(code)) == MISMATCH
    assert error_of(idp.confirm_sign_up, ClientId=APP, Username="milo", ConfirmationCode=code) == LIMIT
    idp.resend_confirmation_code(ClientId=APP, Username="milo")
    fresh = pending_code(server, "milo")
    assert error_of(idp.confirm_sign_up, ClientId=APP, Username="milo", ConfirmationCode=wrong(fresh)) == MISMATCH
    idp.confirm_sign_up(ClientId=APP, Username="milo", ConfirmationCode=fresh)
    assert "AuthenticationResult" in sign_in(idp, "milo", GOOD)


def test_five_wrong_reset_codes_then_a_new_forgot_password_counts_afresh(idp, server):
    new_user(idp, "nora")
    idp.forgot_password(ClientId=APP, Username="nora")
    code = pending_code(server, "nora")
    for _ in range(5):
        assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="nora", ConfirmationCode=wrong(code),
                        Password=BETTER) == MISMATCH
    assert error_of(idp.confirm_forgot_password, ClientId=APP, Username="nora", ConfirmationCode=code,
                    Password=BETTER) == LIMIT
    assert "AuthenticationResult" in sign_in(idp, "nora", GOOD)  # nothing changed
    idp.forgot_password(ClientId=APP, Username="nora")
    idp.confirm_forgot_password(ClientId=APP, Username="nora", ConfirmationCode=pending_code(server, "nora"),
                                Password=BETTER)
    assert "AuthenticationResult" in sign_in(idp, "nora", BETTER)


def test_an_attribute_verification_code_expires_after_24_hours(idp, server, advance):
    token = new_user(idp, "olga")["AccessToken"]
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code = pending_code(server, "olga")
    advance(24 * 3600 + 1)
    token = sign_in(idp, "olga", GOOD)["AuthenticationResult"]["AccessToken"]  # the first one expired meanwhile
    assert error_of(idp.verify_user_attribute, AccessToken=token, AttributeName="email", Code=code) == EXPIRED
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=pending_code(server, "olga"))
