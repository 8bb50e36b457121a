"""The browser session: SSO, prompt, max_age, login_hint, wrong passwords, RP-initiated logout
(OIDC Core §3.1.2.1, OpenID Connect RP-Initiated Logout 1.0)."""

import time
from urllib.parse import parse_qsl, urlsplit

import httpx

from .helpers import (
    LOGOUT_REDIRECT_URI,
    new_nonce,
    redirect_params,
    rp,
    shows_login_form,
    sign_in,
    username_field_value,
    verify_id_token,
)



def sso_cookie(discovery: dict) -> str:
    """The core tenant's session cookie: named for the tenant and the server's port."""
    return f"mock_idp_sso_default_{urlsplit(discovery['issuer']).port}"


def authorization_url(discovery, **params):
    """A code-flow authorization URL for demo-web: (url, state)."""
    params.setdefault("nonce", new_nonce())
    return rp(discovery, "demo-web").create_authorization_url(discovery["authorization_endpoint"], **params)


def exchange(discovery, response, **expected) -> dict:
    """The ID token claims behind the code a redirect carries."""
    token = rp(discovery, "demo-web").fetch_token(code=redirect_params(response)["code"])
    return verify_id_token(token["id_token"], discovery, "demo-web", **expected)


def test_second_authorization_skips_the_form(browser, core_discovery):
    _, first, _ = sign_in(browser, core_discovery)
    url, state = authorization_url(core_discovery)

    again = browser.get(url)

    assert redirect_params(again)["state"] == state
    claims = exchange(core_discovery, again)
    first_claims = verify_id_token(first["id_token"], core_discovery, "demo-web")
    assert claims["sub"] == first_claims["sub"] and claims["auth_time"] == first_claims["auth_time"]
    assert claims["sid"] == first_claims["sid"]


def test_prompt_none_succeeds_with_a_session(browser, core_discovery):
    sign_in(browser, core_discovery)
    url, state = authorization_url(core_discovery, prompt="none")
    response = browser.get(url)
    assert redirect_params(response)["state"] == state and "error" not in redirect_params(response)
    exchange(core_discovery, response)


def test_prompt_none_without_a_session_redirects_login_required(browser, core_discovery):
    url, state = authorization_url(core_discovery, prompt="none", state="keep <me>")
    params = redirect_params(browser.get(url))
    assert params["error"] == "login_required" and params["state"] == "keep <me>"
    assert "code" not in params


def test_prompt_login_shows_the_form_again(browser, core_discovery):
    sign_in(browser, core_discovery)
    url, state = authorization_url(core_discovery, prompt="login")
    page = browser.get(url)
    assert shows_login_form(page)
    assert redirect_params(browser.login(page, "alice", "alice-password"))["state"] == state


def test_max_age_zero_forces_login_and_auth_time_moves_forward(browser, core_discovery):
    _, first, _ = sign_in(browser, core_discovery)
    first_auth = verify_id_token(first["id_token"], core_discovery, "demo-web")["auth_time"]
    time.sleep(1.05)  # auth_time has one-second resolution

    url, _ = authorization_url(core_discovery, max_age="0", nonce="n-max-age")
    page = browser.get(url)
    assert shows_login_form(page)
    claims = exchange(core_discovery, browser.login(page, "alice", "alice-password"), nonce="n-max-age")
    assert claims["auth_time"] > first_auth
    assert abs(claims["auth_time"] - time.time()) < 5


def test_login_hint_prefills_the_username_field(browser, core_discovery):
    url, _ = authorization_url(core_discovery, login_hint="bob", nonce="n-hint")
    page = browser.get(url)
    assert shows_login_form(page) and username_field_value(page) == "bob"
    claims = exchange(core_discovery, browser.login(page, "bob", "bob-password"), nonce="n-hint")
    assert claims["email"] == "bob@example.com"


def test_wrong_password_shows_the_form_again_with_a_message(browser, core_discovery):
    url, state = authorization_url(core_discovery)
    page = browser.get(url)

    wrong = browser.login(page, "alice", "not-her-password")

    assert wrong.status_code == 200 and "location" not in wrong.headers
    assert "set-cookie" not in wrong.headers and sso_cookie(core_discovery) not in browser.http.cookies
    assert shows_login_form(wrong) and 'role="alert"' in wrong.text
    assert username_field_value(wrong) == "alice"
    # The authorization request survives in the form: the right password completes it.
    assert redirect_params(browser.login(wrong, "alice", "alice-password"))["state"] == state


def test_logout_with_id_token_hint_redirects_with_state_and_ends_the_session(browser, core_discovery):
    _, token, _ = sign_in(browser, core_discovery)
    old_cookie = browser.http.cookies[sso_cookie(core_discovery)]

    response = browser.get(core_discovery["end_session_endpoint"] + "?" + str(httpx.QueryParams({
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": LOGOUT_REDIRECT_URI,
        "state": "bye & <see you>"})))

    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == LOGOUT_REDIRECT_URI
    assert dict(parse_qsl(location.query)) == {"state": "bye & <see you>"}
    assert sso_cookie(core_discovery) not in browser.http.cookies
    assert shows_login_form(browser.get(authorization_url(core_discovery)[0]))
    # The session is gone on the server too: the old cookie, replayed, logs nobody in.
    replayed = httpx.get(authorization_url(core_discovery)[0], cookies={sso_cookie(core_discovery): old_cookie})
    assert shows_login_form(replayed)


def test_logout_to_an_unregistered_uri_is_refused(browser, core_discovery):
    _, token, _ = sign_in(browser, core_discovery)
    response = browser.get(core_discovery["end_session_endpoint"] + "?" + str(httpx.QueryParams({
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": "http://evil.example/"})))
    assert response.status_code == 400 and "location" not in response.headers


def test_logout_without_a_redirect_shows_a_signed_out_page(browser, core_discovery):
    sign_in(browser, core_discovery)
    response = browser.get(core_discovery["end_session_endpoint"])
    assert response.status_code == 200 and "signed out" in response.text.lower()
    assert sso_cookie(core_discovery) not in browser.http.cookies
    assert shows_login_form(browser.get(authorization_url(core_discovery)[0]))
