"""Implicit (OIDC Core §3.2) and hybrid (§3.3) flows: what the fragment carries and its hashes."""

import pytest

from .helpers import half_hash, new_nonce, redirect_params, rp, verify, verify_id_token


def authorize(browser, discovery, response_type: str):
    """(authlib client, fragment parameters, nonce) after signing in with `response_type`."""
    client = rp(discovery, "demo-web")
    nonce = new_nonce()
    url, state = client.create_authorization_url(discovery["authorization_endpoint"], nonce=nonce,
                                                 response_type=response_type)
    params = redirect_params(browser.authorize(url), fragment=True)
    assert params.pop("state") == state
    return client, params, nonce


def test_implicit_id_token_comes_in_the_fragment_without_an_access_token(browser, core_discovery):
    _, params, nonce = authorize(browser, core_discovery, "id_token")

    assert set(params) == {"id_token"}  # OIDC Core §3.2.2.5: id_token and state, nothing else
    claims = verify_id_token(params["id_token"], core_discovery, "demo-web", nonce)
    assert "at_hash" not in claims and "c_hash" not in claims
    # OIDC Core §5.4: with no access token to fetch userinfo, the claims ride in the ID token.
    assert claims["email"] == "alice@example.com"


def test_implicit_id_token_token_binds_the_access_token_with_at_hash(browser, core_discovery):
    client, params, nonce = authorize(browser, core_discovery, "id_token token")

    assert params["token_type"] == "Bearer" and int(params["expires_in"]) > 0
    assert "refresh_token" not in params and "code" not in params
    claims = verify_id_token(params["id_token"], core_discovery, "demo-web", nonce)
    assert claims["at_hash"] == half_hash(params["access_token"])
    verify(params["access_token"], core_discovery, sub=claims["sub"])
    client.token = params
    assert client.get(core_discovery["userinfo_endpoint"]).json()["sub"] == claims["sub"]


def test_oauth_implicit_token_brings_an_access_token_only(browser, core_discovery):
    client, params, _ = authorize(browser, core_discovery, "token")

    # RFC 6749 §4.2.2: access_token, token_type, expires_in (and scope); no ID or refresh token.
    assert set(params) == {"access_token", "token_type", "expires_in", "scope"}
    assert params["token_type"] == "Bearer" and params["scope"] == "openid profile email"
    claims = verify(params["access_token"], core_discovery, client_id="demo-web")
    client.token = params
    assert client.get(core_discovery["userinfo_endpoint"]).json()["sub"] == claims["sub"]


def test_implicit_request_without_nonce_is_redirected_with_invalid_request(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"],
                                                 response_type="id_token")
    params = redirect_params(browser.authorize(url), fragment=True)
    # OIDC Core §3.2.2.1: nonce is REQUIRED for the implicit flow.
    assert params["error"] == "invalid_request" and params["state"] == state


@pytest.mark.parametrize("response_type", ["code id_token", "code token", "code id_token token"])
def test_hybrid_response_then_exchanging_the_code(browser, core_discovery, response_type):
    client, params, nonce = authorize(browser, core_discovery, response_type)
    types = response_type.split()
    assert "code" in params and "refresh_token" not in params  # OIDC Core §3.3.2.5
    assert ("id_token" in params) == ("id_token" in types)
    assert ("access_token" in params) == ("token" in types)

    front_sub = None
    if "id_token" in params:
        claims = verify_id_token(params["id_token"], core_discovery, "demo-web", nonce)
        assert claims["c_hash"] == half_hash(params["code"])  # OIDC Core §3.3.2.11
        if "access_token" in params:
            assert claims["at_hash"] == half_hash(params["access_token"])
        else:
            assert "at_hash" not in claims
        front_sub = claims["sub"]
    if "access_token" in params:
        assert params["token_type"] == "Bearer"
        verify(params["access_token"], core_discovery, client_id="demo-web")

    token = client.fetch_token(code=params["code"])
    back = verify_id_token(token["id_token"], core_discovery, "demo-web", nonce)
    # OIDC Core §3.3.3.6: both ID tokens name the same end user, at the same authentication.
    assert front_sub in (None, back["sub"])
    assert back["at_hash"] == half_hash(token["access_token"])
    assert token["access_token"] != params.get("access_token")
