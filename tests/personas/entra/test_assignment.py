"""Entra's user assignment, as MSAL and a browser meet it: an application with "Assignment
required?" (app_role_assignment_required) signs in only the users assigned to it, directly or
through a group; anyone else gets AADSTS50105 on the sign-in page, in a silent redirect, or from
the token endpoint. An API requiring assignment refuses the same users its tokens, on-behalf-of
exchanges included."""

import html
import textwrap
from urllib.parse import parse_qsl, urlsplit

import httpx
import msal
import pytest
from conftest import Browser, serving_on_443

from joserfc import jwt
from joserfc.jwk import KeySet

from mock_idp.config import ConfigError, load_config
from mock_idp.personas import all_flavors

TENANT = "72f988bf-0000-4000-8000-00000000c0de"
PORTAL = "11111111-1111-4111-8111-111111111111"  # requires assignment: the sales group and carol
OPEN = "22222222-2222-4222-8222-222222222222"  # the middle tier: anyone may use it
REPORTS = "33333333-3333-4333-8333-333333333333"  # a downstream API requiring assignment: alice only
DEVICE = "44444444-4444-4444-8444-444444444444"  # a public client of the device flow requiring assignment
SALES = "0b1f3a2c-0000-4000-8000-00000000a001"
REDIRECT = "http://localhost:3000/callback"


@pytest.fixture(scope="module")
def entra(tmp_path_factory):
    seed = {"tenants": {"contoso": {
        "flavor": "entra", "path": "/", "tenant_id": TENANT,
        "apis": [{"identifier": f"api://{OPEN}", "scopes": ["access_as_user"]},
                 {"identifier": f"api://{REPORTS}", "scopes": ["Reports.Read"], "app_role_assignment_required": True}],
        "clients": [
            {"client_id": PORTAL, "name": "Sales Portal", "client_secret": "portal-secret", "redirect_uris": [REDIRECT],
             "grant_types": ["authorization_code", "refresh_token", "password"],
             "app_role_assignment_required": True,
             "app_role_assigned_to": [{"principal": SALES, "app_role": "Sales.Manager"}, "carol@contoso.example"]},
            {"client_id": OPEN, "client_secret": "open-secret", "redirect_uris": [REDIRECT],
             "grant_types": ["password", "urn:ietf:params:oauth:grant-type:jwt-bearer"],
             "app_role_assigned_to": [{"principal": SALES, "app_role": "Tasks.Reader"},
                                      {"principal": "carol@contoso.example", "app_role": "Tasks.Writer"}]},
            {"client_id": DEVICE, "name": "Kiosk", "token_endpoint_auth_method": "none", "response_types": [],
             "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"],
             "app_role_assignment_required": True, "app_role_assigned_to": [SALES]},
        ],
        "users": [
            {"username": "alice@contoso.example", "password": "alice-password",
             "claims": {"groups": [SALES], "roles": {REPORTS: ["Reports.Reader"]}}},
            {"username": "bob@contoso.example", "password": "bob-password"},
            {"username": "carol@contoso.example", "password": "carol-password"},
        ],
    }}}
    with serving_on_443(seed, tmp_path_factory.mktemp("entra-assignment")) as running:
        yield running


def app(entra, client_id, secret):
    return msal.ConfidentialClientApplication(client_id, client_credential=secret, instance_discovery=False,
                                              authority=f"{entra.base_url}/{TENANT}")


def password_sign_in(entra, client_id, secret, username, scopes):
    return app(entra, client_id, secret).acquire_token_by_username_password(
        username, username.split("@")[0] + "-password", scopes=scopes)


def test_users_assigned_directly_or_through_a_group_sign_in_and_others_get_aadsts50105(entra):
    scopes = [f"api://{OPEN}/access_as_user"]
    for username in ("alice@contoso.example", "carol@contoso.example"):  # by group; directly
        assert "access_token" in password_sign_in(entra, PORTAL, "portal-secret", username, scopes), username
    refused = password_sign_in(entra, PORTAL, "portal-secret", "bob@contoso.example", scopes)
    assert refused["error"] == "invalid_grant" and refused["error_codes"] == [50105], refused
    assert refused["error_description"].startswith(
        f"AADSTS50105: Your administrator has configured the application Sales Portal ('{PORTAL}') to block users "
        "unless they are specifically granted ('assigned') access to the application. The signed in user "
        "'bob@contoso.example' is blocked because they are not a direct member of a group with access"), refused
    assert refused["error_uri"] == "https://login.microsoftonline.com/error?code=50105"
    # An application without the setting signs anyone in.
    assert "access_token" in password_sign_in(entra, OPEN, "open-secret", "bob@contoso.example", scopes)


def claims_of(entra, token: str) -> dict:
    jwks = httpx.get(f"{entra.base_url}/{TENANT}/discovery/v2.0/keys", verify=entra.verify).json()
    return jwt.decode(token, KeySet.import_key_set(jwks)).claims


def test_a_groups_app_role_reaches_its_direct_members_roles_claim_in_id_and_access_tokens(entra):
    scopes = [f"api://{OPEN}/access_as_user"]
    alice = password_sign_in(entra, PORTAL, "portal-secret", "alice@contoso.example", scopes)  # a sales member
    assert alice["id_token_claims"]["roles"] == ["Sales.Manager"], alice["id_token_claims"]
    assert claims_of(entra, alice["access_token"])["roles"] == ["Tasks.Reader"]  # the API's own assignment
    carol = password_sign_in(entra, PORTAL, "portal-secret", "carol@contoso.example", scopes)  # Default Access
    assert "roles" not in carol["id_token_claims"], carol["id_token_claims"]
    assert claims_of(entra, carol["access_token"])["roles"] == ["Tasks.Writer"]  # assigned to her directly
    bob = password_sign_in(entra, OPEN, "open-secret", "bob@contoso.example", scopes)  # in no group
    assert "roles" not in bob["id_token_claims"] and "roles" not in claims_of(entra, bob["access_token"])
    # A user's own roles for another app stay that app's, beside what the groups give.
    reports = password_sign_in(entra, OPEN, "open-secret", "alice@contoso.example", [f"api://{REPORTS}/Reports.Read"])
    assert claims_of(entra, reports["access_token"])["roles"] == ["Reports.Reader"]
    assert reports["id_token_claims"]["roles"] == ["Tasks.Reader"]


def test_an_unassigned_user_is_stopped_on_the_sign_in_page_and_never_redirected(entra):
    web = app(entra, PORTAL, "portal-secret")
    flow = web.initiate_auth_code_flow([f"api://{OPEN}/access_as_user"], redirect_uri=REDIRECT)
    browser = Browser(verify=entra.verify)
    page = browser.authorize(flow["auth_uri"], "bob@contoso.example", "bob-password")
    assert page.status_code == 400 and "location" not in page.headers, page.headers
    text = html.unescape(page.text)
    assert "AADSTS50105: Your administrator has configured the application Sales Portal" in text
    assert "Correlation Id: " in text
    allowed = Browser(verify=entra.verify).authorize(flow["auth_uri"], "carol@contoso.example", "carol-password")
    assert allowed.status_code == 302 and allowed.headers["location"].startswith(REDIRECT)
    result = web.acquire_token_by_auth_code_flow(flow, dict(parse_qsl(urlsplit(allowed.headers["location"]).query)))
    assert "access_token" in result, result


def test_a_silent_request_of_an_unassigned_user_is_redirected_as_interaction_required(entra):
    browser = Browser(verify=entra.verify)
    signed_in = password_free_session(entra, browser, "bob@contoso.example")
    assert signed_in.status_code == 302, signed_in.text[:300]
    flow = app(entra, PORTAL, "portal-secret").initiate_auth_code_flow([f"api://{OPEN}/access_as_user"],
                                                                      redirect_uri=REDIRECT, prompt="none")
    response = browser.get(flow["auth_uri"])
    assert response.status_code == 302, response.text[:300]
    params = dict(parse_qsl(urlsplit(response.headers["location"]).query))
    assert params["error"] == "interaction_required" and params["state"] == flow["state"], params
    assert params["error_description"].startswith("AADSTS50105: ")


def test_an_unassigned_users_device_sign_in_is_refused_on_the_device_page_and_at_the_poll(entra):
    kiosk = msal.PublicClientApplication(DEVICE, authority=f"{entra.base_url}/{TENANT}", instance_discovery=False)
    for username, allowed in (("bob@contoso.example", False), ("alice@contoso.example", True)):
        flow = kiosk.initiate_device_flow(scopes=[f"api://{OPEN}/access_as_user"])
        browser = Browser(verify=entra.verify)
        page = browser.get(f"{flow['verification_uri']}?user_code={flow['user_code']}")
        shown = browser.login(page, username, username.split("@")[0] + "-password")
        result = kiosk.acquire_token_by_device_flow(flow)
        if allowed:
            assert shown.status_code == 200 and "access_token" in result, (shown.text[:300], result)
            continue
        assert shown.status_code == 400, shown.text[:300]
        assert ("AADSTS50105: Your administrator has configured the application Kiosk "
                f"('{DEVICE}') to block users") in html.unescape(shown.text)
        assert result["error"] == "invalid_grant" and result["error_codes"] == [50105], result
        assert "'bob@contoso.example' is blocked" in result["error_description"]
        # The device code is spent: polling again does not start over.
        again = httpx.post(f"{entra.base_url}/{TENANT}/oauth2/v2.0/token", verify=entra.verify, data={
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": DEVICE,
            "device_code": flow["device_code"]})
        assert again.status_code == 400 and again.json()["error"] != "authorization_pending", again.text
    # A browser already signed in is refused before it is asked to allow the device.
    browser = Browser(verify=entra.verify)
    assert password_free_session(entra, browser, "bob@contoso.example").status_code == 302
    flow = kiosk.initiate_device_flow(scopes=[f"api://{OPEN}/access_as_user"])
    shown = browser.get(f"{flow['verification_uri']}?user_code={flow['user_code']}")
    assert shown.status_code == 400 and "AADSTS50105: " in html.unescape(shown.text), shown.text[:300]
    assert kiosk.acquire_token_by_device_flow(flow)["error_codes"] == [50105]


def test_the_admin_api_mints_for_an_unassigned_user_as_asked_with_the_roles_the_flows_give(entra):
    def minted(username):
        response = httpx.post(f"{entra.base_url}/_admin/tenants/contoso/tokens", verify=entra.verify, json={
            "username": username, "client_id": PORTAL, "scope": "openid profile"})
        assert response.status_code == 200, response.text
        return claims_of(entra, response.json()["id_token"])
    assert "roles" not in minted("bob@contoso.example")  # unassigned: minted all the same
    assert minted("alice@contoso.example")["roles"] == ["Sales.Manager"]  # her group's role


def password_free_session(entra, browser, username):
    """Sign `username` in through an application that lets anyone in: the SSO session Entra keeps."""
    flow = app(entra, OPEN, "open-secret").initiate_auth_code_flow([f"api://{OPEN}/access_as_user"],
                                                                   redirect_uri=REDIRECT)
    return browser.authorize(flow["auth_uri"], username, username.split("@")[0] + "-password")


def test_an_api_requiring_assignment_refuses_unassigned_users_its_tokens_and_on_behalf_of(entra):
    reports = [f"api://{REPORTS}/Reports.Read"]
    assert "access_token" in password_sign_in(entra, OPEN, "open-secret", "alice@contoso.example", reports)
    refused = password_sign_in(entra, OPEN, "open-secret", "bob@contoso.example", reports)
    assert refused["error_codes"] == [50105] and f"('{REPORTS}')" in refused["error_description"], refused
    middle_tier = app(entra, OPEN, "open-secret")
    for username, outcome in (("alice@contoso.example", "access_token"), ("bob@contoso.example", "error")):
        user_token = password_sign_in(entra, OPEN, "open-secret", username, [f"api://{OPEN}/access_as_user"])
        exchanged = middle_tier.acquire_token_on_behalf_of(user_token["access_token"], reports)
        assert outcome in exchanged, (username, exchanged)
    assert exchanged["error"] == "invalid_grant" and exchanged["error_codes"] == [50105]


def test_the_admin_api_assigns_users_added_at_run_time_and_refuses_unknown_ones(entra):
    admin = f"{entra.base_url}/_admin/tenants/contoso"
    added = httpx.post(f"{admin}/users", verify=entra.verify,
                       json={"username": "dave@contoso.example", "password": "dave-password"})
    assert added.status_code == 201, added.text
    app_id = "77777777-7777-4777-8777-777777777777"
    body = {"client_id": app_id, "client_secret": "s3cret", "grant_types": ["password"], "response_types": [],
            "app_role_assignment_required": True, "app_role_assigned_to": ["dave@contoso.exampel"]}
    refused = httpx.post(f"{admin}/clients", json=body, verify=entra.verify)
    assert refused.status_code == 400 and "app_role_assigned_to[0]" in refused.text, refused.text
    assert "did you mean 'dave@contoso.example'" in refused.text
    body["app_role_assigned_to"] = ["dave@contoso.example"]
    assert httpx.post(f"{admin}/clients", json=body, verify=entra.verify).status_code == 201
    try:
        scopes = [f"api://{OPEN}/access_as_user"]
        assert "access_token" in password_sign_in(entra, app_id, "s3cret", "dave@contoso.example", scopes)
        assert password_sign_in(entra, app_id, "s3cret", "bob@contoso.example", scopes)["error_codes"] == [50105]
    finally:
        httpx.delete(f"{admin}/clients/{app_id}", verify=entra.verify)
        httpx.delete(f"{admin}/users/dave@contoso.example", verify=entra.verify)


SEED = """\
tenants:
  contoso:
    flavor: {flavor}
    clients:
      - client_id: 11111111-1111-4111-8111-111111111111
        client_secret: s3cret
        app_role_assignment_required: true
        app_role_assigned_to: [alice@contoso.example, {principal}]
    users:
      - username: alice@contoso.example
        password: pw
        claims: {{groups: [0b1f3a2c-0000-4000-8000-00000000a001]}}
"""


def seed_error(tmp_path, flavor="entra", principal="0b1f3a2c-0000-4000-8000-00000000a001") -> str:
    seed = tmp_path / "seed.yaml"
    seed.write_text(textwrap.dedent(SEED.format(flavor=flavor, principal=principal)))
    with pytest.raises(ConfigError) as caught:
        load_config(seed, personas=all_flavors())
    return str(caught.value)


def test_assigned_users_and_groups_load(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED.format(flavor="entra", principal="0b1f3a2c-0000-4000-8000-00000000a001"))
    client = load_config(seed, personas=all_flavors()).tenants["contoso"].clients[0]
    assert client.app_role_assignment_required and len(client.app_role_assigned_to) == 2


def test_an_unknown_principal_is_reported_where_it_is_written(tmp_path):
    error = seed_error(tmp_path, principal="0b1f3a2c-0000-4000-8000-00000000a002")
    assert ("seed.yaml:8: tenants.contoso.clients[0].app_role_assigned_to[1]: no user (UPN or object id) or group "
            "(object id) '0b1f3a2c-0000-4000-8000-00000000a002' in the tenant (did you mean "
            "'0b1f3a2c-0000-4000-8000-00000000a001'?)") in error, error


def test_another_persona_refuses_user_assignment(tmp_path):
    error = seed_error(tmp_path, flavor="okta")
    assert ("seed.yaml:7: tenants.contoso.clients[0].app_role_assignment_required: the okta persona serves no "
            "user assignment (personas that do: entra)") in error, error


def test_an_assignment_with_a_role_names_a_known_principal_and_a_role(tmp_path):
    error = seed_error(tmp_path, principal="{principal: 0b1f3a2c-0000-4000-8000-00000000a002, app_role: Sales.Manager}")
    assert ("seed.yaml:8: tenants.contoso.clients[0].app_role_assigned_to[1].principal: no user (UPN or object id) "
            "or group (object id) '0b1f3a2c-0000-4000-8000-00000000a002' in the tenant") in error, error
    error = seed_error(tmp_path, principal="{principal: 0b1f3a2c-0000-4000-8000-00000000a001, role: Sales.Manager}")
    assert "app_role_assigned_to[1].role: unknown key (did you mean 'app_role'?)" in error, error
