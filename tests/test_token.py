"""Token endpoint error paths (RFC 6749 §5.2, RFC 7636 §4.6)."""

import base64
import hashlib
import re
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest


TOKEN = "/default/token"
CALLBACK = "http://localhost:3000/callback"
WEB_AUTH = ("demo-web", "demo-web-secret")
VERIFIER = secrets.token_urlsafe(32)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
# RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
DESCRIPTION = re.compile(r'^[\x20-\x21\x23-\x5b\x5d-\x7e]*$')


@pytest.fixture
def code_for(form_login):
    """An authorization code for alice, issued to `client_id` through the login form."""
    def issue(client, client_id: str = "demo-web", **extra) -> str:
        params = {"client_id": client_id, "redirect_uri": CALLBACK, "response_type": "code",
                  "scope": "openid offline_access", "state": "s", **extra}
        response = form_login(client, **params)
        assert response.status_code == 302, response.text
        return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    return issue


@pytest.fixture
def spa_code(code_for):
    """An authorization code for the public client, bound to VERIFIER with PKCE S256."""
    return lambda client: code_for(client, "demo-spa", code_challenge=CHALLENGE, code_challenge_method="S256")


def exchange(client, code: str, auth=WEB_AUTH, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **extra}
    return client.post(TOKEN, data=data, auth=auth)


def assert_error(response, error: str, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"] and DESCRIPTION.match(body["error_description"]), body
    assert response.headers["cache-control"] == "no-store"
    assert "Traceback" not in response.text
    return body


# -- the request itself ------------------------------------------------------------------------

def test_unsupported_grant_type(app_client):
    assert_error(app_client.post(TOKEN, data={"grant_type": "urn:example:magic"}, auth=WEB_AUTH),
                 "unsupported_grant_type")


@pytest.mark.parametrize("data", [{"code": "x"}, {"grant_type": ""}])
def test_missing_grant_type_is_invalid_request(app_client, data):
    # RFC 6749 §5.2: invalid_request is "missing a required parameter"; unsupported_grant_type is
    # for a grant type the server does not support, and there is none here.
    response = app_client.post(TOKEN, data=data, auth=WEB_AUTH)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Missing 'grant_type' in request."}


@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"grant_type": "client_credentials"}'),
    ("text/plain", b"grant_type=client_credentials"),
    ("multipart/form-data; boundary=x", b"--x--"),
])
def test_non_form_body_is_invalid_request(app_client, content_type, body):
    response = app_client.post(TOKEN, content=body, headers={"Content-Type": content_type},
                               auth=("demo-service", "demo-service-secret"))
    assert_error(response, "invalid_request")


def test_non_utf8_body_is_invalid_request(app_client):
    response = app_client.post(TOKEN, content=b"grant_type=client_credentials&scope=\xff\xfe",
                               headers={"Content-Type": "application/x-www-form-urlencoded"},
                               auth=("demo-service", "demo-service-secret"))
    assert_error(response, "invalid_request")


def test_get_is_405_with_a_json_error(app_client):
    response = app_client.get(TOKEN, params={"grant_type": "client_credentials"})
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"
    assert "POST" in response.headers["allow"]


def test_repeated_parameter_is_invalid_request(app_client):
    body = "grant_type=client_credentials&scope=a&scope=b"
    response = app_client.post(TOKEN, content=body, auth=("demo-service", "demo-service-secret"),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, "invalid_request")


# -- client authentication ---------------------------------------------------------------------

def test_wrong_secret_is_401_with_a_basic_challenge(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "client_credentials"},
                               auth=("demo-service", "wrong"))
    assert_error(response, "invalid_client", 401)
    assert response.headers["www-authenticate"].startswith("Basic")


def test_unknown_client_is_invalid_client(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "client_credentials"}, auth=("nobody", "x"))
    assert_error(response, "invalid_client", 401)


def test_unknown_client_without_credentials_is_invalid_client(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": "nobody"})
    assert_error(response, "invalid_client", 401)


def test_client_using_an_auth_method_it_did_not_register_is_invalid_client(app_client):
    # demo-service is registered for client_secret_basic; the secret in the body is refused.
    data = {"grant_type": "client_credentials", "client_id": "demo-service",
            "client_secret": "demo-service-secret"}
    assert_error(app_client.post(TOKEN, data=data), "invalid_client", 401)


def test_confidential_client_without_its_secret_is_invalid_client(app_client, code_for):
    code = code_for(app_client)
    response = app_client.post(TOKEN, data={"grant_type": "authorization_code", "code": code,
                                            "redirect_uri": CALLBACK, "client_id": "demo-web"})
    assert_error(response, "invalid_client", 401)


def test_malformed_basic_header_is_invalid_client(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "client_credentials"},
                               headers={"Authorization": "Basic %%%not-base64"})
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_client", "invalid_request")


def test_grant_type_the_client_may_not_use_is_unauthorized_client(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "client_credentials"}, auth=WEB_AUTH)
    assert_error(response, "unauthorized_client")


# -- authorization codes -----------------------------------------------------------------------

def test_public_client_without_code_verifier_is_invalid_request(app_client, spa_code):
    response = exchange(app_client, spa_code(app_client), auth=None, client_id="demo-spa")
    assert_error(response, "invalid_request")


def test_wrong_code_verifier_is_invalid_grant(app_client, spa_code):
    response = exchange(app_client, spa_code(app_client), auth=None, client_id="demo-spa",
                        code_verifier="x" * 43)
    assert_error(response, "invalid_grant")


def test_code_issued_to_another_client_is_invalid_grant(app_client, spa_code):
    response = exchange(app_client, spa_code(app_client), code_verifier=VERIFIER)
    assert_error(response, "invalid_grant")


def test_redirect_uri_mismatch_is_invalid_grant(app_client, code_for):
    response = exchange(app_client, code_for(app_client), redirect_uri="http://localhost:3000/other")
    assert_error(response, "invalid_grant")


def test_unknown_code_is_invalid_grant(app_client):
    assert_error(exchange(app_client, "not-a-code"), "invalid_grant")


def test_missing_code_is_invalid_request(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "authorization_code",
                                            "redirect_uri": CALLBACK}, auth=WEB_AUTH)
    assert_error(response, "invalid_request")


def test_replayed_code_is_invalid_grant(app_client, code_for):
    code = code_for(app_client)
    assert exchange(app_client, code).status_code == 200
    assert_error(exchange(app_client, code), "invalid_grant")


def test_expired_code_is_invalid_grant(app_factory, tmp_path, code_for):
    seed = tmp_path / "seed.yaml"
    text = (Path(__file__).parent / "seeds" / "core.yaml").read_text()
    seed.write_text(text.replace("    flavor: generic\n",
                                 "    flavor: generic\n    token_lifetimes: {authorization_code: 1}\n"))
    client = app_factory(seed)
    code = code_for(client)
    time.sleep(1.1)
    assert_error(exchange(client, code), "invalid_grant")


# -- refresh tokens ----------------------------------------------------------------------------

def test_garbage_refresh_token_is_invalid_grant(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": "garbage"},
                               auth=WEB_AUTH)
    assert_error(response, "invalid_grant")


def test_refresh_token_of_another_client_is_invalid_grant(app_client, spa_code):
    code = spa_code(app_client)
    tokens = exchange(app_client, code, auth=None, client_id="demo-spa", code_verifier=VERIFIER).json()
    assert "refresh_token" in tokens
    response = app_client.post(TOKEN, data={"grant_type": "refresh_token",
                                            "refresh_token": tokens["refresh_token"]}, auth=WEB_AUTH)
    assert_error(response, "invalid_grant")


def test_rotated_refresh_token_cannot_be_used_again(app_client, code_for):
    tokens = exchange(app_client, code_for(app_client)).json()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert app_client.post(TOKEN, data=data, auth=WEB_AUTH).status_code == 200
    assert_error(app_client.post(TOKEN, data=data, auth=WEB_AUTH), "invalid_grant")


# -- response headers --------------------------------------------------------------------------

def test_token_responses_are_not_cached(app_client):
    response = app_client.post(TOKEN, data={"grant_type": "client_credentials"},
                               auth=("demo-service", "demo-service-secret"))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"


def test_wrong_password_description_is_rfc_safe(app_client):
    data = {"grant_type": "password", "username": "alice", "password": 'wrong "quoted" \\ caf\u00e9',
            "scope": "openid"}
    assert_error(app_client.post(TOKEN, data=data, auth=WEB_AUTH), "invalid_grant")


def test_error_description_echoing_odd_input_is_rfc_safe(app_client):
    data = {"grant_type": 'weird "grant" \\ caf\u00e9 \u2603'}
    assert_error(app_client.post(TOKEN, data=data, auth=WEB_AUTH), "unsupported_grant_type")


def test_each_failure_says_which_it_is(app_client, code_for, spa_code):
    from mock_idp.personas.base import ERROR_DESCRIPTIONS

    def description(response):
        return response.json()["error_description"]

    cc = {"grant_type": "client_credentials"}
    assert description(app_client.post(TOKEN, data=cc, auth=("nobody", "x"))) == ERROR_DESCRIPTIONS["unknown_client"]
    assert description(app_client.post(TOKEN, data=cc, auth=("demo-service", "wrong"))) \
        == ERROR_DESCRIPTIONS["bad_client_secret"]
    no_secret = app_client.post(TOKEN, data={**cc, "client_id": "demo-service"})
    assert description(no_secret) == ERROR_DESCRIPTIONS["no_client_credentials"]
    # The right secret, sent the way the client is not registered for (client_secret_basic).
    posted = app_client.post(TOKEN, data={**cc, "client_id": "demo-service", "client_secret": "demo-service-secret"})
    assert description(posted) == ERROR_DESCRIPTIONS["auth_method_not_registered"]
    assert description(exchange(app_client, "not-a-code")) == ERROR_DESCRIPTIONS["invalid_code"]
    mismatch = exchange(app_client, code_for(app_client), redirect_uri="http://localhost:3000/other")
    assert description(mismatch) == ERROR_DESCRIPTIONS["redirect_uri_mismatch"]
    pkce = exchange(app_client, spa_code(app_client), auth=None, client_id="demo-spa", code_verifier="x" * 43)
    assert description(pkce) == ERROR_DESCRIPTIONS["code_verifier_mismatch"]
    refresh = app_client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": "garbage"}, auth=WEB_AUTH)
    assert description(refresh) == ERROR_DESCRIPTIONS["invalid_refresh_token"]


def test_a_used_code_replayed_by_a_page_of_another_origin_revokes_nothing(app_client, code_for):
    """The origin is checked where the client is known, before the code is read: a page that holds
    a used code cannot make its replay revoke the app's tokens (docs/vendors.md, "CORS allow-lists,
    per vendor")."""
    code = code_for(app_client)
    tokens = exchange(app_client, code).json()
    replayed = app_client.post(TOKEN, data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
                               auth=WEB_AUTH, headers={"Origin": "https://evil.example"})
    assert_error(replayed, "access_denied", 403)
    assert "access-control-allow-origin" not in replayed.headers
    userinfo = app_client.get("/default/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 200
