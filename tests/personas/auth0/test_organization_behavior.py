"""An application's organization behavior (`organization_usage`, `organization_require_behavior`),
against the real server (tests/seeds/organizations.yaml): an application for individuals refuses
`organization=`, one for organization members requires it, in Auth0's words at the client's
redirect URI, or asks the person for their organization's name before or after the login page."""

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import SEEDS, Browser, start_server
from flavor_support import claims_of

REDIRECT_URI = "http://localhost:3000/callback"
ACME = "org_acme000000000001"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("organization-behavior"))
    yield running
    running.stop()


@pytest.fixture
def browser():
    agent = Browser()
    yield agent
    agent.http.close()


def authorize_url(server, client_id: str, **params) -> str:
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI, "state": "st8",
             "scope": "openid", **params}
    return server.tenant_url("/auth0/authorize") + "?" + urlencode(query)


def sent_back(response: httpx.Response) -> dict:
    assert response.status_code == 302, response.text[:300]
    assert response.headers["location"].startswith(REDIRECT_URI + "?"), response.headers["location"]
    return dict(parse_qsl(urlsplit(response.headers["location"]).query))


def answer_prompt(browser: Browser, page: httpx.Response, name: str) -> httpx.Response:
    """Fill in the organization prompt as a person would: its GET form, with the name."""
    form = re.search(r'<form method="get" action="([^"]+)" id="organization-form">(.*?)</form>', page.text, re.S)
    assert form, page.text[:500]
    fields = [(html.unescape(n), html.unescape(v)) for n, v in
              re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))]
    return browser.get(html.unescape(form.group(1)) + "?" + urlencode([*fields, ("organization_name", name)]))


def org_id_of_code(server, client_id: str, code: str) -> str | None:
    response = httpx.post(server.tenant_url("/auth0/oauth/token"), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(client_id, client_id + "-secret"))
    assert response.status_code == 200, response.text
    config = httpx.get(server.tenant_url("/auth0/.well-known/openid-configuration")).json()
    return claims_of(response.json()["id_token"], config).get("org_id")


def test_an_application_for_individuals_refuses_an_organization(server):
    query = sent_back(httpx.get(authorize_url(server, "personal-app", organization=ACME)))
    assert query == {"error": "invalid_request", "state": "st8",
                     "error_description": "parameter organization is not allowed for this client"}


def test_an_application_for_members_without_a_prompt_requires_the_organization(server):
    query = sent_back(httpx.get(authorize_url(server, "members-only")))
    assert query == {"error": "invalid_request", "state": "st8",
                     "error_description": "parameter organization is required for this client"}


def test_an_application_for_members_signs_one_in_through_the_organization(server, browser):
    query = sent_back(browser.authorize(authorize_url(server, "members-only", organization=ACME),
                                        "alice@acme.example.com", "alice-password"))
    assert org_id_of_code(server, "members-only", query["code"]) == ACME


def test_the_pre_login_prompt_asks_the_organization_then_the_login_page(server, browser):
    prompt = browser.get(authorize_url(server, "prompt-first", nonce="n1"))
    assert prompt.status_code == 302 and urlsplit(prompt.headers["location"]).path.endswith("/u/organization")
    page = browser.get(prompt.headers["location"])
    assert page.status_code == 200 and 'data-testid="organization-name"' in page.text
    assert 'id="login-form"' not in page.text  # no credentials asked yet
    # A name the tenant does not have: the prompt again, saying so.
    wrong = answer_prompt(browser, page, "umbrella")
    assert wrong.status_code == 400 and "organization named “umbrella”" in html.unescape(wrong.text)
    back = answer_prompt(browser, wrong, "Acme")  # names are matched ignoring case, as Auth0 stores them
    assert back.status_code == 302
    assert dict(parse_qsl(urlsplit(back.headers["location"]).query))["organization"] == ACME  # the id, not the name
    query = sent_back(browser.authorize(back.headers["location"], "alice@acme.example.com", "alice-password"))
    assert query["state"] == "st8" and org_id_of_code(server, "prompt-first", query["code"]) == ACME


def test_the_post_login_prompt_comes_after_the_login_page(server, browser):
    signed_in = browser.authorize(authorize_url(server, "prompt-after"), "alice@acme.example.com", "alice-password")
    assert signed_in.status_code == 302 and urlsplit(signed_in.headers["location"]).path.endswith("/u/organization")
    back = answer_prompt(browser, browser.get(signed_in.headers["location"]), "acme")
    query = sent_back(browser.get(back.headers["location"]))  # the session: no second login page
    assert org_id_of_code(server, "prompt-after", query["code"]) == ACME


def test_the_prompt_answered_with_an_organization_the_user_is_not_in_is_access_denied(server, browser):
    signed_in = browser.authorize(authorize_url(server, "prompt-after"), "carol@initech.example.com", "carol-password")
    back = answer_prompt(browser, browser.get(signed_in.headers["location"]), "acme")
    query = sent_back(browser.get(back.headers["location"]))
    assert query["error"] == "access_denied" and query["error_description"].endswith(f"{ACME} organization")


def test_a_silent_request_that_would_need_the_prompt_is_interaction_required(server, browser):
    sent_back(browser.authorize(authorize_url(server, "members-only", organization=ACME),
                                "alice@acme.example.com", "alice-password"))  # a session
    query = sent_back(browser.get(authorize_url(server, "prompt-first", prompt="none")))
    assert query["error"] == "interaction_required"
    assert query["error_description"] == "parameter organization is required for this client"
