"""Cognito's user-pool API as merged with its account operations (password reset, attribute
changes, DeleteUser...) and its second address, the server's root (AWS's regional endpoint),
attacked in a real headless Chromium: from a page on another loopback port (form posts, no-cors
fetches and preflighted ones) and from a page at a name re-pointed at 127.0.0.1 (DNS rebinding),
which signs in with a seed's public password first. docs/robustness.md, "Route by route"."""

import html
import json

import httpx
import pytest

from conftest import SEEDS, start_server

from .chromium import launched

AMZ = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"
PATHS = ("/cognito", "/")  # the pool's own URL and the regional endpoint
SIGN_IN = {"ClientId": "pool-app", "AuthFlow": "USER_PASSWORD_AUTH",
           "AuthParameters": {"USERNAME": "alice", "PASSWORD": "alice-password"}}


def writes(token: str) -> dict[str, dict]:
    """Every unsigned operation that writes the directory, as a page would call it with alice's token."""
    return {
        "SignUp": {"ClientId": "pool-app", "Username": "mallory", "Password": "Mallory-pw-1"},
        "ForgotPassword": {"ClientId": "pool-app", "Username": "alice"},
        "ConfirmForgotPassword": {"ClientId": "pool-app", "Username": "alice", "ConfirmationCode": "123456",
                                  "Password": "Owned-pw-1"},
        "ResendConfirmationCode": {"ClientId": "pool-app", "Username": "alice"},
        "ChangePassword": {"AccessToken": token, "PreviousPassword": "alice-password", "ProposedPassword": "Owned-pw-1"},
        "UpdateUserAttributes": {"AccessToken": token, "UserAttributes": [{"Name": "email", "Value": "m@evil.example"}]},
        "DeleteUserAttributes": {"AccessToken": token, "UserAttributeNames": ["name"]},
        "GetUserAttributeVerificationCode": {"AccessToken": token, "AttributeName": "email"},
        "VerifyUserAttribute": {"AccessToken": token, "AttributeName": "email", "Code": "123456"},
        "DeleteUser": {"AccessToken": token},
        "GlobalSignOut": {"AccessToken": token},
    }


@pytest.fixture(scope="module")
def chromium():
    yield from launched("--host-resolver-rules=MAP evil.example 127.0.0.1")


@pytest.fixture
def server(tmp_path):
    running = start_server(SEEDS / "management.yaml", tmp_path)
    yield running
    running.stop()


def cognito(server, operation: str, body: dict, path: str = "/cognito") -> httpx.Response:
    return httpx.post(server.base_url + path, content=json.dumps(body),
                      headers={"X-Amz-Target": AMZ + operation, "Content-Type": AMZ_JSON})


def alice_unchanged(server, token: str) -> None:
    """alice signs in with her seed password, her token still works, her attributes are the seed's."""
    assert cognito(server, "InitiateAuth", SIGN_IN).status_code == 200
    user = cognito(server, "GetUser", {"AccessToken": token})
    assert user.status_code == 200, user.text
    attributes = {a["Name"]: a["Value"] for a in user.json()["UserAttributes"]}
    assert attributes["email"] == "alice@example.com" and attributes["name"] == "Alice Admin"
    assert cognito(server, "ConfirmSignUp", {"ClientId": "pool-app", "Username": "mallory",
                                             "ConfirmationCode": "1"}).json()["__type"] == "UserNotFoundException"


def test_a_page_on_another_port_changes_no_account_by_form_no_cors_or_preflighted_requests(page, server, attacker):
    token = cognito(server, "InitiateAuth", SIGN_IN).json()["AuthenticationResult"]["AccessToken"]
    calls = writes(token)
    # A text/plain form: its body reads as JSON ('{"...":"...=' + '"}'), but a form sets no X-Amz-Target.
    forms = []
    for n, path in enumerate(PATHS):
        body = json.dumps(calls["SignUp"])[:-1] + ', "x": "'
        forms.append(f'<form id="f{n}" method="post" enctype="text/plain" target="sink" action="{server.base_url}{path}">'
                     f'<input name="{html.escape(body)}" value="&quot;}}"></form>')
    attacker.pages["/prize"] = '<!doctype html><title>win</title><iframe name="sink"></iframe>' + "".join(forms)
    page.goto(attacker.base_url + "/prize")
    for n, path in enumerate(PATHS):
        with page.expect_response(lambda r, path=path: r.url == server.base_url + path) as posted:
            page.evaluate(f"document.getElementById('f{n}').submit()")
        assert posted.value.status == 400
    outcomes = page.evaluate("""async ([base, paths, calls, amz, amzJson]) => {
        const out = [];
        for (const path of paths) for (const [operation, body] of Object.entries(calls)) {
          // no-cors: the browser drops X-Amz-Target (not CORS-safelisted) and sends text/plain.
          await fetch(base + path, {method: 'POST', mode: 'no-cors', body: JSON.stringify(body),
                                    headers: {'X-Amz-Target': amz + operation, 'Content-Type': 'text/plain'}});
          // A preflighted call: the preflight must be refused, so the POST is never sent.
          try {
            const r = await fetch(base + path, {method: 'POST', body: JSON.stringify(body),
                                                headers: {'X-Amz-Target': amz + operation, 'Content-Type': amzJson}});
            out.push([path, operation, r.status]);
          } catch (e) { /* refused: a TypeError, as it should */ }
        }
        return out;
    }""", [server.base_url, list(PATHS), calls, AMZ, AMZ_JSON])
    assert outcomes == []
    alice_unchanged(server, token)


def test_a_rebound_page_that_signed_in_cannot_change_reset_or_delete_the_account(page, server):
    page.goto("http://evil.example:" + server.base_url.rsplit(":", 1)[1] + "/healthz")
    answers = page.evaluate("""async ([paths, signIn, amz, amzJson]) => {
        const call = (path, operation, body) => fetch(path, {method: 'POST', body: JSON.stringify(body),
            headers: {'X-Amz-Target': amz + operation, 'Content-Type': amzJson}});
        // Signing in with a password is a public sign-in API (as the token endpoint): answered.
        const signedIn = await (await call('/cognito', 'InitiateAuth', signIn)).json();
        const token = signedIn.AuthenticationResult.AccessToken;
        const calls = {
          SignUp: {ClientId: 'pool-app', Username: 'mallory', Password: 'Mallory-pw-1'},
          ForgotPassword: {ClientId: 'pool-app', Username: 'alice'},
          ConfirmForgotPassword: {ClientId: 'pool-app', Username: 'alice', ConfirmationCode: '123456',
                                  Password: 'Owned-pw-1'},
          ResendConfirmationCode: {ClientId: 'pool-app', Username: 'alice'},
          ChangePassword: {AccessToken: token, PreviousPassword: 'alice-password', ProposedPassword: 'Owned-pw-1'},
          UpdateUserAttributes: {AccessToken: token, UserAttributes: [{Name: 'email', Value: 'm@evil.example'}]},
          DeleteUserAttributes: {AccessToken: token, UserAttributeNames: ['name']},
          GetUserAttributeVerificationCode: {AccessToken: token, AttributeName: 'email'},
          VerifyUserAttribute: {AccessToken: token, AttributeName: 'email', Code: '123456'},
          DeleteUser: {AccessToken: token},
          GlobalSignOut: {AccessToken: token},  // would end the developer's own app's sessions too
          AdminResetUserPassword: {UserPoolId: 'us-east-1_x', Username: 'alice'},
          AdminUserGlobalSignOut: {UserPoolId: 'us-east-1_x', Username: 'alice'},
        };
        const out = {token};
        for (const path of paths) for (const [operation, body] of Object.entries(calls)) {
          const r = await call(path, operation, body);
          out[path + ' ' + operation] = [r.status, await r.text()];
        }
        return out;
    }""", [list(PATHS), SIGN_IN, AMZ, AMZ_JSON])
    token = answers.pop("token")
    for name, (status, body) in answers.items():
        assert status == 421, (name, status, body[:200])
        assert json.loads(body)["error"] == "misdirected_request"
    alice_unchanged(server, token)
