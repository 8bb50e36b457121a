"""The token page's sign-in for a client whose codes only a browser may redeem (Entra's
single-page application platform): the built-in callback redeems as the page's script would, with
the tenant's own Origin, so the home page's link lands on tokens instead of AADSTS9002327; the
page's origin is allowed for every client, its callback being every client's redirect URI."""

import base64
import hashlib
import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import yaml

from conftest import Browser, start_server

TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de"
SPA, WEB = "44444444-4444-4444-8444-444444444444", "11111111-1111-4111-8111-111111111111"
VERIFIER = "builtin-page-spa-verifier-" + "v" * 40
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
SEED = {"tenants": {
    "entra": {"flavor": "entra", "tenant_id": TENANT_ID, "clients": [
        {"client_id": SPA, "single_page_app": True, "redirect_uris": ["http://localhost:3000/callback"]},
        {"client_id": WEB, "client_secret": "web-secret", "redirect_uris": ["http://localhost:3000/callback"]}],
        "users": [{"username": "alice@contoso.example", "password": "alice-password"}]},
    "default": {"flavor": "generic", "clients": [
        {"client_id": "app", "redirect_uris": ["http://localhost:3000/callback"]}],
        "users": [{"username": "alice", "password": "alice-password"}]},
}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("builtin-spa")
    (folder / "seed.yaml").write_text(yaml.safe_dump(SEED))
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


def landed_on(server, client_id: str) -> str:
    home = httpx.get(f"{server.base_url}/").text
    (link,) = {html.unescape(found) for found in re.findall(
        rf'href="([^"]+/entra/_ui/start\?issuer=entra&amp;client_id={client_id}&amp;response_type=code)"', home)}
    agent = Browser()
    landed = agent.authorize(agent.get(link).headers["location"], username="alice@contoso.example")
    return agent.get(landed.headers["location"]).text


@pytest.mark.parametrize("client_id", [SPA, WEB], ids=["single-page app", "web app"])
def test_the_home_pages_link_lands_on_verified_tokens(server, client_id):
    page = landed_on(server, client_id)
    assert "The sign-in failed" not in page, page[:2000]
    assert 'data-testid="signature-id_token">valid' in page


def test_a_spa_code_is_still_refused_to_a_server_and_to_another_origin(server):
    token = f"{server.base_url}/entra/{TENANT_ID}/oauth2/v2.0/token"
    for origin, expected in ((None, "AADSTS9002327"), ("http://localhost:5173", "is not allowed")):
        landed = Browser().authorize(f"{server.base_url}/entra/{TENANT_ID}/oauth2/v2.0/authorize?" + urlencode({
            "client_id": SPA, "response_type": "code", "redirect_uri": "http://localhost:3000/callback",
            "scope": "openid", "code_challenge": CHALLENGE,
            "code_challenge_method": "S256"}), username="alice@contoso.example")
        code = parse_qs(urlsplit(landed.headers["location"]).query)["code"][0]
        answer = httpx.post(token, headers={"Origin": origin} if origin else {}, data={
            "grant_type": "authorization_code", "client_id": SPA, "code": code,
            "redirect_uri": "http://localhost:3000/callback",
            "code_verifier": VERIFIER})
        assert answer.status_code in (400, 403) and expected in answer.text, answer.text


def test_the_tenants_own_origin_may_redeem_for_any_client(server):
    """A generic client lists only localhost:3000; the server's own origin (its token page) is taken."""
    landed = Browser().authorize(f"{server.base_url}/default/authorize?" + urlencode({
        "client_id": "app", "response_type": "code", "redirect_uri": "http://localhost:3000/callback",
        "scope": "openid", "code_challenge": CHALLENGE,
        "code_challenge_method": "S256"}))
    code = parse_qs(urlsplit(landed.headers["location"]).query)["code"][0]
    answer = httpx.post(f"{server.base_url}/default/token", headers={"Origin": server.base_url}, data={
        "grant_type": "authorization_code", "client_id": "app", "code": code,
        "redirect_uri": "http://localhost:3000/callback", "code_verifier": VERIFIER})
    assert answer.status_code == 200 and "id_token" in answer.json(), answer.text
