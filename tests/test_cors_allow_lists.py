"""CORS by each vendor's allow-lists (docs/vendors.md, "CORS allow-lists"), over HTTP against a real
server: Auth0's Allowed Origins (CORS), Allowed Web Origins and callbacks per application, Okta's
trusted origins of type CORS, Entra's single-page application platform, Cognito's app client URLs;
preflights by any client's list, answers by the request's client's, and the token endpoint's refusal
of other origins. The same in a real Chromium: tests/pages/test_cors_browser.py."""

import textwrap

import httpx
import pytest

from conftest import start_server
from mock_idp.config import ConfigError, load_config
from mock_idp.personas import all_flavors

APP = "http://localhost:3000"  # every tenant's SPA redirect URI lives there
ENTRA = "/entra/72f988bf-0000-4000-8000-00000000c0de"
SEED = """\
    tenants:
      auth0:
        flavor: auth0
        clients:
          - {client_id: spa, redirect_uris: ["http://localhost:3000/callback"], token_endpoint_auth_method: none,
             allowed_origins: ["https://cors.example"], web_origins: ["https://web.example"],
             post_logout_redirect_uris: ["https://logout.example/bye"]}
          - {client_id: other, redirect_uris: ["https://other.example/cb"], token_endpoint_auth_method: none}
        users: [{username: alice, password: alice-password}]
      okta:
        flavor: okta
        authorization_server: default
        trusted_origins:
          - {name: SPA, origin: "https://trusted.example", scopes: [CORS, REDIRECT]}
          - {origin: "https://redirect-only.example", scopes: [REDIRECT]}
        clients:
          - {client_id: spa, redirect_uris: ["http://localhost:3000/callback"], token_endpoint_auth_method: none}
        users: [{username: alice, password: alice-password}]
      entra:
        flavor: entra
        tenant_id: 72f988bf-0000-4000-8000-00000000c0de
        clients:
          - {client_id: 11111111-1111-4111-8111-111111111111, single_page_app: true,
             redirect_uris: ["http://localhost:3000/callback"]}
          - {client_id: 22222222-2222-4222-8222-222222222222, client_secret: s, redirect_uris: ["https://web.example/cb"]}
        users: [{username: alice@contoso.example, password: alice-password}]
      cognito:
        flavor: cognito
        clients:
          - {client_id: spa, redirect_uris: ["http://localhost:3000/callback"], post_logout_redirect_uris: ["https://signout.example/"]}
        users: [{username: alice, password: alice-password}]
      listed:
        flavor: auth0
        cors_origins: ["https://override.example"]
        clients:
          - {client_id: spa, redirect_uris: ["http://localhost:3000/callback"], token_endpoint_auth_method: none}
    """


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    seed = tmp_path_factory.mktemp("allow-lists") / "seed.yaml"
    seed.write_text(textwrap.dedent(SEED))
    running = start_server(seed, tmp_path_factory.mktemp("allow-lists-data"), admin=True)
    yield running
    running.stop()


def preflight(server, path: str, origin: str) -> httpx.Response:
    return httpx.options(server.base_url + path, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def granted(answer: httpx.Response) -> str | None:
    return answer.headers.get("access-control-allow-origin")


def refresh_token(server, tenant: str, client_id: str, username: str = "alice") -> str:
    minted = httpx.post(f"{server.base_url}/_admin/tenants/{tenant}/tokens",
                        json={"username": username, "client_id": client_id, "scope": "openid offline_access"})
    assert minted.status_code == 200, minted.text
    return minted.json()["refresh_token"]


@pytest.mark.parametrize(("origin", "allowed"), [
    ("https://cors.example", True),     # Allowed Origins (CORS)
    ("https://web.example", True),      # Allowed Web Origins
    (APP, True),                        # a callback URL's origin
    ("https://other.example", True),    # another application's callback: a preflight names no client
    ("https://logout.example", False),  # Allowed Logout URLs do not count
    ("https://evil.example", False),
])
def test_auth0_preflights_follow_its_applications_origins(server, origin, allowed):
    for path in ("/auth0/oauth/token", "/auth0/userinfo", "/auth0/oauth/revoke"):
        answer = preflight(server, path, origin)
        assert (answer.status_code, granted(answer)) == ((204, origin) if allowed else (403, None)), path


def test_auth0_answers_a_page_of_the_applications_origins_and_refuses_others_with_401(server):
    url = server.base_url + "/auth0/oauth/token"
    token = refresh_token(server, "auth0", "spa")
    form = {"grant_type": "refresh_token", "client_id": "spa", "refresh_token": token}
    for origin in ("https://evil.example", "https://other.example", "null"):
        refused = httpx.post(url, data=form, headers={"Origin": origin})
        assert refused.status_code == 401 and granted(refused) is None
        assert refused.json() == {"error": "access_denied", "error_description": "Unauthorized"}
    for origin in ("https://web.example", "https://cors.example", APP):
        answer = httpx.post(url, data=form, headers={"Origin": origin})
        assert answer.status_code == 200 and granted(answer) == origin, answer.text
    access = answer.json()["access_token"]
    info = httpx.get(server.base_url + "/auth0/userinfo", headers={"Authorization": f"Bearer {access}", "Origin": APP})
    assert info.status_code == 200 and granted(info) == APP
    theirs = httpx.get(server.base_url + "/auth0/userinfo",
                       headers={"Authorization": f"Bearer {access}", "Origin": "https://other.example"})
    assert theirs.status_code == 200 and granted(theirs) is None  # another application's origin reads nothing
    assert httpx.post(url, data=form).status_code == 200  # a server (no Origin) is taken


@pytest.mark.parametrize(("origin", "allowed"), [
    ("https://trusted.example", True),
    ("https://redirect-only.example", False),  # a trusted origin of type REDIRECT only
    (APP, False),                              # a redirect URI's origin is not trusted by itself
])
def test_okta_answers_its_trusted_origins_of_type_cors_only(server, origin, allowed):
    base = "/okta/oauth2/default"
    for path in (f"{base}/v1/token", f"{base}/v1/userinfo", f"{base}/v1/revoke", f"{base}/v1/introspect",
                 f"{base}/v1/keys", f"{base}/.well-known/openid-configuration", f"{base}/v1/logout"):
        answer = preflight(server, path, origin)
        assert (answer.status_code, granted(answer)) == ((204, origin) if allowed else (403, None)), path
    keys = httpx.get(server.base_url + f"{base}/v1/keys", headers={"Origin": origin})
    assert keys.status_code == 200 and granted(keys) == (origin if allowed else None)
    token = refresh_token(server, "okta", "spa")
    answer = httpx.post(server.base_url + f"{base}/v1/token", headers={"Origin": origin},
                        data={"grant_type": "refresh_token", "client_id": "spa", "refresh_token": token,
                              "scope": "openid offline_access"})
    if allowed:
        assert answer.status_code == 200 and granted(answer) == origin, answer.text
    else:
        assert answer.status_code == 403 and answer.json()["error"] == "access_denied" and granted(answer) is None


def test_entra_answers_the_single_page_apps_redirect_origins_only(server):
    token_path = f"{ENTRA}/oauth2/v2.0/token"
    assert granted(preflight(server, token_path, APP)) == APP
    assert granted(preflight(server, f"{ENTRA}/v2.0/.well-known/openid-configuration", APP)) == APP  # msal-browser
    assert preflight(server, token_path, "https://web.example").status_code == 403  # a web app's origin
    spa = "11111111-1111-4111-8111-111111111111"
    form = {"grant_type": "refresh_token", "client_id": spa, "refresh_token": refresh_token(server, "entra", spa, "alice@contoso.example"),
            "scope": "openid offline_access"}
    answer = httpx.post(server.base_url + token_path, data=form, headers={"Origin": APP})
    assert answer.status_code == 200 and granted(answer) == APP, answer.text
    other = httpx.post(server.base_url + token_path, data=form, headers={"Origin": "https://evil.example"})
    assert other.status_code == 403 and granted(other) is None
    web = "22222222-2222-4222-8222-222222222222"
    form = {"grant_type": "refresh_token", "client_id": web, "client_secret": "s", "scope": "openid offline_access",
            "refresh_token": refresh_token(server, "entra", web, "alice@contoso.example")}
    refused = httpx.post(server.base_url + token_path, data=form, headers={"Origin": "https://web.example"})
    assert refused.status_code == 400 and "AADSTS9002326" in refused.json()["error_description"]
    assert granted(refused) is None


def test_cognito_answers_its_app_clients_callback_and_sign_out_origins(server):
    for origin, allowed in ((APP, True), ("https://signout.example", True), ("https://evil.example", False)):
        answer = preflight(server, "/cognito/oauth2/token", origin)
        assert (answer.status_code, granted(answer)) == ((204, origin) if allowed else (403, None))
    form = {"grant_type": "refresh_token", "client_id": "spa", "refresh_token": refresh_token(server, "cognito", "spa")}
    answer = httpx.post(server.base_url + "/cognito/oauth2/token", data=form, headers={"Origin": APP})
    assert answer.status_code == 200 and granted(answer) == APP


def test_the_seeds_cors_origins_replace_the_personas_lists(server):
    assert granted(preflight(server, "/listed/oauth/token", "https://override.example")) == "https://override.example"
    assert preflight(server, "/listed/oauth/token", APP).status_code == 403  # the callback no longer counts


def load_error(tmp_path, text: str) -> str:
    (tmp_path / "seed.yaml").write_text(textwrap.dedent(text))
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "seed.yaml", personas=all_flavors())
    return str(caught.value)


def test_trusted_origins_are_checked_where_they_are_written(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          okta:
            flavor: okta
            trusted_origins:
              - {origin: "https://ok.example", scopes: [CORS]}
              - {origin: "https://app.example/path", scopes: [CORS]}
              - {origin: "https://ok.example", scopes: [CROS]}
              - {origin: "https://ok.example", scopes: []}
        """)
    assert "seed.yaml:6: tenants.okta.trusted_origins[1].origin: " in error and "is not an origin" in error
    assert "seed.yaml:7: tenants.okta.trusted_origins[2].scopes[0]: " in error and "'CORS'" in error
    assert "seed.yaml:8: tenants.okta.trusted_origins[3].scopes: " in error


def test_vendor_origin_keys_are_refused_on_other_personas(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          auth0:
            flavor: auth0
            trusted_origins: [{origin: "https://ok.example", scopes: [CORS]}]
        """)
    assert "seed.yaml:4: tenants.auth0.trusted_origins: " in error and "(personas that do: okta)" in error
    error = load_error(tmp_path, """\
        tenants:
          okta:
            flavor: okta
            clients:
              - {client_id: a, allowed_origins: ["https://ok.example"]}
        """)
    assert "tenants.okta.clients[0].allowed_origins: " in error and "(personas that do: auth0)" in error
