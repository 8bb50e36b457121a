"""The HTML pages as a browser meets them: a login form that cannot be posted from another site, pages
that cannot be framed, scripts from our origin only, session cookies that are Secure under https and
do not collide between two servers on one host."""

import base64
import hashlib
import re
import shutil
from urllib.parse import urlencode

import httpx
import pytest

from conftest import SEEDS, Browser, make_app_client, start_server

from .helpers import REDIRECT_URI, form_post_params, shows_login_form

QUERY = {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code",
         "scope": "openid", "state": "st"}


def login_form_fields(page: httpx.Response) -> tuple[str, list[tuple[str, str]]]:
    form = re.search(r'<form method="post" action="([^"]+)" id="login-form">(.*?)</form>', page.text, re.S)
    return form.group(1), re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))


def post_login(http: httpx.Client, action: str, fields) -> httpx.Response:
    fields = list(fields) + [("username", "alice"), ("password", "alice-password")]
    return http.post(action, content=urlencode(fields),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})


@pytest.mark.parametrize("forgery", ["no_token", "no_cookie", "wrong_token"])
def test_a_login_post_without_the_forms_csrf_token_is_refused(core_discovery, forgery):
    browser = Browser()
    page = browser.get(core_discovery["authorization_endpoint"] + "?" + urlencode(QUERY))
    action, fields = login_form_fields(page)
    assert "csrf_token" in dict(fields)
    if forgery == "no_token":
        fields = [(k, v) for k, v in fields if k != "csrf_token"]
    elif forgery == "wrong_token":
        fields = [(k, "forged" if k == "csrf_token" else v) for k, v in fields]
    http = httpx.Client() if forgery == "no_cookie" else browser.http  # another site's form: no cookie

    response = post_login(http, action, fields)

    assert response.status_code == 403 and "location" not in response.headers
    assert 'id="login-form"' in response.text  # signed in nowhere; a fresh form to try again
    assert post_login(browser.http, *login_form_fields(browser.get(
        core_discovery["authorization_endpoint"] + "?" + urlencode(QUERY)))).status_code == 302


def test_html_pages_cannot_be_framed_and_load_scripts_from_our_origin_only(core_discovery, core_issuer):
    browser = Browser()
    login = browser.get(core_discovery["authorization_endpoint"] + "?" + urlencode(QUERY))
    error = httpx.get(core_discovery["authorization_endpoint"] + "?client_id=nobody")
    logged_out = httpx.get(core_discovery["end_session_endpoint"])
    for page in (login, error, logged_out):
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["x-frame-options"] == "DENY"
        policy = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    # JSON answers are no pages.
    assert "x-frame-options" not in httpx.get(core_discovery["jwks_uri"]).headers


def test_the_form_post_page_may_run_exactly_its_own_submit_script(browser, core_discovery):
    page = browser.authorize(core_discovery["authorization_endpoint"] + "?"
                             + urlencode({**QUERY, "response_mode": "form_post"}))
    action, fields = form_post_params(page)
    assert action == REDIRECT_URI and fields["state"] == "st"
    script = re.search(r"<script>(.*?)</script>", page.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = page.headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert page.headers["x-frame-options"] == "DENY"
    assert "onload" not in page.text  # inline event handlers would need 'unsafe-hashes'


def test_the_cookies_are_secure_and_host_prefixed_under_https(tmp_path, _keyed_database):
    shutil.copyfile(_keyed_database, tmp_path / "mock_idp.db")
    with make_app_client(SEEDS / "core.yaml", tmp_path, base_url="https://idp.example") as client:
        page = client.get("/default/authorize", params=QUERY)
        csrf_cookie = page.headers["set-cookie"]
        # RFC 6265bis §4.1.3.2: no page of another port, nor of plain http, can set or shadow them.
        assert csrf_cookie.startswith("__Host-mock_idp_csrf_default_443=")
        assert "secure" in csrf_cookie.lower() and "path=/;" in csrf_cookie.lower() + ";"
        assert "domain" not in csrf_cookie.lower()
        action, fields = login_form_fields(page)
        signed_in = client.post("/default/login", data=dict(fields) | {"username": "alice",
                                                                        "password": "alice-password"})
        assert signed_in.status_code == 302, signed_in.text
        session_cookie = [c for c in signed_in.headers.get_list("set-cookie") if "mock_idp_sso_" in c]
        assert session_cookie and "secure" in session_cookie[0].lower()
        assert session_cookie[0].startswith("__Host-mock_idp_sso_default_443=")
        assert "path=/;" in session_cookie[0].lower() + ";"
        # Still signed in on the next request (the __Host- cookie is sent back), then signed out.
        assert client.get("/default/authorize", params=QUERY).status_code == 302
        logout = client.get(client.get("/default/.well-known/openid-configuration").json()["end_session_endpoint"])
        ended = [c for c in logout.headers.get_list("set-cookie") if "mock_idp_sso_" in c]
        assert ended[0].startswith("__Host-mock_idp_sso_default_443=") and "secure" in ended[0].lower()
        assert 'id="login-form"' in client.get("/default/authorize", params=QUERY).text


def test_two_servers_on_one_host_keep_their_own_sessions(tmp_path, _keyed_database):
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copyfile(_keyed_database, tmp_path / name / "mock_idp.db")
        servers.append(start_server(SEEDS / "core.yaml", tmp_path / name))
    try:
        browser = Browser()  # one browser, one cookie jar for 127.0.0.1
        urls = [s.base_url + "/default/authorize?" + urlencode(QUERY) for s in servers]
        for url in urls:
            assert browser.authorize(url).status_code == 302
        for url in urls:  # both still signed in: neither login overwrote the other's cookie
            assert browser.get(url).status_code == 302
    finally:
        for server in servers:
            server.stop()
