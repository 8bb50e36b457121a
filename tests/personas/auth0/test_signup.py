"""Auth0's /dbconnections/signup and /change_password as auth0-python's Database calls them, against
the real server: the new user is persisted, signs in with the password-realm grant, and is seen by
another replica on the same database; Auth0's error bodies for duplicates and bad input."""

import secrets

import httpx
import pytest
from auth0.authentication import Database, GetToken
from auth0.authentication.exceptions import Auth0Error
from conftest import SEEDS, start_server
from flavor_support import assert_shape, claims_of

CONNECTION = "Username-Password-Authentication"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    """Two servers on one database, as a scaled-out deployment runs them."""
    data_dir = tmp_path_factory.mktemp("signup-data")
    servers = [start_server(SEEDS / "signin.yaml", data_dir) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


def domain(server) -> str:
    return server.base_url.removeprefix("http://") + "/auth0"


def database(server) -> Database:
    return Database(domain(server), "auth0-spa", protocol="http")  # auth0-python's option for plain HTTP


def new_email() -> str:
    return f"user-{secrets.token_hex(4)}@example.com"


def login(server, email: str, password: str, realm: str = CONNECTION) -> dict:
    return GetToken(domain(server), "auth0-spa", protocol="http").login(
        email, password, realm=realm, scope="openid profile email")


def test_a_signed_up_user_signs_in_on_every_replica(replicas):
    email = new_email()
    created = database(replicas[0]).signup(email, "Sup3r-secret!", CONNECTION, given_name="Nia",
                                           family_name="New", user_metadata={"plan": "gold"})
    assert_shape(created, "auth0", "signup_response")
    assert created["email"] == email and created["email_verified"] is False
    assert len(created["_id"]) == 24 and created["user_metadata"] == {"plan": "gold"}
    for server in replicas:
        discovery = httpx.get(server.tenant_url("/auth0/.well-known/openid-configuration")).json()
        claims = claims_of(login(server, email, "Sup3r-secret!")["id_token"], discovery)
        assert claims["sub"] == "auth0|" + created["_id"]
        assert (claims["email"], claims["email_verified"], claims["given_name"]) == (email, False, "Nia")


def test_signing_up_twice_is_auth0s_invalid_signup(replicas):
    email = new_email()
    database(replicas[0]).signup(email, "Sup3r-secret!", CONNECTION)
    for server in replicas:
        with pytest.raises(Auth0Error) as error:
            database(server).signup(email, "other-password", CONNECTION)
        assert (error.value.status_code, error.value.error_code) == (400, "invalid_signup")
    # The body as Auth0 sends it (auth0-python reads `message`, which this body has not).
    again = httpx.post(replicas[1].tenant_url("/auth0/dbconnections/signup"), json={
        "client_id": "auth0-spa", "email": email, "password": "x-password", "connection": CONNECTION})
    assert again.json() == {"name": "BadRequestError", "code": "invalid_signup", "description": "Invalid sign up",
                            "statusCode": 400}
    # The same email on a seeded user: also a duplicate.
    with pytest.raises(Auth0Error):
        database(replicas[0]).signup("alice@example.com", "x-password", CONNECTION)


def test_a_user_signs_up_into_the_connection_named_and_signs_in_only_there(replicas):
    email = new_email()
    database(replicas[0]).signup(email, "Sup3r-secret!", "employees", username="emp-" + email[5:13])
    assert login(replicas[1], email, "Sup3r-secret!", realm="employees")["id_token"]
    with pytest.raises(Auth0Error) as error:
        login(replicas[1], email, "Sup3r-secret!")
    assert error.value.message == "Wrong email or password."


def test_change_password_answers_as_auth0_whether_or_not_the_user_exists(replicas):
    for email in ("alice@example.com", new_email()):
        answer = database(replicas[0]).change_password(email, CONNECTION)
        assert answer == "We've just sent you an email to reset your password."


@pytest.mark.parametrize("path, body, code", [
    ("signup", {"email": "a@b.c", "password": "p", "connection": CONNECTION}, "invalid_body"),
    ("signup", {"client_id": "nobody", "email": "a@b.c", "password": "p", "connection": CONNECTION},
     "unauthorized"),
    ("signup", {"client_id": "auth0-spa", "password": "p", "connection": CONNECTION}, "invalid_body"),
    ("signup", {"client_id": "auth0-spa", "email": "a@b.c", "connection": CONNECTION}, "invalid_body"),
    ("signup", {"client_id": "auth0-spa", "email": "a@b.c", "password": "p"}, "invalid_body"),
    ("signup", {"client_id": "auth0-spa", "email": "a@b.c", "password": "p", "connection": "nope"},
     "bad.connection"),
    ("signup", {"client_id": "auth0-spa", "email": ["x"], "password": 1, "connection": {}}, "invalid_body"),
    ("signup", {"client_id": "auth0-spa", "email": "a@b.c", "password": "p", "connection": CONNECTION,
                "user_metadata": "not an object"}, "invalid_body"),
    ("change_password", {"client_id": "auth0-spa", "connection": CONNECTION}, "invalid_body"),
    ("change_password", {"client_id": "nobody", "email": "a@b.c", "connection": CONNECTION}, "unauthorized"),
    ("change_password", {"client_id": "auth0-spa", "email": "a@b.c", "connection": "nope"}, "bad.connection"),
])
def test_bad_input_gets_auth0s_error_body_never_a_500(replicas, path, body, code):
    response = httpx.post(replicas[0].tenant_url(f"/auth0/dbconnections/{path}"), json=body)
    assert response.status_code == 400, response.text
    assert_shape(response.json(), "auth0", "dbconnections_error")
    assert response.json()["code"] == code and response.json()["statusCode"] == 400


@pytest.mark.parametrize("content", [b"", b"not json", b"[1]", b"\xff"])
def test_a_body_that_is_no_json_object_is_refused(replicas, content):
    response = httpx.post(replicas[0].tenant_url("/auth0/dbconnections/signup"), content=content,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_body"
