"""Cognito's SRP sign-in (USER_SRP_AUTH: each start costs the server three 3072-bit modular powers)
driven by a page on another loopback port in a real headless Chromium: form posts, `no-cors`
fetches and preflighted fetches, at the pool's URL and the server's root. None gets a challenge
computed: a form or a no-cors fetch carries no X-Amz-Target and a text/plain body (refused before
the body is read), and the preflight of the real call is refused to an origin the pool does not
allow. The flood from an origin that may call it: tests/personas/cognito/test_srp_load.py.

The answers are seen where they leave the server (an observer around the real app): the browser
keeps no body or header of a no-cors answer, for Playwright either."""

import html
import json

import httpx
import pytest
from conftest import SEEDS, free_port, serve_asgi

from mock_idp.app import create_app
from mock_idp.config.settings import Settings

from .chromium import launched

AMZ = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"
PATHS = ("/cognito", "/")
START = {"ClientId": "pool-app", "AuthFlow": "USER_SRP_AUTH",
         "AuthParameters": {"USERNAME": "alice", "SRP_A": format(2 ** 1000 + 12345, "x")}}


@pytest.fixture(scope="module")
def chromium():
    yield from launched()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app, and `answers`: (path, status, AWS error type) of each POST it answered."""
    settings = Settings(config=SEEDS / "management.yaml", port=free_port(),
                        data_dir=tmp_path_factory.mktemp("srp-cross-origin"))
    app, answers = create_app(settings), []

    async def observed(scope, receive, send):
        async def sending(message):
            if message["type"] == "http.response.start" and scope.get("method") == "POST":
                error = dict(message.get("headers", [])).get(b"x-amzn-errortype", b"").decode()
                answers.append((scope["path"], message["status"], error))
            await send(message)
        await app(scope, receive, sending)

    running = serve_asgi(observed, settings.port, base_url=settings.local_url)
    running.answers = answers
    yield running
    running.stop()


def test_a_page_on_another_port_gets_no_srp_challenge_computed(page, server, attacker):
    body = json.dumps(START)
    # <form enctype=text/plain> sends name=value: a name ending in a JSON string makes a JSON body.
    forms = "".join(f'<form id="f{n}" method="post" enctype="text/plain" target="sink" '
                    f'action="{server.base_url}{path}">'
                    f'<input name="{html.escape(body[:-1])}, &quot;x&quot;: &quot;" value="&quot;}}"></form>'
                    for n, path in enumerate(PATHS))
    attacker.pages["/srp"] = f'<!doctype html><title>win</title><iframe name="sink"></iframe>{forms}'
    server.answers.clear()
    page.goto(attacker.base_url + "/srp")
    for n, path in enumerate(PATHS):
        with page.expect_response(lambda r, path=path: r.url == server.base_url + path):
            page.evaluate(f"document.getElementById('f{n}').submit()")
    read = page.evaluate("""async ([base, paths, body, target, amzJson]) => {
        const read = [];
        for (const path of paths) {
          // no-cors: X-Amz-Target is dropped (not CORS-safelisted), the body goes as text/plain.
          await Promise.all(Array.from({length: 10}, () => fetch(base + path, {method: 'POST', mode: 'no-cors',
              body, headers: {'X-Amz-Target': target, 'Content-Type': 'text/plain'}})));
          try {  // the call as an SDK makes it: its preflight is refused, the POST never sent
            const r = await fetch(base + path, {method: 'POST', body,
                                                headers: {'X-Amz-Target': target, 'Content-Type': amzJson}});
            read.push([path, r.status]);
          } catch (e) { /* refused */ }
        }
        return read;
    }""", [server.base_url, list(PATHS), body, AMZ + "InitiateAuth", AMZ_JSON])

    assert read == []
    # The forms and the no-cors fetches reached the server, and were refused before any challenge.
    assert sorted(server.answers) == sorted([(path, 400, "UnknownOperationException") for path in PATHS] * 11)
    # The same start from an SDK (no browser) is answered its challenge.
    sdk = httpx.post(server.tenant_url("/cognito"), content=body,
                     headers={"X-Amz-Target": AMZ + "InitiateAuth", "Content-Type": AMZ_JSON})
    assert sdk.json()["ChallengeName"] == "PASSWORD_VERIFIER"
