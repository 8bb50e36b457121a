"""The per-client CORS allow-lists and the browser's HTTP cache, in a real headless Chromium: the
discovery document and the JWKS are cacheable for 300 s and answered per Origin, so every answer
must say `Vary: Origin`; and a refused origin (another loopback port, `null`) never gets an
Access-Control-Allow-Origin, a credentials grant or a cached preflight. docs/robustness.md."""

import httpx
import pytest
from conftest import start_server

from .chromium import attacker_site, launched

FETCH = """async (url) => {
    try { const r = await fetch(url); return [r.status, (await r.json()).keys ? 'keys' : 'document']; }
    catch (e) { return String(e); }
}"""


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


@pytest.fixture(scope="module")
def app():
    yield from attacker_site()  # the application's origin (a loopback port the seed allows)


@pytest.fixture(scope="module")
def evil():
    yield from attacker_site()  # another loopback port: the same site, not allowed


@pytest.fixture(scope="module")
def server(tmp_path_factory, app):
    folder = tmp_path_factory.mktemp("cors-caching")
    (folder / "seed.yaml").write_text(f"""tenants:
  okta:
    flavor: okta
    clients:
      - {{client_id: spa, redirect_uris: ['{app.base_url}/callback']}}
    users:
      - {{username: alice@example.com, password: Alice-pass1}}
""")
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


def urls(server) -> list[str]:
    discovery = server.tenant_url("/okta") + "/.well-known/openid-configuration"
    return [discovery, httpx.get(discovery).json()["jwks_uri"]]


def test_a_document_looked_at_in_a_tab_is_not_served_to_the_apps_cors_fetch_without_its_grant(page, server, app):
    for url in urls(server):
        page.goto(url)  # the developer looks at the keys: kept in the cache, no Origin sent
        page.goto(app.base_url + "/")
        # Before: "TypeError: Failed to fetch" for 5 minutes (the cached copy, without a grant).
        assert page.evaluate(FETCH, url)[0] == 200


def test_a_refused_page_that_fetched_first_leaves_the_app_a_working_fetch(page, server, app, evil):
    for url in urls(server):
        page.goto(evil.base_url + "/")
        assert page.evaluate(FETCH, url).startswith("TypeError")  # not allowed: unreadable
        page.goto(app.base_url + "/")
        assert page.evaluate(FETCH, url)[0] == 200


@pytest.mark.parametrize("origin", ["null", "http://127.0.0.1:1", "http://localhost"])
def test_a_refused_origin_gets_no_grant_of_any_kind_and_every_answer_varies_by_origin(server, origin):
    token = server.tenant_url("/okta") + "/oauth2/v1/token"
    for url in [*urls(server), token]:
        answer = httpx.request("POST" if url == token else "GET", url, headers={"Origin": origin},
                               data={"grant_type": "client_credentials", "client_id": "spa"} if url == token else None)
        assert "access-control-allow-origin" not in answer.headers and "Origin" in answer.headers["vary"]
        assert "access-control-allow-credentials" not in answer.headers
        preflight = httpx.options(url, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 403 and preflight.headers["vary"] == "Origin"
        assert not any(name.startswith("access-control-") for name in preflight.headers)
    for url in urls(server):  # and without an Origin: the cacheable documents say they vary
        assert httpx.get(url).headers["vary"] == "Origin"
