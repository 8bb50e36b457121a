"""The hosted sign-in's "change your password" step (Okta's expired password, Cognito's temporary
one) and Cognito's NEW_PASSWORD_REQUIRED challenge, attacked in a real headless Chromium: from a
page at a name re-pointed at 127.0.0.1 (DNS rebinding), whose script is same-origin with the login
form and knows the seed's public passwords, and from a page on another loopback port (a form post).
docs/robustness.md, "Route by route"."""

import html
import json
from urllib.parse import urlsplit

import httpx
import pytest
from conftest import Browser
from expired_password_support import NEW, OLD, authn, authorize_url, expired_password_server, form_fields, post_step

from .chromium import launched

TEMPORARY = "Temp-pass1!"  # tom's, the Cognito user with a temporary password
AMZ = "AWSCognitoIdentityProviderService."
# The rebound page's script: the authorization request's login form, filled with a seed's password,
# then the change step's form if one is offered, each posted to the page's own origin (the rebound name).
SIGN_IN_AND_CHANGE = """async ([authorizePath, username, password, newPassword]) => {
    const form = (text, id) => {
      const found = new DOMParser().parseFromString(text, 'text/html').getElementById(id);
      if (!found) return null;
      const data = new URLSearchParams();
      for (const input of found.querySelectorAll('input[type=hidden]')) data.append(input.name, input.value);
      return [new URL(found.getAttribute('action')).pathname, data];
    };
    const [action, data] = form(await (await fetch(authorizePath)).text(), 'login-form');
    data.append('username', username); data.append('password', password);
    const signIn = await fetch(action, {method: 'POST', body: data, redirect: 'manual'});
    const text = await signIn.text();
    const out = {signIn: signIn.status, text: text.slice(0, 3000)};
    const step = form(text, 'password-change-form');
    if (step) {
      step[1].append('new_password', newPassword); step[1].append('confirm_password', newPassword);
      const done = await fetch(step[0], {method: 'POST', body: step[1], redirect: 'manual'});
      out.change = done.type === 'opaqueredirect' ? 'redirected to the app' : done.status;
    }
    return out;
}"""


@pytest.fixture(scope="module")
def chromium():
    yield from launched("--host-resolver-rules=MAP evil.example 127.0.0.1")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server: each test signs in as users of its own (tom's refusals leave him as he was)."""
    running = expired_password_server(tmp_path_factory.mktemp("password-change-cross-origin"))
    yield running
    running.stop()


def rebound(server) -> str:
    return "http://evil.example:" + server.base_url.rsplit(":", 1)[1]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


def cognito(server, operation: str, body: dict, host: str | None = None) -> httpx.Response:
    headers = {"X-Amz-Target": AMZ + operation, "Content-Type": "application/x-amz-json-1.1"}
    return httpx.post(server.tenant_url("/cognito"), content=json.dumps(body),
                      headers=headers | ({"Host": host} if host else {}))


def secret_hash(username: str) -> str:
    import base64
    import hashlib
    import hmac
    key = b"pool-web-secret-0123456789abcdef"
    return base64.b64encode(hmac.new(key, (username + "pool-web").encode(), hashlib.sha256).digest()).decode()


def tom_still_temporary(server) -> None:
    started = cognito(server, "InitiateAuth", {"ClientId": "pool-web", "AuthFlow": "USER_PASSWORD_AUTH",
                                               "AuthParameters": {"USERNAME": "tom", "PASSWORD": TEMPORARY,
                                                                  "SECRET_HASH": secret_hash("tom")}})
    assert started.json().get("ChallengeName") == "NEW_PASSWORD_REQUIRED", started.text


@pytest.mark.parametrize("persona, client_id, username, password", [
    ("okta", "okta-web", "pat@example.com", OLD), ("cognito", "pool-web", "tom", TEMPORARY)])
def test_a_rebound_page_that_knows_the_seed_password_cannot_set_a_new_one(page, server, persona, client_id,
                                                                        username, password):
    page.goto(rebound(server) + "/healthz")
    answer = page.evaluate(SIGN_IN_AND_CHANGE, [path_of(authorize_url(server, persona, client_id)), username,
                                                password, "Owned-by-evil-9!"])
    # Refused where the step would begin: no form, so nothing to complete (before: 200, the step,
    # then 'redirected to the app' and the password was the attacker's).
    assert answer["signIn"] == 421, answer
    assert "change" not in answer and "only at its own address" in html.unescape(answer["text"])
    if persona == "okta":
        assert authn(server, username, OLD).json()["status"] == "PASSWORD_EXPIRED"
        assert authn(server, username, "Owned-by-evil-9!").status_code == 401
    else:
        tom_still_temporary(server)
    # At the server's own address the same user still gets the step (the developer's own browser).
    assert 'id="password-change-form"' in Browser().authorize(authorize_url(server, persona, client_id),
                                                              username, password).text


def test_a_change_step_posted_under_a_rebound_host_changes_nothing(server):
    """The step's completion is refused there too, whoever began it (defence in depth: a rebound page
    cannot begin one, as above)."""
    browser = Browser()
    step = browser.authorize(authorize_url(server), "quinn@example.com", OLD)
    action, fields = form_fields(step, "password-change-form")
    body = [*fields, ("new_password", NEW), ("confirm_password", NEW)]
    refused = browser.http.post(action, data=dict(body), headers={"Host": rebound(server).removeprefix("http://")})
    assert refused.status_code == 421 and "location" not in refused.headers
    assert authn(server, "quinn@example.com", OLD).json()["status"] == "PASSWORD_EXPIRED"
    # The same form at our own name goes on.
    assert post_step(browser, step, NEW, NEW).status_code in (302, 303)


@pytest.mark.parametrize("page_kind", ["device activation", "SAML sign-in"])
def test_the_device_and_saml_sign_in_pages_offer_no_change_step_at_a_rebound_name(server, page_kind):
    """The same form reader (form_sign_in), the same refusal; over HTTP with the rebound Host (what a
    rebound page's fetch sends, as in the Chromium test above)."""
    browser = Browser()
    browser.http.headers["Host"] = rebound(server).removeprefix("http://")
    if page_kind == "device activation":
        device = httpx.post(server.tenant_url("/okta/oauth2/default") + "/v1/device/authorize",
                            data={"client_id": "okta-tv", "scope": "openid"}).json()
        username, launch = "vic@example.com", browser.get(device["verification_uri_complete"])
    else:
        username = "wes@example.com"
        launch = browser.get(server.tenant_url("/okta/app/expiredapp/exk1expired/sso/saml?RelayState=%2Fhome"))
    refused = browser.login(launch, username, OLD)
    assert refused.status_code == 421 and 'id="password-change-form"' not in refused.text
    assert "only at its own address" in html.unescape(refused.text)
    assert authn(server, username, OLD).json()["status"] == "PASSWORD_EXPIRED"


def test_a_rebound_page_cannot_answer_cognitos_new_password_challenge(page, server):
    page.goto(rebound(server) + "/healthz")
    answers = page.evaluate("""async ([amz, start, secretHash]) => {
        const call = (operation, body) => fetch('/cognito', {method: 'POST', body: JSON.stringify(body),
            headers: {'X-Amz-Target': amz + operation, 'Content-Type': 'application/x-amz-json-1.1'}});
        // InitiateAuth is a public sign-in API, answered at any name: the challenge and its Session.
        const started = await (await call('InitiateAuth', start)).json();
        const r = await call('RespondToAuthChallenge', {ClientId: 'pool-web', ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: started.Session, ChallengeResponses: {USERNAME: 'tom', NEW_PASSWORD: 'Owned-by-evil-9!',
                                                           SECRET_HASH: secretHash}});
        return [started.ChallengeName, r.status, await r.text()];
    }""", [AMZ, {"ClientId": "pool-web", "AuthFlow": "USER_PASSWORD_AUTH",
                 "AuthParameters": {"USERNAME": "tom", "PASSWORD": TEMPORARY, "SECRET_HASH": secret_hash("tom")}},
           secret_hash("tom")])
    # Before: 200 with tokens, and tom's password was the attacker's.
    assert answers[:2] == ["NEW_PASSWORD_REQUIRED", 421], answers
    assert json.loads(answers[2])["error"] == "misdirected_request"
    tom_still_temporary(server)


def test_a_page_on_another_port_cannot_post_a_change_step_it_fetched_for_itself(page, server, attacker):
    """Login CSRF through the step: the attacker's own step form (its cookie, its transaction)
    auto-posted from its page in the victim's browser is refused as any foreign sign-in is."""
    step = Browser().authorize(authorize_url(server), "rae@example.com", OLD)
    action, fields = form_fields(step, "password-change-form")
    inputs = "".join(f'<input type="hidden" name="{html.escape(n)}" value="{html.escape(v)}">'
                     for n, v in [*fields, ("new_password", NEW), ("confirm_password", NEW)])
    attacker.pages["/step"] = (f'<!doctype html><title>win</title><form id="f" method="post" action="{action}">'
                               f'{inputs}</form>')
    page.goto(attacker.base_url + "/step")
    with page.expect_response(lambda r: r.url == action) as posted:
        page.evaluate("document.getElementById('f').submit()")
    assert posted.value.status == 403 and "Nobody was signed in" in posted.value.text()
    assert authn(server, "rae@example.com", OLD).json()["status"] == "PASSWORD_EXPIRED"


def test_the_change_step_is_never_framed(server):
    step = Browser().authorize(authorize_url(server), "uma@example.com", OLD)
    assert 'id="password-change-form"' in step.text
    assert step.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in step.headers["content-security-policy"]
    assert "no-store" in step.headers["cache-control"]
