"""RP-initiated logout error paths: never redirect to a URI the client did not register."""

from joserfc import jwt
from joserfc.jwk import RSAKey

LOGOUT = "/default/logout"
AFTER = "http://localhost:3000/"
ISSUER = "http://127.0.0.1:8000/default"


def id_token(client) -> str:
    data = {"grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid"}
    response = client.post("/default/token", data=data, auth=("demo-web", "demo-web-secret"))
    return response.json()["id_token"]


def assert_error_page(response) -> None:
    assert response.status_code == 400, response.text
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text


def test_unregistered_post_logout_redirect_uri_is_an_error_page(app_client):
    params = {"client_id": "demo-web", "post_logout_redirect_uri": "http://evil.example/"}
    assert_error_page(app_client.get(LOGOUT, params=params))


def test_post_logout_redirect_uri_differing_by_a_slash_is_an_error_page(app_client):
    params = {"client_id": "demo-web", "post_logout_redirect_uri": AFTER.rstrip("/")}
    assert_error_page(app_client.get(LOGOUT, params=params))


def test_post_logout_redirect_uri_without_a_client_is_an_error_page(app_client):
    assert_error_page(app_client.get(LOGOUT, params={"post_logout_redirect_uri": AFTER}))


def test_id_token_hint_signed_by_another_key_is_an_error_page(app_client):
    stranger = RSAKey.generate_key(2048, auto_kid=True)
    forged = jwt.encode({"alg": "RS256", "kid": stranger.kid},
                        {"iss": ISSUER, "aud": "demo-web", "sub": "alice"}, stranger)
    params = {"id_token_hint": forged, "post_logout_redirect_uri": AFTER}
    assert_error_page(app_client.get(LOGOUT, params=params))


def test_garbage_id_token_hint_is_an_error_page(app_client):
    assert_error_page(app_client.get(LOGOUT, params={"id_token_hint": "not.a.jwt"}))


def test_client_id_that_does_not_match_the_id_token_hint_is_an_error_page(app_client):
    params = {"id_token_hint": id_token(app_client), "client_id": "demo-spa",
              "post_logout_redirect_uri": AFTER}
    assert_error_page(app_client.get(LOGOUT, params=params))


def test_unknown_client_is_an_error_page(app_client):
    params = {"client_id": "nobody", "post_logout_redirect_uri": AFTER}
    assert_error_page(app_client.get(LOGOUT, params=params))


def test_registered_uri_keeps_the_state(app_client):
    params = {"id_token_hint": id_token(app_client), "post_logout_redirect_uri": AFTER, "state": "bye"}
    response = app_client.get(LOGOUT, params=params)
    assert response.status_code == 302
    assert response.headers["location"] == AFTER + "?state=bye"


def test_post_with_a_json_body_is_not_a_500(app_client):
    response = app_client.post(LOGOUT, json={"client_id": "demo-web"})
    assert response.status_code == 400
    assert "location" not in response.headers
