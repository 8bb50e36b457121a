"""UserInfo error paths (OIDC Core §5.3.3, RFC 6750 §3)."""

import pytest

USERINFO = "/default/userinfo"
WEB_AUTH = ("demo-web", "demo-web-secret")


def password_token(client, scope: str = "openid") -> str:
    data = {"grant_type": "password", "username": "alice", "password": "alice-password", "scope": scope}
    response = client.post("/default/token", data=data, auth=WEB_AUTH)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_is_a_bare_bearer_challenge(app_client):
    response = app_client.get(USERINFO)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    # RFC 6750 §3.1: no error code when the request carried no credentials at all.
    assert "error=" not in challenge


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_bad_token_is_invalid_token(app_client, token):
    response = app_client.get(USERINFO, headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_non_bearer_scheme_is_invalid_token(app_client):
    response = app_client.get(USERINFO, headers={"Authorization": "Basic ZGVtbzpkZW1v"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_token_signed_by_another_issuer_is_invalid_token(app_client, app_factory):
    foreign = password_token(app_factory(fresh_keys=True))
    response = app_client.get(USERINFO, headers=bearer(foreign))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_client_credentials_token_is_refused(app_client):
    response = app_client.post("/default/token", data={"grant_type": "client_credentials"},
                               auth=("demo-service", "demo-service-secret"))
    token = response.json()["access_token"]
    response = app_client.get(USERINFO, headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_token_without_openid_is_insufficient_scope(app_client):
    response = app_client.get(USERINFO, headers=bearer(password_token(app_client, scope="email")))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    assert response.json()["error"] == "insufficient_scope"


def test_revoked_token_is_invalid_token(app_client):
    token = password_token(app_client)
    assert app_client.get(USERINFO, headers=bearer(token)).status_code == 200
    assert app_client.post("/default/revoke", data={"token": token}, auth=WEB_AUTH).status_code == 200
    response = app_client.get(USERINFO, headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_token_in_header_and_body_is_invalid_request(app_client):
    token = password_token(app_client)
    response = app_client.post(USERINFO, data={"access_token": token}, headers=bearer(token))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_in_the_query_string_is_not_accepted(app_client):
    # RFC 6750 §2.3 is optional and discouraged; a token there counts as no token.
    response = app_client.get(USERINFO, params={"access_token": password_token(app_client)})
    assert response.status_code == 401


def test_token_in_a_form_body_works(app_client):
    response = app_client.post(USERINFO, data={"access_token": password_token(app_client)})
    assert response.status_code == 200
    assert response.json()["sub"]
