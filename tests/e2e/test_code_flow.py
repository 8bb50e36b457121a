"""Authorization code flow against a real server: PKCE, client authentication, response modes,
code replay (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1, OAuth 2.0 Form Post Response Mode)."""

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from authlib.integrations.httpx_client import OAuthError

from .helpers import (
    REDIRECT_URI,
    form_post_params,
    half_hash,
    new_nonce,
    new_verifier,
    redirect_params,
    rp,
    s256,
    sign_in,
    verify,
    verify_id_token,
)


def test_code_flow_with_pkce_through_the_login_form(browser, core_discovery):
    client = rp(core_discovery, "demo-spa", code_challenge_method="S256")
    verifier, nonce = new_verifier(), new_nonce()
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"],
                                                 code_verifier=verifier, nonce=nonce)
    sent = dict(parse_qsl(urlsplit(url).query))
    assert (sent["code_challenge"], sent["code_challenge_method"]) == (s256(verifier), "S256")
    page = browser.get(url)
    assert page.status_code == 200 and 'id="login-form"' in page.text
    callback = browser.login(page, "alice", "alice-password")
    params = redirect_params(callback)
    assert params["state"] == state and set(params) == {"code", "state"}

    token = client.fetch_token(authorization_response=callback.headers["location"], state=state,
                               code_verifier=verifier)

    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    claims = verify_id_token(token["id_token"], core_discovery, "demo-spa", nonce)
    assert claims["email"] == "alice@example.com" and claims["name"] == "Alice Example"
    assert claims["at_hash"] == half_hash(token["access_token"])
    access = verify(token["access_token"], core_discovery, sub=claims["sub"], client_id="demo-spa")
    assert access["scope"].split() == ["openid", "profile", "email"]


def test_public_client_code_is_refused_with_a_wrong_code_verifier(browser, core_discovery):
    client = rp(core_discovery, "demo-spa", code_challenge_method="S256")
    url, _ = client.create_authorization_url(core_discovery["authorization_endpoint"],
                                             code_verifier=new_verifier(), nonce=new_nonce())
    code = redirect_params(browser.authorize(url))["code"]
    with pytest.raises(OAuthError) as refused:
        client.fetch_token(code=code, code_verifier=new_verifier())
    assert refused.value.error == "invalid_grant"


def test_public_client_without_code_challenge_is_redirected_with_invalid_request(browser, core_discovery):
    client = rp(core_discovery, "demo-spa")
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=new_nonce())
    params = redirect_params(browser.authorize(url))
    assert params["error"] == "invalid_request" and params["state"] == state


def test_code_flow_for_a_confidential_client_with_client_secret_basic(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    nonce = new_nonce()
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=nonce)
    callback = browser.authorize(url)
    code = redirect_params(callback)["code"]

    # The server knows demo-web authenticates with client_secret_basic only (RFC 6749 §2.3,
    # OIDC Registration token_endpoint_auth_method): the secret in the body is refused...
    with pytest.raises(OAuthError) as refused:
        rp(core_discovery, "demo-web", token_endpoint_auth_method="client_secret_post").fetch_token(code=code)
    assert refused.value.error == "invalid_client"
    raw = httpx.post(core_discovery["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "client_id": "demo-web", "client_secret": "demo-web-secret"})
    assert raw.status_code in (400, 401) and raw.json()["error"] == "invalid_client"
    assert raw.headers["cache-control"] == "no-store"

    # ...and an unauthenticated request does not burn the code of the real client.
    token = client.fetch_token(authorization_response=callback.headers["location"], state=state)
    claims = verify_id_token(token["id_token"], core_discovery, "demo-web", nonce)
    assert claims["sub"] and "refresh_token" in token


def test_code_flow_rejects_a_wrong_client_secret_with_401(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    url, _ = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=new_nonce())
    code = redirect_params(browser.authorize(url))["code"]
    raw = httpx.post(core_discovery["token_endpoint"], auth=("demo-web", "not-the-secret"), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    # RFC 6749 §5.2: Authorization header used -> 401 with a WWW-Authenticate challenge.
    assert raw.status_code == 401 and raw.json()["error"] == "invalid_client"
    assert raw.headers["www-authenticate"].lower().startswith("basic")


def test_pkce_plain_method_works(browser, core_discovery):
    client = rp(core_discovery, "demo-spa")
    verifier, nonce = new_verifier(), new_nonce()
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=nonce,
                                                 code_challenge=verifier, code_challenge_method="plain")
    callback = browser.authorize(url)
    token = client.fetch_token(authorization_response=callback.headers["location"], state=state,
                               code_verifier=verifier)
    verify_id_token(token["id_token"], core_discovery, "demo-spa", nonce)


def test_form_post_response_mode_html_escapes_the_values(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    state, nonce = 'x<&">\'y', new_nonce()
    url, _ = client.create_authorization_url(core_discovery["authorization_endpoint"], state=state,
                                             nonce=nonce, response_mode="form_post")
    page = browser.authorize(url)

    action, fields = form_post_params(page)
    assert action == REDIRECT_URI
    assert fields["state"] == state and set(fields) == {"code", "state"}
    assert state not in page.text and "document.forms[0].submit()" in page.text
    assert page.headers["cache-control"] == "no-store"
    token = client.fetch_token(code=fields["code"])
    verify_id_token(token["id_token"], core_discovery, "demo-web", nonce)


def test_form_post_carries_an_id_token_of_a_hybrid_response(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    nonce = new_nonce()
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=nonce,
                                                 response_type="code id_token", response_mode="form_post")
    _, fields = form_post_params(browser.authorize(url))
    assert fields["state"] == state
    claims = verify_id_token(fields["id_token"], core_discovery, "demo-web", nonce)
    assert claims["c_hash"] == half_hash(fields["code"])


def test_fragment_response_mode_for_code(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    url, state = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=new_nonce(),
                                                 response_mode="fragment")
    params = redirect_params(browser.authorize(url), fragment=True)
    assert params["state"] == state
    assert client.fetch_token(code=params["code"])["access_token"]


def test_replayed_code_fails_and_revokes_the_tokens_it_issued(browser, core_discovery):
    client, token, _ = sign_in(browser, core_discovery)  # another grant, which must survive
    url, _ = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=new_nonce())
    code = redirect_params(browser.authorize(url))["code"]
    first = client.fetch_token(code=code)
    assert httpx.get(core_discovery["userinfo_endpoint"],
                     headers={"Authorization": f"Bearer {first['access_token']}"}).status_code == 200

    with pytest.raises(OAuthError) as replayed:
        client.fetch_token(code=code)
    assert replayed.value.error == "invalid_grant"

    # RFC 6749 §4.1.2 / OAuth 2.0 Security BCP §4.5: tokens issued from the code are revoked.
    introspection = client.introspect_token(core_discovery["introspection_endpoint"],
                                            token=first["access_token"])
    assert introspection.json() == {"active": False}
    userinfo = httpx.get(core_discovery["userinfo_endpoint"],
                         headers={"Authorization": f"Bearer {first['access_token']}"})
    assert userinfo.status_code == 401 and 'error="invalid_token"' in userinfo.headers["www-authenticate"]
    # The refresh token issued from the replayed code is dead too.
    with pytest.raises(OAuthError) as refresh:
        client.refresh_token(core_discovery["token_endpoint"], refresh_token=first["refresh_token"])
    assert refresh.value.error == "invalid_grant"
    # Tokens of other codes live on.
    assert client.introspect_token(core_discovery["introspection_endpoint"],
                                   token=token["access_token"]).json()["active"] is True


def test_replayed_code_also_revokes_the_tokens_refreshed_from_its_grant(browser, core_discovery):
    client = rp(core_discovery, "demo-web")
    url, _ = client.create_authorization_url(core_discovery["authorization_endpoint"], nonce=new_nonce())
    code = redirect_params(browser.authorize(url))["code"]
    first = client.fetch_token(code=code)
    refreshed = client.refresh_token(core_discovery["token_endpoint"], refresh_token=first["refresh_token"])

    with pytest.raises(OAuthError):
        client.fetch_token(code=code)

    # The whole grant the code started is suspect, not only its first token response.
    introspection = client.introspect_token(core_discovery["introspection_endpoint"],
                                            token=refreshed["access_token"])
    assert introspection.json() == {"active": False}
    with pytest.raises(OAuthError) as refresh:
        client.refresh_token(core_discovery["token_endpoint"], refresh_token=refreshed["refresh_token"])
    assert refresh.value.error == "invalid_grant"
