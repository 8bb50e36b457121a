"""The personas' own APIs and pages, attacked in a real headless Chromium as issue 18 attacked the
admin API: from a page at a name re-pointed at 127.0.0.1 (DNS rebinding: same-origin for the
browser, so its script sends any header and reads every answer), and from a page on another
loopback port (simple cross-origin requests and form posts). docs/robustness.md, "Route by route",
says what each route allows and why.

evil.example is mapped to 127.0.0.1 by --host-resolver-rules; the attacker's own pages are served
on another port, and it records what reaches it (the debugger's server-side fetch)."""

import base64
import html
import json

import httpx
import pytest

from conftest import SEEDS, start_server

from .chromium import launched

AMZ = "AWSCognitoIdentityProviderService."
FAKE_SIGV4 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, " \
             "SignedHeaders=host;x-amz-target, Signature=00"
OKTA_TOKEN = "00-test-api-token-for-the-management-api"  # the seed's: an attacker may know a seed
TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.{}.c2ln"  # any JWT: the debugger fetches its iss


@pytest.fixture(scope="module")
def chromium():
    yield from launched("--host-resolver-rules=MAP evil.example 127.0.0.1")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("vendor-apis"))
    yield running
    running.stop()


def rebound(page, server) -> None:
    """Open a page at evil.example on the server's port: the browser now takes us for evil.example."""
    page.goto("http://evil.example:" + server.base_url.rsplit(":", 1)[1] + "/healthz")


def cognito(server, operation: str, body: dict) -> httpx.Response:
    """The pool's API as boto3 calls it from this machine (signed; the signature is not checked)."""
    return httpx.post(server.base_url + "/cognito", json=body, headers={
        "X-Amz-Target": AMZ + operation, "Authorization": FAKE_SIGV4, "Content-Type": "application/x-amz-json-1.1"})


def cognito_users(server) -> set[str]:
    return {user["Username"] for user in cognito(server, "ListUsers", {"UserPoolId": "us-east-1_x"}).json()["Users"]}


def test_a_rebound_page_cannot_call_the_management_apis_nor_sign_up_nor_get_a_session_token(page, server):
    rebound(page, server)
    answers = page.evaluate("""async ([amz, sigv4, oktaToken]) => {
        const cognito = (operation, body) => fetch('/cognito', {method: 'POST', body: JSON.stringify(body),
            headers: {'X-Amz-Target': amz + operation, 'Authorization': sigv4,
                      'Content-Type': 'application/x-amz-json-1.1'}});
        const answers = {
          cognitoList: await cognito('ListUsers', {UserPoolId: 'us-east-1_x'}),
          cognitoCreate: await cognito('AdminCreateUser', {UserPoolId: 'us-east-1_x', Username: 'mallory',
                                                           TemporaryPassword: 'Mallory-pw-1'}),
          cognitoPassword: await cognito('AdminSetUserPassword', {UserPoolId: 'us-east-1_x', Username: 'alice',
                                                                  Password: 'Owned-pw-1', Permanent: true}),
          // Sign-up needs no credentials (AWS, Auth0 answer anyone), but it writes the directory.
          cognitoSignUp: await cognito('SignUp', {ClientId: 'pool-app', Username: 'mallory-signup',
                                                  Password: 'Mallory-pw-1'}),
          auth0SignUp: await fetch('/auth0/dbconnections/signup', {method: 'POST',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({client_id: 'app', email: 'mallory@evil.example', password: 'Mallory-pw-1',
                                    connection: 'Username-Password-Authentication'})}),
          // Okta's sessionToken signs a browser in by a GET of /authorize: a rebound page with a
          // seed's password would get one and sign the victim's browser in at our real address.
          oktaAuthn: await fetch('/okta/api/v1/authn', {method: 'POST', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({username: 'alice@example.com', password: 'alice-password'})}),
          oktaList: await fetch('/okta/api/v1/users', {headers: {'Authorization': 'SSWS ' + oktaToken}}),
          oktaCreate: await fetch('/okta/api/v1/users?activate=true', {method: 'POST',
              headers: {'Authorization': 'SSWS ' + oktaToken, 'Content-Type': 'application/json'},
              body: JSON.stringify({profile: {login: 'mallory@evil.example', email: 'mallory@evil.example'},
                                    credentials: {password: {value: 'Mallory-pw-1'}}})}),
        };
        // Auth0: the seed's client secret buys a Management API token (the token endpoint serves
        // any caller, as Auth0's does); the Management API itself is what must not answer here.
        const minted = await (await fetch('/auth0/oauth/token', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({grant_type: 'client_credentials', client_id: 'backend', client_secret: 'backend-secret',
                                  audience: location.origin + '/auth0/api/v2/'})})).json();
        const bearer = {'Authorization': 'Bearer ' + minted.access_token};
        answers.auth0List = await fetch('/auth0/api/v2/users', {headers: bearer});
        answers.auth0Create = await fetch('/auth0/api/v2/users', {method: 'POST',
            headers: {...bearer, 'Content-Type': 'application/json'},
            body: JSON.stringify({connection: 'Username-Password-Authentication', email: 'mallory@evil.example',
                                  password: 'Mallory-pw-1'})});
        const out = {};
        for (const [name, r] of Object.entries(answers)) out[name] = [r.status, await r.text()];
        return out;
    }""", [AMZ, FAKE_SIGV4, OKTA_TOKEN])
    for name, (status, body) in answers.items():
        assert status == 421, (name, status, body[:200])
        assert json.loads(body)["error"] == "misdirected_request"
        assert "alice" not in body
    assert not [name for name in cognito_users(server) if "mallory" in name]
    assert cognito(server, "AdminInitiateAuth", {
        "UserPoolId": "us-east-1_x", "ClientId": "pool-app", "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "alice", "PASSWORD": "alice-password"}}).status_code == 200  # unchanged
    okta = httpx.get(server.base_url + "/okta/api/v1/users", headers={"Authorization": "SSWS " + OKTA_TOKEN})
    assert okta.status_code == 200 and "mallory@evil.example" not in okta.text  # ours is answered


def test_a_rebound_page_sees_no_password_and_cannot_use_the_debugger(page, server, attacker):
    rebound(page, server)
    authorize = "/okta/oauth2/default/v1/authorize?client_id=okta-web&response_type=code&scope=openid&state=s" \
                "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
    pages = page.evaluate("""async (paths) => {
        const out = {};
        for (const path of paths) {
          const r = await fetch(path, {redirect: 'manual'});
          out[path] = [r.status, await r.text()];
        }
        return out;
    }""", ["/", "/cognito/_ui", "/okta/_ui", authorize])
    for path, (status, body) in pages.items():
        assert status == 200 and "alice-password" not in body and "bob-password" not in body, (path, status)
    # The debugger: its form and CSRF cookie are the rebound page's own; its POST must still fetch nothing.
    issuer = attacker.base_url + "/internal"
    claims = json.dumps({"iss": issuer}).encode()
    token = TOKEN.format(base64.urlsafe_b64encode(claims).rstrip(b"=").decode())
    posted = page.evaluate("""async ([token]) => {
        const form = await (await fetch('/_ui/debugger')).text();
        const csrf = new DOMParser().parseFromString(form, 'text/html').querySelector('[name=csrf_token]');
        const body = new URLSearchParams({token, csrf_token: csrf ? csrf.value : ''});
        const r = await fetch('/_ui/debugger', {method: 'POST', body});
        return [r.status, await r.text()];
    }""", [token])
    assert posted[0] in (403, 421)
    assert not [path for path in attacker.asked if path.startswith("/internal")], attacker.asked


def test_a_page_on_another_port_cannot_sign_users_up_at_auth0(page, server, attacker):
    signup = server.base_url + "/auth0/dbconnections/signup"
    fields = {"client_id": "app", "email": "mallory-form@evil.example", "password": "Mallory-pw-1",
              "connection": "Username-Password-Authentication"}
    attacker.pages["/signup"] = f"""<!doctype html><title>win a prize</title><iframe name="sink"></iframe>
<form id="signup" method="post" target="sink" action="{signup}">
  {''.join(f'<input name="{k}" value="{html.escape(v)}">' for k, v in fields.items())}</form>"""
    page.goto(attacker.base_url + "/signup")
    page.evaluate("""async ([signup, body]) => {
        await fetch(signup, {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body});
    }""", [signup, json.dumps({**fields, "email": "mallory-text@evil.example"})])
    with page.expect_response(lambda r: r.url == signup) as posted:
        page.evaluate("document.getElementById('signup').submit()")
    assert posted.value.status == 403
    token = httpx.post(server.base_url + "/auth0/oauth/token", data={
        "grant_type": "client_credentials", "client_id": "backend", "client_secret": "backend-secret",
        "audience": server.base_url + "/auth0/api/v2/"}).json()["access_token"]
    users = httpx.get(server.base_url + "/auth0/api/v2/users", headers={"Authorization": f"Bearer {token}"}).text
    assert "mallory" not in users
    # An origin the tenant allows (its clients' redirect URIs, or cors_origins) still signs users up.
    allowed = httpx.post(signup, json={**fields, "email": "carol@example.com"},
                         headers={"Origin": "https://app.example.com"})
    assert allowed.status_code == 200, allowed.text
