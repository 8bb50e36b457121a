"""Usernames: one user whatever the Unicode form it is typed in (NFC), in any case where the
persona's vendor ignores case, never with invisible or direction-changing characters; on the seed,
the admin API and every sign-in surface."""

import re
import unicodedata

import httpx
import pytest
from conftest import SEEDS, Browser, start_server

from mock_idp.config import ConfigError, parse_config
from mock_idp.personas import all_flavors

NFD_LOWER = "jose\u0301.smith"  # the seed's "José.Smith" in another case and Unicode form
NFC_EXACT = unicodedata.normalize("NFC", "Jose\u0301.Smith")
PASSWORD = "jose-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "usernames.yaml", tmp_path_factory.mktemp("usernames"), admin=True)
    yield running
    running.stop()


def seed_problems(users: str, flavor: str = "generic") -> str:
    text = f"tenants:\n  t:\n    flavor: {flavor}\n    users:\n{users}"
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "seed.yaml", personas=all_flavors())
    return str(raised.value)


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\n", "\u2066", "\x00", "\ufeff"])
def test_a_seed_username_with_an_invisible_or_control_character_names_file_line_and_key(char):
    escaped = char.encode("unicode_escape").decode()
    problems = seed_problems(f'      - {{username: "ali{escaped}ce", password: x}}\n')
    assert "seed.yaml:5" in problems and "tenants.t.users[0].username" in problems
    assert f"U+{ord(char):04X}" in problems and "invisible or control characters" in problems


def test_seed_usernames_that_differ_only_in_unicode_form_or_in_case_where_it_is_ignored_clash():
    nfc_and_nfd = '      - {username: "jos\\u00e9", password: x}\n      - {username: "jose\\u0301", password: y}\n'
    assert "duplicate username" in seed_problems(nfc_and_nfd)
    cased = "      - {username: alice, password: x}\n      - {username: Alice, password: y}\n"
    for flavor in ("okta", "cognito", "auth0", "entra"):
        assert "tenants.t.users[1].username" in seed_problems(cased, flavor)
    parse_config(f"tenants:\n  t:\n    users:\n{cased}", "seed.yaml", personas=all_flavors())  # generic: two users


@pytest.mark.parametrize("tenant, typed, found", [
    ("okta", NFD_LOWER, True), ("auth0", NFD_LOWER, True), ("cognito", NFD_LOWER, True),
    ("default", "Jose\u0301.Smith", True), ("default", NFD_LOWER, False),  # generic: case counts
])
def test_the_login_page_finds_the_user_in_any_unicode_form_and_case_as_the_persona_does(server, tenant, typed, found):
    discovery = httpx.get(f"{server.base_url}/{tenant}/.well-known/openid-configuration"
                          if tenant != "okta" else f"{server.base_url}/okta/oauth2/default/.well-known/openid-configuration").json()
    client = {"okta": "okta-web", "auth0": "auth0-web", "cognito": "cognito-public", "default": "web"}[tenant]
    browser = Browser()
    page = browser.get(str(httpx.URL(discovery["authorization_endpoint"], params={
        "client_id": client, "response_type": "code", "redirect_uri": "http://localhost:3000/callback",
        "scope": "openid", "state": "s", "code_challenge_method": "S256",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"})))  # PKCE: public clients need it
    answer = browser.login(page, typed, PASSWORD)
    assert (answer.status_code in (302, 303) and "code=" in answer.headers["location"]) == found, answer.text[:300]


def test_the_password_grant_okta_authn_auth0_password_realm_and_cognito_initiate_auth_match_alike(server):
    base = server.base_url
    okta = httpx.post(f"{base}/okta/oauth2/default/v1/token", auth=("okta-web", "okta-web-secret"), data={
        "grant_type": "password", "username": NFD_LOWER, "password": PASSWORD, "scope": "openid"})
    assert okta.status_code == 200, okta.text
    generic = httpx.post(f"{base}/default/token", auth=("web", "web-secret"), data={
        "grant_type": "password", "username": "Jose\u0301.Smith", "password": PASSWORD, "scope": "openid"})
    assert generic.status_code == 200, generic.text
    wrong_case = httpx.post(f"{base}/default/token", auth=("web", "web-secret"), data={
        "grant_type": "password", "username": NFD_LOWER, "password": PASSWORD, "scope": "openid"})
    assert wrong_case.status_code == 400 and wrong_case.json()["error"] == "invalid_grant"
    authn = httpx.post(f"{base}/okta/api/v1/authn", json={"username": NFD_LOWER, "password": PASSWORD})
    assert authn.status_code == 200 and authn.json()["status"] == "SUCCESS", authn.text
    realm = httpx.post(f"{base}/auth0/oauth/token", json={
        "grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": "auth0-web",
        "client_secret": "auth0-web-secret", "username": NFD_LOWER, "password": PASSWORD,
        "realm": "Username-Password-Authentication", "scope": "openid"})
    assert realm.status_code == 200, realm.text
    cognito = httpx.post(f"{base}/cognito", headers={
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth", "Content-Type": "application/x-amz-json-1.1"},
        json={"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "cognito-public",
              "AuthParameters": {"USERNAME": NFD_LOWER.upper(), "PASSWORD": PASSWORD}})
    assert cognito.status_code == 200 and "AuthenticationResult" in cognito.json(), cognito.text


def test_the_admin_api_stores_nfc_refuses_hidden_characters_and_case_twins_and_finds_any_form(server):
    with httpx.Client(base_url=server.base_url + "/_admin", timeout=10) as admin:
        try:
            for name in ("mallory\n", "ad\u200bmin", "\u202etxt.exe"):
                refused = admin.post("/tenants/default/users", json={"username": name, "password": "x"})
                assert refused.status_code == 400 and "invisible or control characters" in refused.text, refused.text
            created = admin.post("/tenants/default/users", json={"username": "zoe\u0308", "password": "x"})
            assert created.status_code == 201 and created.json()["username"] == "zo\u00eb"
            assert admin.get("/tenants/default/users/zoe\u0308").json()["username"] == "zo\u00eb"
            twin = admin.post("/tenants/okta/users", json={"username": "JOSÉ.SMITH", "password": "x"})
            assert twin.status_code == 409, twin.text
            assert admin.post("/tenants/default/users", json={"username": "JOSÉ.SMITH", "password": "x"}).status_code == 201
            assert admin.patch(f"/tenants/okta/users/{NFD_LOWER}", json={"claims": {"x": "1"}}).status_code == 200
            assert admin.get(f"/tenants/okta/users/{NFC_EXACT}").json()["claims"]["x"] == "1"
            assert admin.delete("/tenants/default/users/ZOE\u0308").status_code == 404  # generic: case counts
            assert admin.delete("/tenants/default/users/zoe\u0308").status_code in (200, 204)
        finally:
            admin.post("/reset")


def test_the_login_page_lists_the_user_in_nfc(server):
    page = Browser().get(str(httpx.URL(f"{server.base_url}/default/authorize", params={
        "client_id": "web", "response_type": "code", "redirect_uri": "http://localhost:3000/callback"})))
    assert re.search(f'data-username="{re.escape(NFC_EXACT)}"', page.text)
