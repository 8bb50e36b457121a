"""A PostgreSQL server that stops answering while its connections stay up (every postgres process
sent SIGSTOP): `mock-idp serve` on it keeps answering what needs no database at once, answers
what does 503 temporarily_unavailable within MOCK_IDP_DATABASE_WAIT, and after SIGCONT serves
again without a restart, with nothing acknowledged before lost."""

import html
import re
import threading
import time

import httpx

from conftest import free_port

from .test_durability import OKTA_WEB, REDIRECT_URI, Serve, introspected, okta_password_grant

pytest_plugins = ["pg_support"]  # postgres_url, postgres_paused: a database of this run, on a real PostgreSQL

WAIT = 1.0  # MOCK_IDP_DATABASE_WAIT of the server under test
AT_ONCE = 0.5  # seconds: "at once", with room for a loaded CI machine
DISCOVERY = "/okta/.well-known/openid-configuration"
JWKS = "/okta/oauth2/v1/keys"
USERS_API = {"Authorization": "SSWS 00-durable-api-token"}  # Okta's Users API, an API token


def timed(request) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = request()
    return answer, time.monotonic() - started


def login_form(http: httpx.Client, base: str) -> dict:
    """The hidden fields of the sign-in page of an authorization request (its CSRF token too)."""
    page = http.get(base + "/okta/oauth2/v1/authorize", params={
        "client_id": OKTA_WEB[0], "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "openid",
        "state": "s", "prompt": "login"})
    assert page.status_code == 200, page.text[:300]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page.text))
    return {html.unescape(k): html.unescape(v) for k, v in fields.items()}


def test_a_paused_database_blocks_no_request_that_needs_none_and_fails_the_others_in_time(
        tmp_path, postgres_url, postgres_paused):
    # The admin API on: its calls, and its watch in front of every endpoint, discovery's too.
    server = Serve(tmp_path, env={"MOCK_IDP_DATABASE_URL": postgres_url, "MOCK_IDP_DATABASE_WAIT": str(WAIT),
                                  "MOCK_IDP_ADMIN": "true"}, port=free_port())
    try:
        with httpx.Client(timeout=15) as http:
            before = okta_password_grant(http, server.base)
            assert before.status_code == 200, before.text
            assert http.get(server.base + DISCOVERY).status_code == 200 and http.get(server.base + JWKS).status_code == 200
            assert http.get(server.base + "/okta/api/v1/users", headers=USERS_API).status_code == 200
            form = login_form(http, server.base)
            with postgres_paused():
                # Requests stuck on the database (threads waiting on it) while the others are asked.
                stuck = [threading.Thread(target=okta_password_grant, args=(httpx.Client(timeout=15), server.base))
                         for _ in range(4)]
                for thread in stuck:
                    thread.start()
                time.sleep(0.2)
                for path in ("/healthz", DISCOVERY, JWKS, "/healthz", DISCOVERY, JWKS):
                    answer, took = timed(lambda: http.get(server.base + path))
                    assert answer.status_code == 200 and took < AT_ONCE, (path, answer.status_code, took)

                refused, took = timed(lambda: okta_password_grant(http, server.base))
                assert refused.status_code == 503, refused.text
                assert refused.json()["error"] == "temporarily_unavailable"
                assert refused.headers["retry-after"] == "1" and refused.headers["cache-control"] == "no-store"
                assert WAIT - 0.1 < took < WAIT + 1.5, took

                # A browser posting the sign-in form gets a page, not JSON.
                page, took = timed(lambda: http.post(server.base + "/okta/oauth2/v1/login", headers={
                    "Sec-Fetch-Mode": "navigate"}, data={**form, "username": "alice", "password": "alice-password"}))
                assert page.status_code == 503 and page.headers["content-type"].startswith("text/html"), page.text
                assert "Temporarily unavailable" in page.text and took < WAIT + 1.5, took
                # A vendor API and the admin API: the same 503, each in its own error shape.
                users, took = timed(lambda: http.get(server.base + "/okta/api/v1/users", headers=USERS_API))
                assert users.status_code == 503 and users.headers["retry-after"] == "1" and took < WAIT + 1.5, users.text
                admin, took = timed(lambda: http.get(server.base + "/_admin/tenants/okta/users"))
                assert admin.status_code == 503 and took < WAIT + 1.5, admin.text
                assert admin.json()["error"] == "temporarily_unavailable" and admin.headers["retry-after"] == "1"
                assert timed(lambda: http.get(server.base + "/healthz"))[1] < AT_ONCE
                time.sleep(0.5)
            for thread in stuck:
                thread.join(timeout=15)
            # Resumed: the next requests work, no restart; what was acknowledged before is intact.
            after = okta_password_grant(http, server.base)
            assert after.status_code == 200, after.text
            assert introspected(http, server.base, before.json()["access_token"])
            assert introspected(http, server.base, after.json()["access_token"])
            assert http.get(server.base + "/okta/api/v1/users", headers=USERS_API).status_code == 200
            assert http.get(server.base + "/_admin/tenants/okta/users").status_code == 200
            for page in ("/", "/okta/_ui", "/okta/_ui/token"):  # the pages, off the loop as well
                assert http.get(server.base + page).status_code == 200, page
            signed_in = http.post(server.base + "/okta/oauth2/v1/login",
                                  data={**login_form(http, server.base), "username": "alice", "password": "alice-password"})
            assert signed_in.status_code == 302, signed_in.text[:300]
        assert "no answer from the database server within 1 s" in server.log()
    finally:
        server.stop()
