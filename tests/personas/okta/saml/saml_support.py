"""Driving a SAML sign-in as a browser does, and the service providers in their own processes."""

import base64
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).parent
ALICE = ("alice", "alice-password")


def serve_json_lines(handle) -> None:
    """The SP scripts' main loop: a JSON command a line in, a JSON answer a line out."""
    for line in sys.stdin:
        try:
            answer = handle(json.loads(line))
        except Exception as error:  # the test sees it, the process serves on
            answer = {"exception": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


def sp_fixture(script: str):
    """A module fixture: the SP `script` in its own process for the module's tests."""
    @pytest.fixture(scope="module")
    def run_sp():
        process = ServiceProvider(script)
        yield process
        process.stop()
    return run_sp


class ServiceProvider:
    """A service provider script (sp_python3saml.py, sp_pysaml2.py) in its own process, answering
    one JSON command a line; each command is independent (the SP keeps no state between them)."""

    def __init__(self, script: str):
        self.process = subprocess.Popen([sys.executable, str(HERE / script)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def __call__(self, command: dict) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the SP process ended ({self.process.poll()})"
        answer = json.loads(line)
        assert "exception" not in answer, answer["exception"]
        return answer

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def hidden_fields(form_html: str) -> list[tuple[str, str]]:
    return [(html.unescape(n), html.unescape(v))
            for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form_html)]


def login_form(page: httpx.Response) -> tuple[str, list[tuple[str, str]]]:
    form = re.search(r'<form method="post" action="([^"]+)" id="login-form">(.*?)</form>', page.text, re.S)
    assert form, (page.status_code, page.text[:2000])
    return html.unescape(form.group(1)), hidden_fields(form.group(2))


def auto_post(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The auto-submitting form's action and fields, as a browser would post them."""
    assert page.status_code == 200, (page.status_code, page.text[:2000])
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    assert form, page.text[:2000]
    return html.unescape(form.group(1)), dict(hidden_fields(form.group(2)))


def post_binding(browser: httpx.Client, url: str, data: dict, headers: dict | None = None) -> httpx.Response:
    """POST a SAML message as the SP's page does, and the page that posts it once more from the IdP's
    own page (a browser without the IdP's cookie gets it, so the SSO session's cookie comes along)."""
    page = browser.post(url, data=data, headers=headers or {})
    bounce = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    if page.status_code == 200 and bounce and html.unescape(bounce.group(1)) == url:
        page = browser.post(url, data=dict(hidden_fields(bounce.group(2))))
    return page


def sign_in(browser: httpx.Client, page: httpx.Response, user: tuple[str, str] = ALICE) -> httpx.Response:
    """Fill in the login form on `page` (if shown) and submit it."""
    if 'id="login-form"' not in page.text:
        return page
    action, fields = login_form(page)
    return browser.post(action, data=dict(fields + [("username", user[0]), ("password", user[1])]))


def decoded(saml_response: str) -> str:
    return base64.b64decode(saml_response).decode()


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
