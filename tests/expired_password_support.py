"""Shared by the tests of the hosted sign-in's "change your password" step (Okta's expired
password, Cognito's temporary one): the server of tests/seeds/expired_password.yaml, the authorization request, the forms
of its pages, and what the client and the Authentication API see afterwards."""

import html
import re
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from conftest import SEEDS, Browser, start_server

REDIRECT = "https://app.example.com/callback"
OLD = "Expired-pass1"  # every expired user's seeded password
NEW = "Brand-new-pass2"  # meets Okta's default policy


def expired_password_server(data_dir: Path):
    """With the admin API on: its request trail must not show the new passwords."""
    return start_server(SEEDS / "expired_password.yaml", data_dir, admin=True)


def authorize_url(server, tenant: str = "okta", client_id: str = "okta-web", **extra) -> str:
    issuer = server.tenant_url(f"/{tenant}") + ("/oauth2/default" if tenant == "okta" else "")
    discovery = httpx.get(issuer + "/.well-known/openid-configuration").json()
    query = {"client_id": client_id, "response_type": "code", "scope": "openid profile", "redirect_uri": REDIRECT,
             "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8), **extra}
    return discovery["authorization_endpoint"] + "?" + urlencode(query)


def form_fields(page: httpx.Response, form_id: str) -> tuple[str, list[tuple[str, str]]]:
    """The action and hidden fields of the form `form_id` on an HTML page."""
    form = re.search(rf'<form method="post" action="([^"]+)" id="{form_id}">(.*?)</form>', page.text, re.S)
    assert form, f"no {form_id} on the page: {page.text[:300]}"
    fields = [(html.unescape(n), html.unescape(v)) for n, v in
              re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))]
    return html.unescape(form.group(1)), fields


def code_of(location: str) -> dict[str, str]:
    assert location.startswith(REDIRECT + "?"), location
    return dict(parse_qsl(urlsplit(location).query))


def redeem(server, code: str) -> httpx.Response:
    token_endpoint = server.tenant_url("/okta") + "/oauth2/default/v1/token"
    return httpx.post(token_endpoint, auth=("okta-web", "okta-web-secret"),
                      data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})


def authn(server, username: str, password: str) -> httpx.Response:
    """Okta's Authentication API: primary authentication."""
    return httpx.post(server.tenant_url("/okta") + "/api/v1/authn", json={"username": username, "password": password})


def post_step(browser: Browser, page, new: str, confirm: str, drop: tuple[str, ...] = (), **replace):
    """Submit the change step's form found on `page` (less the `drop` fields, with `replace`d values)."""
    action, fields = form_fields(page, "password-change-form")
    fields = [(name, replace.get(name, value)) for name, value in fields if name not in drop]
    body = urlencode([*fields, ("new_password", new), ("confirm_password", confirm)])
    return browser.http.post(action, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})


def hidden(page, name: str) -> str:
    return dict(form_fields(page, "password-change-form")[1])[name]
