"""Auth0 organization invitations over HTTP (tests/seeds/organizations.yaml): the Management API
creates one with its link to the application's login route; /authorize with `invitation` and
`organization` signs the invited person in, makes them a member and uses the invitation up; Auth0's
errors for a used or unknown ticket, another email, and a body the API refuses."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import SEEDS, Browser, start_server

from tests.personas.auth0.test_organizations_api import token

REDIRECT_URI = "http://localhost:3000/callback"
ACME = "org_acme000000000001"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("invitations"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api(server):
    tenant = server.tenant_url("/auth0/")
    with httpx.Client(base_url=tenant + "api/v2/",
                      headers={"Authorization": "Bearer " + token(tenant, "b2b-admin")}) as client:
        yield client


def invite(api, email: str, **extra) -> httpx.Response:
    return api.post(f"organizations/{ACME}/invitations", json={
        "inviter": {"name": "Alice"}, "invitee": {"email": email}, "client_id": "b2b-app", **extra})


def follow_link(server, link: str, username: str) -> dict:
    """What the application's login route does with the link: /authorize with both parameters."""
    sent = dict(parse_qsl(urlsplit(link).query))
    query = {"response_type": "code", "client_id": "b2b-app", "redirect_uri": REDIRECT_URI, "state": "s",
             "scope": "openid", "invitation": sent["invitation"], "organization": sent["organization"]}
    browser = Browser()
    response = browser.authorize(server.tenant_url("/auth0/authorize") + "?" + urlencode(query), username,
                                 username.split("@")[0] + "-password")
    browser.http.close()
    assert response.status_code == 302, response.text[:300]
    return dict(parse_qsl(urlsplit(response.headers["location"]).query))


def test_an_invited_person_signs_in_becomes_a_member_and_the_invitation_is_used_up(server, api):
    created = invite(api, "Dave@example.com", ttl_sec=3600)
    assert created.status_code == 201, created.text
    invitation = created.json()
    assert invitation["id"].startswith("uinv_") and invitation["organization_id"] == ACME
    assert (invitation["inviter"], invitation["invitee"], invitation["client_id"]) == (
        {"name": "Alice"}, {"email": "Dave@example.com"}, "b2b-app")
    link = urlsplit(invitation["invitation_url"])
    assert (link.scheme, link.netloc, link.path) == ("http", "localhost:3000", "/login")
    assert dict(parse_qsl(link.query)) == {"invitation": invitation["ticket_id"], "organization": ACME,
                                           "organization_name": "acme"}
    assert api.get(f"organizations/{ACME}/invitations/{invitation['id']}").json() == invitation
    assert "code" in follow_link(server, invitation["invitation_url"], "dave@example.com")
    members = [m["email"] for m in api.get(f"organizations/{ACME}/members").json()]
    assert "dave@example.com" in members
    assert api.get(f"organizations/{ACME}/invitations").json() == []  # used up
    again = follow_link(server, invitation["invitation_url"], "dave@example.com")
    assert again == {"error": "invalid_request", "error_description": "invitation not found or already used",
                     "state": "s"}


def test_an_invitation_taken_by_another_email_is_access_denied(server, api):
    invitation = invite(api, "someone-else@example.com").json()
    refused = follow_link(server, invitation["invitation_url"], "carol@initech.example.com")
    assert refused["error"] == "access_denied"
    assert "sent to someone-else@example.com" in refused["error_description"]
    assert api.delete(f"organizations/{ACME}/invitations/{invitation['id']}").status_code == 204
    assert api.get(f"organizations/{ACME}/invitations/{invitation['id']}").status_code == 404


def test_an_invitation_without_its_organization_is_refused(server):
    query = {"response_type": "code", "client_id": "b2b-app", "redirect_uri": REDIRECT_URI, "state": "s",
             "scope": "openid", "invitation": "whatever"}
    response = httpx.get(server.tenant_url("/auth0/authorize"), params=query)
    assert dict(parse_qsl(urlsplit(response.headers["location"]).query))["error"] == "invalid_request"


@pytest.mark.parametrize("client_id, message", [
    ("nobody", "The specified client_id does not exist."),
    ("personal-app", "The specified client_id (personal-app) does not allow organizations."),
    ("members-only", "A default login route is required to generate the invitation url. To learn more, see "
                     "https://auth0.com/docs/universal-login/configure-default-login-routes"),
])
def test_an_application_that_cannot_take_invitations_is_refused_in_auth0s_words(api, client_id, message):
    refused = invite(api, "x@example.com", client_id=client_id)
    assert refused.status_code == 400
    assert refused.json() == {"statusCode": 400, "error": "Bad Request", "message": message,
                              "errorCode": "invalid_body"}
