"""CORS per tenant on discovery, JWKS, token, userinfo and revocation, preflight included:
allowed origins are the tenant's cors_origins, by default (the generic persona) the origins of the
redirect URIs of the client the request is for; a preflight, which names no client, any client's.
The vendors' lists: tests/test_cors_allow_lists.py."""

import textwrap

import httpx
import pytest

from conftest import start_server

SPA = "http://localhost:3000"  # the core seed's redirect URIs live there


@pytest.fixture(scope="module")
def cors_server(tmp_path_factory):
    seed = tmp_path_factory.mktemp("cors") / "seed.yaml"
    seed.write_text(textwrap.dedent("""\
        tenants:
          default:
            clients:
              - {client_id: spa, redirect_uris: ["http://localhost:3000/callback"]}
              - {client_id: svc, client_secret: s, grant_types: [client_credentials], response_types: []}
              - {client_id: web, client_secret: w, grant_types: [client_credentials],
                 redirect_uris: ["http://localhost:3000/web"]}
          listed:
            cors_origins: ["https://app.example.com"]
            clients:
              - {client_id: spa, redirect_uris: ["http://localhost:3000/callback"]}
        """))
    running = start_server(seed, tmp_path_factory.mktemp("cors-data"))
    yield running
    running.stop()


@pytest.mark.parametrize("path", ["/default/.well-known/openid-configuration", "/default/jwks",
                                  "/default/token", "/default/userinfo", "/default/revoke"])
def test_preflight_from_a_redirect_uri_origin_is_allowed(cors_server, path):
    answer = httpx.options(cors_server.base_url + path, headers={
        "Origin": SPA, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, dpop"})
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == SPA
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-headers"] == "content-type, dpop"


def test_token_response_carries_the_allowed_origin_only(cors_server):
    url = cors_server.base_url + "/default/token"
    form = {"grant_type": "client_credentials"}
    allowed = httpx.post(url, data=form, auth=("web", "w"), headers={"Origin": SPA})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == SPA
    assert "Origin" in allowed.headers["vary"]
    other = httpx.post(url, data=form, auth=("web", "w"), headers={"Origin": "https://evil.example"})
    assert other.status_code == 403 and "access-control-allow-origin" not in other.headers
    # Another client's origin gets nothing of svc's: svc has no pages, so no origin; refused before
    # anything is issued (a page must not change state where it cannot read).
    unlisted = httpx.post(url, data=form, auth=("svc", "s"), headers={"Origin": SPA})
    assert unlisted.status_code == 403 and unlisted.json()["error"] == "access_denied"
    assert "access-control-allow-origin" not in unlisted.headers
    refused = httpx.options(url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers


def test_cors_origins_in_the_seed_replace_the_default(cors_server):
    jwks = cors_server.base_url + "/listed/jwks"
    assert httpx.get(jwks, headers={"Origin": "https://app.example.com"}).headers[
        "access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in httpx.get(jwks, headers={"Origin": SPA}).headers


def test_other_endpoints_get_no_cors_headers(cors_server):
    answer = httpx.get(cors_server.base_url + "/default/authorize", headers={"Origin": SPA})
    assert "access-control-allow-origin" not in answer.headers
