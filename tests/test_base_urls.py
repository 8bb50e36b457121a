"""One issuer, two audiences: back-channel endpoints on the base a container called, browser links
behind a trusted proxy, and `iss` always the public base URL."""

import re

import httpx
import pytest
from conftest import REPO, SEEDS, Browser, free_port, start_server
from flavor_support import claims_of
from typer.testing import CliRunner

from mock_idp.cli import cli
from mock_idp.config.settings import Settings

OKTA = "/okta/oauth2/default"
BACK_CHANNEL = ("token_endpoint", "userinfo_endpoint", "jwks_uri", "introspection_endpoint",
                "revocation_endpoint", "device_authorization_endpoint")
PUBLIC = ("issuer", "authorization_endpoint", "end_session_endpoint")


@pytest.fixture(scope="module")
def two_names(tmp_path_factory):
    """Public at 127.0.0.1 (the browser's name), internal at localhost (the containers' name)."""
    port = free_port()
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("two-names"), port=port,
                           internal_base_urls=[f"http://localhost:{port}"])
    running.internal = f"http://localhost:{port}"
    yield running
    running.stop()


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory):
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("proxy"), forwarded_allow_ips=["127.0.0.1"])
    yield running
    running.stop()


def discovery_at(base: str, issuer_path: str = OKTA, document: str = "openid-configuration") -> dict:
    response = httpx.get(f"{base}{issuer_path}/.well-known/{document}")
    assert response.status_code == 200, response.text
    return response.json()


def test_discovery_at_an_internal_base_names_back_channel_endpoints_there_and_the_rest_public(two_names):
    public = discovery_at(two_names.base_url)
    internal = discovery_at(two_names.internal)
    for name in BACK_CHANNEL:
        assert public[name].startswith(two_names.base_url + "/"), name
        assert internal[name] == public[name].replace(two_names.base_url, two_names.internal), name
    for name in PUBLIC:
        assert internal[name] == public[name] and internal[name].startswith(two_names.base_url), name


def test_the_rfc8414_document_at_an_internal_base_is_rebased_the_same_way(two_names):
    internal = discovery_at(two_names.internal, document="oauth-authorization-server")
    assert internal["token_endpoint"].startswith(two_names.internal)
    assert internal["issuer"] == two_names.base_url + OKTA


def test_a_token_fetched_at_the_internal_base_carries_the_public_issuer(two_names):
    internal = discovery_at(two_names.internal)
    response = httpx.post(internal["token_endpoint"], auth=("0oa-service", "service-secret"),
                          data={"grant_type": "client_credentials", "scope": "customers:read"})
    assert response.status_code == 200, response.text
    claims = claims_of(response.json()["access_token"], internal)  # keys from the internal jwks_uri
    assert claims["iss"] == two_names.base_url + OKTA


def test_internal_base_urls_are_off_by_default(seed_server):
    other_name = seed_server.base_url.replace("127.0.0.1", "localhost")
    discovery = discovery_at(other_name)
    assert all(discovery[name].startswith(seed_server.base_url) for name in BACK_CHANNEL + PUBLIC
               if name in discovery)


def test_internal_base_urls_come_from_one_comma_separated_env_var(monkeypatch):
    monkeypatch.setenv("MOCK_IDP_INTERNAL_BASE_URLS", "http://mock-idp:8000, http://idp.internal:8080/")
    monkeypatch.setenv("MOCK_IDP_FORWARDED_ALLOW_IPS", "10.0.0.0/8,127.0.0.1")
    settings = Settings()
    assert settings.internal_base_urls == ["http://mock-idp:8000", "http://idp.internal:8080"]
    assert settings.forwarded_allow_ips == ["10.0.0.0/8", "127.0.0.1"]


def login_action(response: httpx.Response) -> str:
    match = re.search(r'<form method="post" action="([^"]+)" id="login-form">', response.text)
    assert match, response.text[:300]
    return match.group(1)


AUTHORIZE = ("/default/authorize?response_type=code&client_id=demo-web&scope=openid"
             "&redirect_uri=http://localhost:3000/callback&state=s1&code_challenge=" + "a" * 43 +
             "&code_challenge_method=S256")
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "idp.example.test", "X-Forwarded-Prefix": "/mock"}


def test_forwarded_headers_from_a_trusted_proxy_shape_the_login_form_link(behind_proxy):
    page = httpx.get(behind_proxy.base_url + AUTHORIZE, headers=FORWARDED)
    assert login_action(page) == "https://idp.example.test/mock/default/login"
    rfc7239 = httpx.get(behind_proxy.base_url + AUTHORIZE,
                        headers={"Forwarded": 'for=192.0.2.60;proto=https;host="idp.example.test"'})
    assert login_action(rfc7239) == "https://idp.example.test/default/login"


def test_forwarded_headers_from_a_trusted_proxy_shape_the_device_page_link(behind_proxy):
    page = httpx.get(behind_proxy.base_url + "/default/device", headers=FORWARDED)
    assert 'action="https://idp.example.test/mock/default/device" id="user-code-form"' in page.text


def test_forwarded_headers_never_change_the_issuer_nor_discovery(behind_proxy):
    discovery = httpx.get(behind_proxy.base_url + "/default/.well-known/openid-configuration",
                          headers=FORWARDED).json()
    assert discovery["issuer"] == behind_proxy.base_url + "/default"
    assert discovery["authorization_endpoint"].startswith(behind_proxy.base_url)
    browser = Browser()
    browser.http.headers.update(FORWARDED)
    page = browser.get(behind_proxy.base_url + AUTHORIZE.replace("a" * 43, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
    # The browser behind the proxy posts to the forwarded link; here it reaches the server directly.
    action = login_action(page).replace("https://idp.example.test/mock", behind_proxy.base_url)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page.text))
    callback = browser.http.post(action, data={**fields, "username": "alice", "password": "alice-password"})
    code = re.search(r"code=([^&]+)", callback.headers["location"]).group(1)
    token = httpx.post(discovery["token_endpoint"], auth=("demo-web", "demo-web-secret"), headers=FORWARDED, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost:3000/callback",
        "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"})
    assert token.status_code == 200, token.text
    assert claims_of(token.json()["id_token"], discovery)["iss"] == behind_proxy.base_url + "/default"


def test_forwarded_headers_from_an_untrusted_address_are_ignored(seed_server):
    page = httpx.get(seed_server.base_url + AUTHORIZE, headers=FORWARDED)
    assert login_action(page) == seed_server.base_url + "/default/login"


@pytest.mark.parametrize("headers", [
    {"X-Forwarded-Host": 'evil.test"><script>'},
    {"X-Forwarded-Host": "idp.example.test", "X-Forwarded-Proto": "javascript"},
    {"X-Forwarded-Host": "idp.example.test", "X-Forwarded-Prefix": "/a b"},
])
def test_malformed_forwarded_headers_are_ignored_even_from_a_trusted_proxy(behind_proxy, headers):
    page = httpx.get(behind_proxy.base_url + AUTHORIZE, headers=headers)
    assert login_action(page) == behind_proxy.base_url + "/default/login"


@pytest.mark.parametrize("flag, value", [("--internal-base-url", "http://mock-idp:8000/some/path"),
                                         ("--internal-base-url", "mock-idp:8000"),
                                         ("--forwarded-allow-ips", "not-an-address")])
def test_a_base_url_setting_that_cannot_work_is_one_line_and_exit_2(flag, value, tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--config", str(SEEDS / "core.yaml"), "--data-dir", str(tmp_path),
                                      flag, value])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr.strip().startswith(f"mock-idp: {flag}") and len(result.stderr.strip().splitlines()) == 1
