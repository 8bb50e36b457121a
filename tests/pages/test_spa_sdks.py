"""The vendors' browser SDKs in a real headless Chromium against mock_idp over TLS: a single-page
app at another origin signs in through mock_idp's login page, then gets tokens silently, as the
app would in production (tests/pages/spa/; the server side: tests/test_web_message.py).

- auth0-spa-js: loginWithRedirect + handleRedirectCallback, getTokenSilently through the hidden
  iframe (response_mode=web_message) and with refresh tokens, checkSession on load, logout.
- okta-auth-js: signInWithRedirect + parseFromUrl, token.getWithoutPrompt (okta_post_message).
- msal-browser 5: loginRedirect + handleRedirectPromise (through its redirect bridge page),
  acquireTokenSilent with the refresh token from the browser (CORS), ssoSilent (a hidden iframe).
Without the post-message page each silent call waits for the SDK's timeout (60 s / 120 s)."""

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from .chromium import checked_page, launched
from .spa_support import ENTRA_API, ENTRA_CLIENT, ENTRA_TENANT, start

SILENT_SECONDS = 5  # a silent renew against a local server takes well under 1 s; the SDKs time out at 60-120 s


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    running = start(tmp_path_factory.mktemp("spa"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium(setup):
    yield from launched(f"--ignore-certificate-errors-spki-list={setup.spki}")


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    yield from checked_page(context)


def ready(page) -> None:
    page.wait_for_selector("body[data-ready], body[data-error]", state="attached")
    assert page.evaluate("document.body.dataset.error") is None, page.evaluate("document.body.dataset.error")


def sign_in(setup, page, app_page: str, start_login: str, username: str = "alice") -> None:
    """Open the app, then the SDK's redirect to mock_idp's login page, the user's one-click button,
    and back on the app's page, its script done."""
    page.goto(f"{setup.spa_url}/{app_page}")
    ready(page)
    page.evaluate(f"() => {{ {start_login}; }}")  # not awaited: the page navigates away
    page.get_by_test_id(f"login-user-{username}").click()
    page.wait_for_url(f"{setup.spa_url}/{app_page}")
    ready(page)


def leave_and_come_back(page, action: str) -> None:
    """Run `action`, which leaves the app's page for mock_idp and comes back to the same URL, and
    wait for the new document's script (not the old one's, at the same URL)."""
    page.evaluate("document.body.dataset.left = 'true'")
    page.evaluate(f"() => {{ {action}; }}")
    page.wait_for_selector("body[data-ready]:not([data-left]), body[data-error]:not([data-left])", state="attached")
    assert page.evaluate("document.body.dataset.error") is None, page.evaluate("document.body.dataset.error")


def silent_failure(page, call: str, code: str) -> dict:
    """The error a silent call fails with (its `code` field) and how long it took to fail."""
    return page.evaluate(f"""async () => {{
      const started = performance.now();
      try {{ await {call}; return {{error: null}}; }}
      catch (error) {{ return {{error: error.{code}, seconds: (performance.now() - started) / 1000}}; }}
    }}""")


def watch(page) -> list[tuple[str, str]]:
    """(url, body) of every request the page and its frames make from now on."""
    requests = []
    page.on("request", lambda request: requests.append((request.url, request.post_data or "")))
    return requests


def claims(setup, vendor: str, issuer: str, token: str, jwks_path: str) -> dict:
    """The token's claims, its signature checked with the vendor's JWKS (at the server's `jwks_path`)."""
    jwks = httpx.get(setup.urls[vendor] + jwks_path, verify=setup.idps[vendor].verify).json()
    keys = KeySet.import_key_set(jwks)
    decoded = jwt.decode(token, keys).claims
    assert decoded["iss"] == issuer
    return decoded


SILENT_AUTH0 = """async () => {
  const started = performance.now();
  const answer = await app.getTokenSilently({cacheMode: "off", detailedResponse: true});
  return {...answer, seconds: (performance.now() - started) / 1000};
}"""


def test_auth0_spa_js_gets_a_token_silently_through_the_web_message_iframe(setup, page):
    sign_in(setup, page, "auth0.html", "app.loginWithRedirect()")
    assert page.evaluate("app.isAuthenticated()") is True
    requests = watch(page)
    silent = page.evaluate(SILENT_AUTH0)
    assert silent["seconds"] < SILENT_SECONDS
    # The SDK framed /authorize silently and redeemed the code the page posted it.
    framed = [url for url, _ in requests if url.startswith(f"{setup.urls['auth0']}/authorize?")]
    assert len(framed) == 1 and "response_mode=web_message" in framed[0] and "prompt=none" in framed[0]
    assert [body for url, body in requests if url == f"{setup.urls['auth0']}/oauth/token"
            and "grant_type=authorization_code" in body]
    issuer = setup.urls["auth0"] + "/"
    access = claims(setup, "auth0", issuer, silent["access_token"], "/.well-known/jwks.json")
    assert access["aud"][0] == "https://customers.example.com" and access["azp"] == "spa"
    assert "read:customers" in access["scope"].split()
    identity = claims(setup, "auth0", issuer, silent["id_token"], "/.well-known/jwks.json")
    assert identity["aud"] == "spa" and identity["email"] == "alice@example.com"
    assert identity["sub"] == access["sub"]
    user = page.evaluate("app.getUser()")
    assert user["email"] == "alice@example.com"


def test_auth0_spa_js_check_session_on_load_then_logout_makes_silent_calls_fail_with_login_required(setup, page):
    sign_in(setup, page, "auth0.html", "app.loginWithRedirect()")
    # A new load: the in-memory cache is empty; createAuth0Client's checkSession signs the app in
    # through the iframe before the page's code runs.
    requests = watch(page)
    page.goto(f"{setup.spa_url}/auth0.html")
    ready(page)
    assert page.evaluate("app.isAuthenticated()") is True
    assert [url for url, _ in requests if url.startswith(f"{setup.urls['auth0']}/authorize?")
            and "response_mode=web_message" in url]

    leave_and_come_back(page, "app.logout({logoutParams: {returnTo: location.origin + '/auth0.html'}})")
    failure = silent_failure(page, 'app.getTokenSilently({cacheMode: "off"})', "error")
    assert failure["error"] == "login_required"  # told in the message, not a timeout
    assert failure["seconds"] < SILENT_SECONDS


def test_auth0_spa_js_with_refresh_tokens_refreshes_from_the_browser(setup, page):
    sign_in(setup, page, "auth0-refresh.html", "app.loginWithRedirect()")
    requests = watch(page)
    silent = page.evaluate(SILENT_AUTH0)
    assert silent["seconds"] < SILENT_SECONDS
    token_calls = [body for url, body in requests if url == f"{setup.urls['auth0']}/oauth/token"]
    assert token_calls and "grant_type=refresh_token" in token_calls[0]  # CORS: the answer was read
    assert not [url for url, _ in requests if "/authorize" in url]  # no iframe
    access = claims(setup, "auth0", setup.urls["auth0"] + "/", silent["access_token"], "/.well-known/jwks.json")
    assert access["azp"] == "spa"


def test_okta_auth_js_gets_tokens_without_prompt_through_okta_post_message(setup, page):
    sign_in(setup, page, "okta.html", "app.signInWithRedirect()")
    requests = watch(page)
    silent = page.evaluate("""async () => {
      const started = performance.now();
      const { tokens } = await app.token.getWithoutPrompt();
      return {access: tokens.accessToken.accessToken, id: tokens.idToken.idToken,
              seconds: (performance.now() - started) / 1000};
    }""")
    assert silent["seconds"] < SILENT_SECONDS
    framed = [url for url, _ in requests if url.startswith(f"{setup.urls['okta']}/oauth2/default/v1/authorize?")]
    assert len(framed) == 1 and "response_mode=okta_post_message" in framed[0] and "prompt=none" in framed[0]
    issuer = f"{setup.urls['okta']}/oauth2/default"
    access = claims(setup, "okta", issuer, silent["access"], "/oauth2/default/v1/keys")
    assert access["cid"] == "0oa-spa" and access["aud"] == "api://default" and access["sub"] == "alice@example.com"  # Okta: the login
    identity = claims(setup, "okta", issuer, silent["id"], "/oauth2/default/v1/keys")
    assert identity["aud"] == "0oa-spa" and identity["email"] == "alice@example.com"


SILENT_MSAL = """async (call) => {
  const started = performance.now();
  const request = {scopes, account: app.getActiveAccount(), forceRefresh: true, loginHint: "alice@contoso.example"};
  const answer = await (call === "ssoSilent" ? app.ssoSilent(request) : app.acquireTokenSilent(request));
  return {access: answer.accessToken, id: answer.idToken, seconds: (performance.now() - started) / 1000};
}"""


def test_msal_browser_signs_in_then_gets_tokens_silently_by_refresh_token_and_hidden_iframe(setup, page):
    sign_in(setup, page, "msal.html", "app.loginRedirect({scopes})", "alice@contoso.example")
    assert page.evaluate("app.getActiveAccount().username") == "alice@contoso.example"
    issuer = f"{setup.urls['entra']}/{ENTRA_TENANT}/v2.0"
    token_url = f"{setup.urls['entra']}/{ENTRA_TENANT}/oauth2/v2.0/token"
    for call, grant in (("acquireTokenSilent", "grant_type=refresh_token"), ("ssoSilent", "grant_type=authorization_code")):
        requests = watch(page)
        silent = page.evaluate(SILENT_MSAL, call)
        assert silent["seconds"] < SILENT_SECONDS, call
        assert [body for url, body in requests if url.startswith(token_url + "?") and grant in body], call
        framed = [url for url, _ in requests if "/oauth2/v2.0/authorize?" in url]
        assert (len(framed) == 1 and "prompt=none" in framed[0]) if call == "ssoSilent" else not framed
        access = claims(setup, "entra", issuer, silent["access"], f"/{ENTRA_TENANT}/discovery/v2.0/keys")
        assert access["aud"] == ENTRA_API.removeprefix("api://")  # v2.0: the API's application id
        assert access["scp"] == "access_as_user" and access["azp"] == ENTRA_CLIENT
        identity = claims(setup, "entra", issuer, silent["id"], f"/{ENTRA_TENANT}/discovery/v2.0/keys")
        assert identity["preferred_username"] == "alice@contoso.example" and identity["tid"] == ENTRA_TENANT


def test_okta_auth_js_sign_out_ends_the_session_so_get_without_prompt_says_login_required(setup, page):
    sign_in(setup, page, "okta.html", "app.signInWithRedirect()")
    requests = watch(page)
    leave_and_come_back(page, "app.signOut({postLogoutRedirectUri: location.origin + '/okta.html'})")
    okta = setup.urls["okta"]
    assert [url for url, body in requests if url == f"{okta}/oauth2/default/v1/revoke"]  # from the browser, CORS
    assert [url for url, _ in requests if url.startswith(f"{okta}/oauth2/default/v1/logout?")]
    failure = silent_failure(page, "app.token.getWithoutPrompt()", "errorCode")
    assert failure["error"] == "login_required"  # in the message, not the SDK's 120 s timeout
    assert failure["seconds"] < SILENT_SECONDS


def test_auth0_spa_js_login_with_popup_gets_the_response_from_the_popups_web_message(setup, page):
    page.goto(f"{setup.spa_url}/auth0.html")
    ready(page)
    with page.expect_popup() as opened:
        page.evaluate("() => { window.popupDone = app.loginWithPopup().then(() => 'signed in', e => e.error || e.message); }")
    popup = opened.value
    popup.get_by_test_id("login-user-alice").click()  # the form posts back; the answer is the web message page
    assert page.evaluate("window.popupDone") == "signed in"
    if not popup.is_closed():  # the SDK closes it once the message came (maybe already)
        popup.wait_for_event("close", timeout=SILENT_SECONDS * 1000)
    assert page.evaluate("app.getUser()")["email"] == "alice@example.com"
