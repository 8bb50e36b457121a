"""Authorization endpoint error paths (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6).

Errors before the client and redirect URI are verified are shown on our page; after that they
are redirected to the registered URI, in the response mode in force, with the state.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

AUTHORIZE = "/default/authorize"
CALLBACK = "http://localhost:3000/callback"
CHALLENGE = "E9Melhoe2OwvFrEMTJguCHaoeK1t8URWtrd0bmkEHGk"  # any 43 base64url characters


def web(**overrides) -> dict:
    params = {"client_id": "demo-web", "redirect_uri": CALLBACK, "response_type": "code",
              "scope": "openid", "state": "st-1"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def redirect_params(response, part: str = "query") -> dict:
    """The single-valued parameters of the redirect, from the query or the fragment."""
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    values = parse_qs(getattr(location, part), keep_blank_values=True)
    return {k: v[0] for k, v in values.items()}


def assert_error_page(response, error: str = "invalid_request") -> None:
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert error in response.text
    assert "Traceback" not in response.text


# -- shown to the user, never redirected -------------------------------------------------------

def test_missing_client_id_is_an_error_page(app_client):
    assert_error_page(app_client.get(AUTHORIZE, params=web(client_id=None)))


def test_unknown_client_is_an_error_page_without_location(app_client):
    assert_error_page(app_client.get(AUTHORIZE, params=web(client_id="nobody")), "invalid_client")


@pytest.mark.parametrize("redirect_uri", [
    "http://evil.example/callback",
    CALLBACK + "/",
    CALLBACK + "?extra=1",
    CALLBACK + "#frag",
    "HTTP://LOCALHOST:3000/callback",
])
def test_unregistered_redirect_uri_is_never_redirected_to(app_client, redirect_uri):
    assert_error_page(app_client.get(AUTHORIZE, params=web(redirect_uri=redirect_uri)))


@pytest.mark.parametrize("redirect_uri", [
    'http://localhost:3000/"><script>alert(1)</script>',
    "http://localhost:3000/back\\slash",
    "http://localhost:3000/caf\u00e9/\u2603",
    "javascript:alert(1)",
])
def test_odd_redirect_uri_is_an_error_page_not_a_500(app_client, redirect_uri):
    response = app_client.get(AUTHORIZE, params=web(redirect_uri=redirect_uri))
    assert_error_page(response)
    assert "<script>alert" not in response.text


def test_repeated_client_id_is_an_error_page(app_client):
    params = list(web().items()) + [("client_id", "demo-spa")]
    assert_error_page(app_client.get(AUTHORIZE, params=params))


def test_service_client_without_redirect_uris_is_an_error_page(app_client):
    assert_error_page(app_client.get(AUTHORIZE, params=web(client_id="demo-service", redirect_uri=None)))


# -- redirected to the registered URI, with the state ------------------------------------------

def test_unsupported_response_type_is_redirected_with_state(app_client):
    # No tokens in an unknown response type: the default mode is the query (Multiple Response Types §5).
    params = redirect_params(app_client.get(AUTHORIZE, params=web(response_type="banana")))
    assert params["error"] == "unsupported_response_type"
    assert params["state"] == "st-1"
    assert params["error_description"] == "The response type 'banana' is not supported."


def test_response_type_the_client_may_not_use_is_unauthorized_client(app_client):
    response = app_client.get(AUTHORIZE, params=web(client_id="demo-spa", response_type="id_token",
                                                     nonce="n-1"))
    params = redirect_params(response, "fragment")
    assert params["error"] == "unauthorized_client"
    assert params["state"] == "st-1"


def test_missing_response_type_is_invalid_request(app_client):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(response_type=None)))
    assert params["error"] in ("invalid_request", "unsupported_response_type")
    assert params["state"] == "st-1"


def test_invalid_response_mode_is_reported_in_the_default_mode(app_client):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(response_mode="carrier_pigeon")))
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


def test_invalid_response_mode_of_an_implicit_request_is_reported_in_the_fragment(app_client):
    response = app_client.get(AUTHORIZE, params=web(response_type="id_token", response_mode="bogus",
                                                     nonce="n-1"))
    params = redirect_params(response, "fragment")
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


@pytest.mark.parametrize("name, value, error", [
    ("response_type", 'co"de', "unsupported_response_type"),
    ("response_type", "code\\", "unsupported_response_type"),
    ("response_type", "caf\u00e9", "unsupported_response_type"),
    ("response_mode", 'qu"ery', "invalid_request"),
    ("response_mode", "fr\u00e4gment", "invalid_request"),
])
def test_quotes_and_non_ascii_in_refused_values_are_redirected_not_a_500(app_client, name, value, error):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(**{name: value})))
    assert params["error"] == error
    assert params["state"] == "st-1"


def test_query_response_mode_with_an_id_token_is_refused_in_the_fragment(app_client):
    response = app_client.get(AUTHORIZE, params=web(response_type="id_token", response_mode="query",
                                                     nonce="n-1"))
    params = redirect_params(response, "fragment")
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"
    assert not urlsplit(response.headers["location"]).query


def test_implicit_without_nonce_is_invalid_request_in_the_fragment(app_client):
    response = app_client.get(AUTHORIZE, params=web(response_type="id_token token"))
    params = redirect_params(response, "fragment")
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"
    assert "access_token" not in params


def test_public_client_without_code_challenge_is_invalid_request(app_client):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(client_id="demo-spa")))
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


def test_unknown_code_challenge_method_is_invalid_request(app_client):
    response = app_client.get(AUTHORIZE, params=web(client_id="demo-spa", code_challenge=CHALLENGE,
                                                     code_challenge_method="S512"))
    params = redirect_params(response)
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


def test_prompt_none_without_a_session_is_login_required(app_client):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(prompt="none")))
    assert params["error"] == "login_required"
    assert params["state"] == "st-1"


def test_prompt_none_with_login_is_invalid_request(app_client):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(prompt="none login")))
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


@pytest.mark.parametrize("max_age", ["-1", "abc", "1.5", ""])
def test_bad_max_age_is_invalid_request(app_client, max_age):
    params = redirect_params(app_client.get(AUTHORIZE, params=web(max_age=max_age)))
    assert params["error"] == "invalid_request"
    assert params["state"] == "st-1"


def test_repeated_state_is_invalid_request(app_client):
    params = list(web(state=None).items()) + [("state", "one"), ("state", "two")]
    response = app_client.get(AUTHORIZE, params=params)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["location"]).query)["error"] == ["invalid_request"]


def test_repeated_scope_is_invalid_request(app_client):
    params = list(web().items()) + [("scope", "openid email")]
    assert redirect_params(app_client.get(AUTHORIZE, params=params))["error"] == "invalid_request"


def test_errors_found_before_the_login_form_are_redirected_with_state(app_client, form_login):
    response = form_login(app_client, **web(response_type="banana"))
    params = redirect_params(response)
    assert params["error"] == "unsupported_response_type"
    assert params["state"] == "st-1"


def test_login_with_unregistered_redirect_uri_is_an_error_page(app_client, form_login):
    assert_error_page(form_login(app_client, **web(redirect_uri="http://evil.example/cb")))


# -- POST works like GET -----------------------------------------------------------------------

def test_post_with_a_form_body_works_like_get(app_client):
    response = app_client.post(AUTHORIZE, data=web())
    assert response.status_code == 200
    assert 'id="login-form"' in response.text
    params = redirect_params(app_client.post(AUTHORIZE, data=web(prompt="none")))
    assert params["error"] == "login_required"
    assert params["state"] == "st-1"


def test_post_errors_match_get_errors(app_client):
    assert_error_page(app_client.post(AUTHORIZE, data=web(client_id="nobody")), "invalid_client")
    assert redirect_params(app_client.post(AUTHORIZE, data=web(response_type="banana")))["error"] \
        == "unsupported_response_type"


def test_post_with_json_body_is_not_a_500(app_client):
    response = app_client.post(AUTHORIZE, json=web())
    assert response.status_code == 400
    assert "location" not in response.headers
