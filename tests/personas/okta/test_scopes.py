"""Okta's authorization servers grant only the scopes they define (docs/vendors.md, "Okta scopes"):
a custom server its system scopes and its seed's `scopes`, the org server the OpenID Connect
scopes and Okta's API scopes, and no server an OpenID Connect scope to a client_credentials token."""

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from flavor_support import PERSONAS, REDIRECT_URI, claims_of, client_credentials

OKTA = PERSONAS["okta"]
ORG = PERSONAS["okta_org"]
NOT_CONFIGURED = "One or more scopes are not configured for the authorization server resource."


@pytest.fixture(scope="module")
def discovery(seed_server):
    return OKTA.discovery(seed_server)


def refusal(response: httpx.Response) -> tuple[int, dict]:
    return response.status_code, response.json()


@pytest.mark.parametrize("scope, description", [
    ("customers:delete", NOT_CONFIGURED),                  # defined nowhere
    ("okta.users.read", NOT_CONFIGURED),                   # the org server's API scope
    ("customers:read groups", NOT_CONFIGURED),             # the org server's, not a custom server's
    ("openid customers:read", "Client Credentials requests cannot contain OpenID scopes."),
    ("email", "Client Credentials requests cannot contain OpenID scopes."),
])
def test_a_custom_server_refuses_a_service_a_scope_it_does_not_define_or_an_oidc_scope(discovery, scope, description):
    response = client_credentials(OKTA, discovery, scope=scope)
    assert refusal(response) == (400, {"error": "invalid_scope", "error_description": description})


def test_a_custom_server_grants_the_custom_scopes_its_seed_defines(discovery):
    response = client_credentials(OKTA, discovery, scope="customers:read customers:write")
    assert response.status_code == 200, response.text
    assert claims_of(response.json()["access_token"], discovery)["scp"] == ["customers:read", "customers:write"]


def test_a_custom_server_lists_its_system_scopes_only(discovery):
    # Custom scopes are published only when metadataPublish is ALL_CLIENTS (not Okta's default).
    assert discovery["scopes_supported"] == ["openid", "profile", "email", "address", "phone",
                                             "offline_access", "device_sso"]


def authorize_error(seed_server, persona, scope: str) -> dict:
    """The error an authorization request for `scope` is redirected back with (before any login)."""
    discovery = persona.discovery(seed_server)
    query = {"client_id": persona.client_id, "response_type": "code", "scope": scope,
             "redirect_uri": REDIRECT_URI, "state": "s1", "nonce": "n1"}
    response = httpx.get(discovery["authorization_endpoint"] + "?" + urlencode(query))
    assert response.status_code in (302, 303), response.text[:300]
    assert response.headers["location"].startswith(REDIRECT_URI)
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["location"]).query).items()}


def test_an_authorization_request_for_an_undefined_scope_is_sent_back_as_okta_does(seed_server):
    assert authorize_error(seed_server, OKTA, "openid okta.users.read") == {
        "error": "invalid_scope", "error_description": NOT_CONFIGURED, "state": "s1"}


def test_the_org_server_refuses_a_custom_scope(seed_server):
    assert authorize_error(seed_server, ORG, "openid customers:read") == {
        "error": "invalid_scope", "error_description": "Custom scopes are not allowed for this request.", "state": "s1"}


def test_a_device_authorization_for_an_undefined_scope_is_refused_before_anyone_approves(discovery):
    # /v1/device/authorize judges the scopes as /v1/authorize does: no user code to approve in vain.
    refused = httpx.post(discovery["device_authorization_endpoint"],
                         data={"client_id": "0oa-device", "scope": "openid groups"})
    assert refusal(refused) == (400, {"error": "invalid_scope", "error_description": NOT_CONFIGURED})
    granted = httpx.post(discovery["device_authorization_endpoint"],
                         data={"client_id": "0oa-device", "scope": "openid profile offline_access"})
    assert granted.status_code == 200 and granted.json()["user_code"], granted.text
