"""Discovery and JWKS: what a client needs to find the error-bearing endpoints."""

ISSUER = "http://127.0.0.1:8000/default"


def test_discovery_names_every_endpoint_under_the_issuer(app_client):
    document = app_client.get("/default/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
                 "introspection_endpoint", "revocation_endpoint", "end_session_endpoint"):
        assert document[name].startswith(ISSUER + "/"), name


def test_oauth_metadata_path_serves_the_same_document(app_client):
    oidc = app_client.get("/default/.well-known/openid-configuration").json()
    oauth = app_client.get("/default/.well-known/oauth-authorization-server").json()
    assert oauth == oidc


def test_unknown_well_known_path_is_a_json_404(app_client):
    response = app_client.get("/default/.well-known/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]


def test_post_to_discovery_is_a_json_405(app_client):
    response = app_client.post("/default/.well-known/openid-configuration")
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"


def test_jwks_has_only_public_keys(app_client):
    keys = app_client.get("/default/jwks").json()["keys"]
    assert keys
    for key in keys:
        assert key["kty"] == "RSA" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_healthz_answers(app_client):
    assert app_client.get("/healthz").json() == {"status": "ok"}
