"""Introspection (RFC 7662) and revocation (RFC 7009) error paths."""

import pytest

WEB_AUTH = ("demo-web", "demo-web-secret")
ENDPOINTS = ["/default/introspect", "/default/revoke"]


def password_tokens(client) -> dict:
    data = {"grant_type": "password", "username": "alice", "password": "alice-password",
            "scope": "openid offline_access"}
    response = client.post("/default/token", data=data, auth=WEB_AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def assert_error(response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json().get("error_description")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_missing_client_authentication_is_401(app_client, path):
    assert_error(app_client.post(path, data={"token": "x"}), "invalid_client", 401)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_wrong_secret_is_401(app_client, path):
    response = app_client.post(path, data={"token": "x"}, auth=("demo-web", "wrong"))
    assert_error(response, "invalid_client", 401)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_missing_token_is_invalid_request(app_client, path):
    assert_error(app_client.post(path, data={}, auth=WEB_AUTH), "invalid_request")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_unsupported_token_type_hint(app_client, path):
    response = app_client.post(path, data={"token": "x", "token_type_hint": "saml_assertion"},
                               auth=WEB_AUTH)
    assert_error(response, "unsupported_token_type")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_json_body_is_invalid_request(app_client, path):
    response = app_client.post(path, json={"token": "x"}, auth=WEB_AUTH)
    assert_error(response, "invalid_request")


def test_revoking_an_unknown_token_is_200(app_client):
    response = app_client.post("/default/revoke", data={"token": "never-issued"}, auth=WEB_AUTH)
    assert response.status_code == 200


def test_introspecting_an_unknown_token_is_inactive(app_client):
    response = app_client.post("/default/introspect", data={"token": "never-issued"}, auth=WEB_AUTH)
    assert response.status_code == 200
    assert response.json() == {"active": False}


def test_revoking_another_clients_token_leaves_it_active(app_client):
    # RFC 7009 §2.1: the server verifies the token was issued to the client asking.
    token = password_tokens(app_client)["access_token"]
    service = ("demo-service", "demo-service-secret")
    assert app_client.post("/default/revoke", data={"token": token}, auth=service).status_code in (200, 400)
    response = app_client.post("/default/introspect", data={"token": token}, auth=WEB_AUTH)
    assert response.json()["active"] is True


def test_revoked_refresh_token_introspects_inactive_and_cannot_refresh(app_client):
    tokens = password_tokens(app_client)
    refresh = tokens["refresh_token"]
    response = app_client.post("/default/revoke", data={"token": refresh, "token_type_hint": "refresh_token"},
                               auth=WEB_AUTH)
    assert response.status_code == 200
    introspected = app_client.post("/default/introspect", data={"token": refresh}, auth=WEB_AUTH)
    assert introspected.json() == {"active": False}
    again = app_client.post("/default/token", data={"grant_type": "refresh_token", "refresh_token": refresh},
                            auth=WEB_AUTH)
    assert_error(again, "invalid_grant")


def test_hint_of_the_wrong_kind_still_finds_the_token(app_client):
    token = password_tokens(app_client)["access_token"]
    response = app_client.post("/default/introspect", data={"token": token, "token_type_hint": "refresh_token"},
                               auth=WEB_AUTH)
    assert response.json()["active"] is True
