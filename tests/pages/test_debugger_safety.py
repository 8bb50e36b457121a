"""The token debugger cannot be turned against the server or its user: its fetch of another issuer
runs off the event loop within one deadline and a size cap, http(s) only; it answers every failure
on the page; and it fetches only for a form posted from its own page."""

import json
import statistics
import threading
import time

import httpx
import pytest
from conftest import SEEDS, start_server
from debugger_support import FarEnd, csrf_pair, post_debugger
from pages.test_browser import chromium  # noqa: F401 (the fixture)

from mock_idp.aws.provider import DEADLINE, MAX_BYTES

# Any JWT will do: the issuer field says where to fetch keys from.
TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwOi8vZXhhbXBsZS5pbnZhbGlkIn0.c2ln"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("debugger"))
    yield running
    running.stop()


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def far_end(request):
    ends = []

    def make(routes: dict) -> FarEnd:
        ends.append(FarEnd(routes))
        return ends[-1]
    yield make
    for end in ends:
        end.close()


def test_a_trickling_issuer_neither_freezes_the_server_nor_outlasts_the_deadline(http, server, far_end):
    # One byte every 2 s: each read succeeds, so only a deadline for the whole fetch ends it.
    slow = far_end({"/.well-known/openid-configuration": (200, b" " * 100 + b"{}", 2)})
    outcome = {}

    def debug():
        started = time.monotonic()
        outcome["page"] = post_debugger(http, token=TOKEN, issuer=slow.url)
        outcome["took"] = time.monotonic() - started
    fetch = threading.Thread(target=debug)
    fetch.start()
    while not slow.hits:
        time.sleep(0.05)
    took = []
    with httpx.Client(timeout=1) as probe:
        while fetch.is_alive():
            started = time.monotonic()
            assert probe.get(server.base_url + "/healthz").status_code == 200
            took.append(time.monotonic() - started)
            time.sleep(0.2)
    fetch.join()
    # Within 100 ms as a rule; a frozen loop would hold every probe for the 2 s between the far
    # end's bytes, so no probe near that is allowed, even on a busy CI machine.
    assert statistics.median(took) < 0.1, f"/healthz took {statistics.median(took) * 1000:.0f} ms (median)"
    assert max(took) < 0.5, f"/healthz took {max(took) * 1000:.0f} ms while the debugger fetched"
    assert outcome["took"] < DEADLINE + 2
    page = outcome["page"]
    assert page.status_code == 200
    assert f"took longer than the {DEADLINE:g} s allowed" in page.text
    assert 'data-testid="debugger-error"' in page.text


def test_fetch_failures_are_messages_on_the_page(http, far_end):
    end = far_end({"/bad-json/.well-known/openid-configuration": (200, b"<html>", 0),
                   "/no-jwks/.well-known/openid-configuration": (200, b'{"issuer": "x"}', 0),
                   "/file-jwks/.well-known/openid-configuration": (200, b'{"jwks_uri": "file:///etc/passwd"}', 0),
                   "/huge/.well-known/openid-configuration":
                       (200, json.dumps({"pad": "x" * (MAX_BYTES + 1)}).encode(), 0)})
    unreachable = f"http://127.0.0.1:{_closed_port()}"
    expected = {unreachable: "failed:", end.url + "/bad-json": "did not return JSON",
                end.url + "/no-jwks": "has no jwks_uri", end.url + "/missing": "answered HTTP 404",
                end.url + "/file-jwks": "only http: and https: URLs are fetched",
                end.url + "/huge": f"returned more than {MAX_BYTES} bytes"}
    for issuer, message in expected.items():
        page = post_debugger(http, token=TOKEN, issuer=issuer)
        assert page.status_code == 200, (issuer, page.status_code)
        assert message in page.text and 'data-testid="debugger-error"' in page.text, issuer
    assert not any(hit.startswith("/etc") for hit in end.hits)
    other_scheme = post_debugger(http, token=TOKEN, issuer="file:///etc/passwd")
    assert other_scheme.status_code == 200 and "no http(s) issuer" in other_scheme.text


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_a_post_from_another_site_or_without_the_pages_token_fetches_nothing(http, server, far_end):
    end = far_end({})
    token = csrf_pair(http)
    for headers, data in [
        ({"Origin": "http://127.0.0.1:1"}, {"csrf_token": token}),  # another port: another origin
        ({"Origin": "null"}, {"csrf_token": token}),  # a sandboxed or file: page
        ({"Sec-Fetch-Site": "cross-site"}, {"csrf_token": token}),
        ({"Sec-Fetch-Site": "same-site"}, {"csrf_token": token}),
        ({}, {}),  # no token: a form on another page cannot know it
        ({}, {"csrf_token": "guessed"}),
    ]:
        page = http.post("/_ui/debugger", headers=headers, data={**data, "token": TOKEN, "issuer": end.url})
        assert page.status_code == 403, headers
        assert "not sent from this page" in page.text
    assert end.hits == []
    own = http.post("/_ui/debugger", headers={"Origin": server.base_url, "Sec-Fetch-Site": "same-origin"},
                    data={"csrf_token": token, "token": TOKEN, "issuer": end.url})
    assert own.status_code == 200 and end.hits == ["/.well-known/openid-configuration"]


def test_a_page_on_another_port_cannot_make_a_browser_post_the_debugger(chromium, server, far_end):  # noqa: F811
    target = far_end({})
    # The victim opened the debugger (its cookie is set); the attacker's page, on another loopback
    # port (same site, another origin), even knows the form's token and posts the form on load.
    context = chromium.new_context()
    page = context.new_page()
    page.goto(server.base_url + "/_ui/debugger")
    token = page.locator('input[name="csrf_token"]').get_attribute("value")
    attack = far_end({"/": (200, f"""<form method="post" action="{server.base_url}/_ui/debugger">
        <input name="csrf_token" value="{token}"><input name="token" value="{TOKEN}">
        <input name="issuer" value="{target.url}"></form><script>document.forms[0].submit()</script>""".encode(),
                             0, "text/html")})
    with page.expect_response(server.base_url + "/_ui/debugger") as answer:
        page.goto(attack.url + "/")
    assert answer.value.status == 403
    assert "not sent from this page" in page.content()
    assert target.hits == []
    # The same form on the debugger page itself works.
    page.goto(server.base_url + "/_ui/debugger")
    page.get_by_test_id("debugger-token").fill(TOKEN)
    page.get_by_test_id("debugger-issuer").fill(target.url)
    page.get_by_test_id("debugger-submit").click()
    page.get_by_test_id("debugger-error").wait_for()
    assert target.hits == ["/.well-known/openid-configuration"]
    context.close()
