"""Okta's Users and Groups API as a backend calls it with okta-sdk-python (an SSWS API token, over
--tls trusting only the local CA): a user created here signs in on the login page at once and their
ID token carries the group they were added to; search, pages, updates, the lifecycle and Okta's
error bodies as the SDK reads them."""

import asyncio
import re
import secrets
import ssl
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from conftest import SEEDS, Browser, start_server
from expired_password_support import form_fields
from joserfc import jwt
from joserfc.jwk import KeySet
from okta.client import Client as OktaClient
from okta.errors.okta_api_error import OktaAPIError
from okta.http_client import HTTPClient
from okta.pagination import PaginationHelper
from okta.models import AddGroupRequest, ChangePasswordRequest, CreateUserRequest, UpdateUserRequest, UserNextLogin

API_TOKEN = "00-test-api-token-for-the-management-api"
REDIRECT = "https://app.example.com/callback"
GOOD = "Passw0rd-long"  # meets Okta's default password policy


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("okta-management"), tls=True, admin=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def org(server) -> str:
    return server.tenant_url("/okta")


def okta_client(server, org: str, token: str = API_TOKEN, mode: str = "SSWS") -> OktaClient:
    """The SDK with its defaults (https only, certificates checked), trusting the local CA."""
    class LocalCA(HTTPClient):
        def __init__(self, http_config):
            super().__init__({**http_config, "sslContext": ssl.create_default_context(cafile=str(server.ca))})
    return OktaClient({"orgUrl": org, "token": token, "authorizationMode": mode, "httpClient": LocalCA})


def run(coroutine):
    return asyncio.run(coroutine)


def ok(answer):
    """The data of an SDK call's (data, response, error), failing on its error."""
    data, _, error = answer
    assert error is None, error
    return data


def new_user_body(login: str, first: str = "Carol", last: str = "Jones", **extra) -> CreateUserRequest:
    return CreateUserRequest.from_dict({"profile": {"firstName": first, "lastName": last, "email": login,
                                                    "login": login, **extra},
                                        "credentials": {"password": {"value": GOOD}}})


def id_token_of(server, org: str, username: str, password: str, new_password: str | None = None) -> dict:
    """Sign in on the login page of the default authorization server (code flow), setting
    `new_password` when the page asks for one (an expired password); the verified ID token claims."""
    issuer = org + "/oauth2/default"
    discovery = httpx.get(issuer + "/.well-known/openid-configuration", verify=server.verify).json()
    browser = Browser(verify=server.verify)
    try:
        query = {"client_id": "okta-web", "response_type": "code", "scope": "openid profile groups",
                 "redirect_uri": REDIRECT, "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8)}
        response = browser.authorize(discovery["authorization_endpoint"] + "?" + urlencode(query), username, password)
        assert ("Your password has expired" in response.text) == (new_password is not None), response.text[:300]
        if new_password is not None:
            action, fields = form_fields(response, "password-change-form")
            fields += [("new_password", new_password), ("confirm_password", new_password)]
            response = browser.http.post(action, content=urlencode(fields),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code in (302, 303), response.text[:300]
        code = dict(parse_qsl(urlsplit(response.headers["location"]).query))["code"]
    finally:
        browser.http.close()
    tokens = httpx.post(discovery["token_endpoint"], auth=("okta-web", "okta-web-secret"), verify=server.verify,
                        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert tokens.status_code == 200, tokens.text
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"], verify=server.verify).json())
    claims = jwt.decode(tokens.json()["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["iss"] == issuer
    return claims


def group_name(group) -> str:
    return group.profile.actual_instance.name


def test_a_user_created_and_grouped_through_the_sdk_signs_in_with_the_group_in_the_id_token(server, org):
    async def scenario():
        client = okta_client(server, org)
        user = ok(await client.create_user(new_user_body("carol@example.com"), activate=True))
        group = ok(await client.add_group(AddGroupRequest.from_dict({"profile": {"name": "Designers",
                                                                               "description": "UI people"}})))
        await client.assign_user_to_group(group.id, user.id)
        groups = ok(await client.list_user_groups(user.id))
        members = ok(await client.list_group_users(group.id))
        return user, group, groups, members
    user, group, groups, members = run(scenario())
    assert user.id.startswith("00u") and len(user.id) == 20 and user.status.value == "ACTIVE"
    assert group.id.startswith("00g") and group_name(group) == "Designers"
    assert [group_name(g) for g in groups] == ["Everyone", "Designers"] and [m.id for m in members] == [user.id]
    claims = id_token_of(server, org, "carol@example.com", GOOD)
    assert claims["groups"] == ["Designers"] and claims["sub"] == user.id
    # One truth: /_admin shows the same user.
    shown = httpx.get(server.base_url + "/_admin/tenants/okta/users/carol@example.com", verify=server.verify).json()
    assert shown["claims"]["groups"] == ["Designers"] and shown["sub"] == user.id
    # ... and so does the home page, the user among the tenant's users.
    home = httpx.get(server.base_url + "/", verify=server.verify)
    assert 'data-testid="user-carol@example.com"' in home.text


def test_list_with_q_filter_search_and_link_header_pages(server, org):
    async def scenario():
        client = okta_client(server, org)
        for n in range(3):
            ok(await client.create_user(new_user_body(f"pager{n}@example.com", first="Pager", last=f"N{n}",
                                                      department="Sales"), activate=True))
        by_q = ok(await client.list_users(q="Pager"))
        by_filter = ok(await client.list_users(filter='profile.login eq "pager1@example.com"'))
        by_search = ok(await client.list_users(search='profile.department eq "Sales" and profile.lastName sw "N"'))
        first, response, error = await client.list_users(search='profile.firstName eq "Pager"', limit=2)
        cursor = PaginationHelper.extract_next_cursor(response.headers)  # from the Link header
        assert error is None and cursor
        rest = ok(await client.list_users(search='profile.firstName eq "Pager"', limit=2, after=cursor))
        return by_q, by_filter, by_search, first, rest
    by_q, by_filter, by_search, first, rest = run(scenario())
    logins = lambda users: sorted(u.profile.login for u in users)  # noqa: E731
    assert logins(by_q) == ["pager0@example.com", "pager1@example.com", "pager2@example.com"]
    assert logins(by_filter) == ["pager1@example.com"] and len(by_search) == 3
    assert len(first) == 2 and len(rest) == 1 and logins(first + rest) == logins(by_q)


def test_partial_and_full_profile_updates(server, org):
    async def scenario():
        client = okta_client(server, org)
        user = ok(await client.create_user(new_user_body("dave@example.com", first="Dave", title="Engineer"), activate=True))
        partial = ok(await client.update_user(user.id, UpdateUserRequest.from_dict({"profile": {"nickName": "D"}})))
        full = ok(await client.replace_user(user.id, UpdateUserRequest.from_dict({"profile": {
            "firstName": "David", "lastName": "Jones", "email": "dave@example.com", "login": "dave@example.com"}})))
        by_login = ok(await client.get_user("DAVE@example.com"))
        return partial, full, by_login
    partial, full, by_login = run(scenario())
    assert (partial.profile.first_name, partial.profile.nick_name, partial.profile.title) == ("Dave", "D", "Engineer")
    assert (full.profile.first_name, full.profile.nick_name, full.profile.title) == ("David", None, None)
    assert by_login.id == full.id and by_login.profile.first_name == "David"


def test_a_login_taken_by_another_user_is_refused_on_update(server, org):
    async def scenario():
        client = okta_client(server, org)
        user = ok(await client.create_user(new_user_body("lee@example.com"), activate=True))
        same = ok(await client.update_user(user.id, UpdateUserRequest.from_dict({"profile": {"login": "LEE@example.com"}})))
        _, _, taken = await client.update_user(user.id, UpdateUserRequest.from_dict({"profile": {"login": "alice@example.com"}}))
        _, _, replaced = await client.replace_user(user.id, UpdateUserRequest.from_dict({"profile": {
            "firstName": "L", "lastName": "E", "email": "lee@example.com", "login": "Alice@example.com"}}))
        return same, taken, replaced
    same, taken, replaced = run(scenario())
    assert same.profile.login == "LEE@example.com"  # one's own login, in another case, is no clash
    for refused in (taken, replaced):
        assert (refused.status, refused.error_code, refused.error_summary) == (400, "E0000001", "Api validation failed: login")


def authn(server, org: str, username: str, password: str) -> int:
    return httpx.post(org + "/api/v1/authn", json={"username": username, "password": password},
                      verify=server.verify).status_code


def test_lifecycle_suspend_unsuspend_deactivate_then_delete(server, org):
    async def scenario():
        client = okta_client(server, org)
        user = ok(await client.create_user(new_user_body("erin@example.com"), activate=True))
        steps = {}
        await client.suspend_user(user.id)
        steps["suspended"] = (ok(await client.get_user(user.id)).status.value, authn(server, org, "erin@example.com", GOOD))
        _, steps["suspend again"] = await client.suspend_user(user.id)
        await client.unsuspend_user(user.id)
        steps["unsuspended"] = (ok(await client.get_user(user.id)).status.value, authn(server, org, "erin@example.com", GOOD))
        await client.deactivate_user(user.id)
        deprovisioned = ok(await client.list_users(search='status eq "DEPROVISIONED"'))
        listed = ok(await client.list_users())
        steps["deactivated"] = (user.id in [u.id for u in deprovisioned], user.id in [u.id for u in listed])
        await client.delete_user(user.id)
        _, _, steps["gone"] = await client.get_user(user.id)
        staged = ok(await client.create_user(new_user_body("fay@example.com"), activate=False))
        steps["staged"] = (staged.status.value, authn(server, org, "fay@example.com", GOOD))
        await client.activate_user(staged.id, send_email=False)
        steps["activated"] = authn(server, org, "fay@example.com", GOOD)
        return steps
    steps = run(scenario())
    assert steps["suspended"] == ("SUSPENDED", 401) and steps["unsuspended"] == ("ACTIVE", 200)
    assert (steps["suspend again"].status, steps["suspend again"].error_code) == (400, "E0000001")
    assert steps["deactivated"] == (True, False)
    assert (steps["gone"].status, steps["gone"].error_code) == (404, "E0000007")
    assert steps["staged"] == ("STAGED", 401) and steps["activated"] == 200


def test_a_first_delete_deactivates_and_errors_are_oktas(server, org):
    async def scenario():
        client = okta_client(server, org)
        user = ok(await client.create_user(new_user_body("gil@example.com"), activate=True))
        await client.delete_user(user.id)
        after_one = ok(await client.get_user(user.id)).status.value
        _, _, duplicate = await client.create_user(new_user_body("ALICE@example.com"), activate=True)
        _, _, weak = await client.create_user(CreateUserRequest.from_dict({
            "profile": {"firstName": "W", "lastName": "K", "email": "weak@example.com", "login": "weak@example.com"},
            "credentials": {"password": {"value": "short"}}}))
        _, suspended_twice = await client.unsuspend_user(user.id)
        _, _, bad_token = await okta_client(server, org, token="wrong-token").list_users()
        return after_one, duplicate, weak, suspended_twice, bad_token
    after_one, duplicate, weak, unsuspend, bad_token = run(scenario())
    assert after_one == "DEPROVISIONED"
    assert isinstance(duplicate, OktaAPIError) and isinstance(bad_token, OktaAPIError)  # the SDK's error type
    assert (duplicate.status, duplicate.error_code, duplicate.error_summary) == (400, "E0000001", "Api validation failed: login")
    assert duplicate.error_causes[0]["errorSummary"].startswith("login: An object with this field already exists")
    assert (weak.status, weak.error_summary) == (400, "Api validation failed: password")
    assert unsuspend.error_code == "E0000001"
    assert (bad_token.status, bad_token.error_code) == (401, "E0000011")
    anonymous = httpx.get(org + "/api/v1/users", verify=server.verify)
    assert anonymous.status_code == 403 and anonymous.json()["errorCode"] == "E0000005"


def test_groups_crud_and_a_rename_carries_the_members(server, org):
    async def scenario():
        client = okta_client(server, org)
        seeded = ok(await client.list_groups(q="Eng"))
        group = ok(await client.add_group(AddGroupRequest.from_dict({"profile": {"name": "Ops"}})))
        alice = ok(await client.get_user("alice@example.com"))
        await client.assign_user_to_group(group.id, alice.id)
        renamed = ok(await client.replace_group(group.id, AddGroupRequest.from_dict({"profile": {"name": "SRE"}})))
        fetched = ok(await client.get_group(group.id))
        alice_groups = ok(await client.list_user_groups(alice.id))
        _, _, duplicate = await client.add_group(AddGroupRequest.from_dict({"profile": {"name": "SRE"}}))
        await client.delete_group(group.id)
        _, _, gone = await client.get_group(group.id)
        return seeded, renamed, fetched, alice_groups, duplicate, gone
    seeded, renamed, fetched, alice_groups, duplicate, gone = run(scenario())
    assert [group_name(g) for g in seeded] == ["Engineering"]
    assert group_name(renamed) == group_name(fetched) == "SRE" and fetched.id == renamed.id
    assert "SRE" in [group_name(g) for g in alice_groups]
    assert duplicate.error_code == "E0000001" and (gone.status, gone.error_code) == (404, "E0000007")
    claims = id_token_of(server, org, "alice@example.com", "alice-password")
    assert "SRE" not in claims["groups"] and "Engineering" in claims["groups"]


def org_access_token(server, org: str, scope: str) -> str:
    """A service app's client_credentials token of the org authorization server."""
    response = httpx.post(org + "/oauth2/v1/token", auth=("okta-service", "okta-service-secret"), verify=server.verify,
                          data={"grant_type": "client_credentials", "scope": scope})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_oauth_access_tokens_of_the_org_server_call_the_api_within_their_scopes(server, org):
    async def scenario():
        reader = okta_client(server, org, org_access_token(server, org, "okta.users.read"), mode="Bearer")
        listed = ok(await reader.list_users(q="Alice"))
        _, _, refused = await reader.create_user(new_user_body("ivy@example.com"), activate=True)
        manager = okta_client(server, org, org_access_token(server, org, "okta.users.manage okta.groups.manage"),
                              mode="Bearer")
        created = ok(await manager.create_user(new_user_body("ivy@example.com"), activate=True))
        return listed, refused, created
    listed, refused, created = run(scenario())
    assert [u.profile.login for u in listed] == ["alice@example.com"]
    assert (refused.status, refused.error_code) == (403, "E0000006")
    assert created.profile.login == "ivy@example.com"
    # Okta's API scopes are the org server's: a custom server does not define them (docs/vendors.md, "Okta scopes").
    custom = httpx.post(org + "/oauth2/default/v1/token", auth=("okta-service", "okta-service-secret"),
                        data={"grant_type": "client_credentials", "scope": "okta.users.read"}, verify=server.verify)
    assert (custom.status_code, custom.json()) == (400, {
        "error": "invalid_scope",
        "error_description": "One or more scopes are not configured for the authorization server resource."})


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/v1/users", b"not json"),
    ("POST", "/api/v1/users", b"[]"),
    ("POST", "/api/v1/users", b'{"profile": "x"}'),
    ("POST", "/api/v1/users", b'{"profile": {"login": "nope", "email": "x@y", "firstName": "a", "lastName": "b"}}'),
    ("POST", "/api/v1/users", b'{"profile": {"login": "a@b.c", "email": "a@b.c", "firstName": "a", "lastName": "b"},'
                              b' "credentials": {"password": "flat"}}'),
    ("GET", "/api/v1/users?search=profile.email%20eq", b""),
    ("GET", "/api/v1/users?filter=((((", b""),
    ("GET", "/api/v1/users?search=" + "(" * 600 + "id eq \"x\"" + ")" * 600, b""),
    ("GET", "/api/v1/users?search=" + "not " * 400 + "id eq \"x\"", b""),
    ("GET", "/api/v1/users?limit=abc", b""),
    ("GET", "/api/v1/users/nobody", b""),
    ("POST", "/api/v1/users/alice@example.com/lifecycle/explode", b""),
    ("PUT", "/api/v1/groups/00gnope/users/alice@example.com", b""),
    ("POST", "/api/v1/groups", b'{"profile": {}}'),
    ("GET", "/api/v1/groups?search=id%20zz%20%22x%22", b""),
    ("POST", "/api/v1/users", b'{"profile": {"login": "g@b.c", "email": "g@b.c", "firstName": "a", "lastName": "b"},'
                              b' "groupIds": [1, 2]}'),
    ("POST", "/api/v1/users", b'{"profile": {"login": "g@b.c", "email": "g@b.c", "firstName": "a", "lastName": "b"},'
                              b' "groupIds": "00g"}'),
    ("GET", "/api/v1/users?search=id%20pr&sortBy=profile.lastName&sortOrder=sideways", b""),
    ("POST", "/api/v1/users/alice@example.com/credentials/change_password", b"[]"),
    ("POST", "/api/v1/users/alice@example.com/credentials/change_password", b'{"oldPassword": 5, "newPassword": {}}'),
    ("POST", "/api/v1/users/alice@example.com/credentials/change_password",
     b'{"oldPassword": {"value": "alice-password"}, "newPassword": {"value": ["x"]}}'),
    ("POST", "/api/v1/authn/credentials/change_password", b'{"stateToken": ["x"], "oldPassword": 1}'),
    ("POST", "/api/v1/authn/cancel", b'{"stateToken": null}'),
    ("POST", "/api/v1/users/alice@example.com/lifecycle/unlock", b""),
])
def test_bad_input_gets_an_okta_error_body_never_a_500(server, org, method, path, body):
    response = httpx.request(method, org + path, content=body, verify=server.verify,
                             headers={"Authorization": f"SSWS {API_TOKEN}", "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    error = response.json()
    assert re.fullmatch(r"E\d{7}", error["errorCode"]) and error["errorSummary"] and isinstance(error["errorCauses"], list)


def test_an_api_the_mock_does_not_serve_is_oktas_not_found_for_the_sdk(server, org):
    async def scenario():
        client = okta_client(server, org)
        return await client.list_applications(), await client.list_factors("alice@example.com")
    (_, _, error), (factors, _, factors_error) = run(scenario())
    assert isinstance(error, OktaAPIError)
    assert (error.status, error.error_code) == (404, "E0000007")
    assert factors == [] and factors_error is None  # no factor is ever enrolled: a password signs in


@pytest.mark.parametrize("method, path, status, code", [
    ("PATCH", "/api/v1/users", 405, "E0000022"),
    ("DELETE", "/api/v1/groups", 405, "E0000022"),
    ("GET", "/api/v1/users/alice@example.com/lifecycle/activate", 405, "E0000022"),
    ("GET", "/api/v1/authn", 405, "E0000022"),
    ("GET", "/api/v1/logs", 404, "E0000007"),
    ("POST", "/api/v1/users/alice@example.com/factors", 405, "E0000022"),
    ("GET", "/api/v1/users/alice@example.com/appLinks", 404, "E0000007"),
])
def test_an_unserved_method_or_path_under_api_v1_is_oktas_error(server, org, method, path, status, code):
    response = httpx.request(method, org + path, verify=server.verify, headers={"Authorization": f"SSWS {API_TOKEN}"})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errorCode"] == body["errorLink"] == code and body["errorId"].startswith("oae")
    if status == 405:
        assert body["errorSummary"] == "The endpoint does not support the provided HTTP method"
        assert method not in response.headers["allow"].split(", ")
        served = httpx.request(response.headers["allow"].split(", ")[0], org + path, verify=server.verify,
                               headers={"Authorization": f"SSWS {API_TOKEN}"})
        assert served.status_code != 405


def test_activation_and_reset_links_expire_password_and_change_password(server, org):
    async def scenario():
        client = okta_client(server, org)
        staged = ok(await client.create_user(new_user_body("hal@example.com"), activate=False))
        steps = {"activation": ok(await client.activate_user(staged.id, send_email=False))}
        steps["expired"] = ok(await client.expire_password(staged.id)).status.value
        _, _, steps["wrong old"] = await client.change_password(staged.id, ChangePasswordRequest.from_dict(
            {"oldPassword": {"value": "not-it-1A"}, "newPassword": {"value": "N3w-password"}}))
        _, _, steps["weak"] = await client.change_password(staged.id, ChangePasswordRequest.from_dict(
            {"oldPassword": {"value": GOOD}, "newPassword": {"value": "weak"}}))
        steps["changed"] = ok(await client.change_password(staged.id, ChangePasswordRequest.from_dict(
            {"oldPassword": {"value": GOOD}, "newPassword": {"value": "N3w-password"}})))
        steps["active"] = ok(await client.get_user(staged.id)).status.value
        steps["reset"] = ok(await client.reset_password(staged.id, send_email=False))
        steps["recovery"] = ok(await client.get_user(staged.id)).status.value
        _, steps["unlock"] = await client.unlock_user(staged.id)
        provisioned = ok(await client.create_user(CreateUserRequest.from_dict({"profile": {
            "firstName": "P", "lastName": "V", "email": "pia@example.com", "login": "pia@example.com"}})))
        _, _, steps["activate provisioned"] = await client.activate_user(provisioned.id, send_email=False)
        steps["reactivation"] = ok(await client.reactivate_user(provisioned.id, send_email=False))
        _, _, steps["reactivate active"] = await client.reactivate_user("alice@example.com", send_email=False)
        return steps
    steps = run(scenario())
    token = steps["activation"].activation_token
    assert token and steps["activation"].activation_url == f"{org}/welcome/{token}"
    assert steps["expired"] == "PASSWORD_EXPIRED"
    assert (steps["wrong old"].status, steps["wrong old"].error_code) == (403, "E0000014")
    assert steps["wrong old"].error_causes == [{"errorSummary": "oldPassword: The credentials provided were incorrect."}]
    assert (steps["weak"].status, steps["weak"].error_code) == (403, "E0000014")
    assert steps["changed"].provider.type.value == "OKTA" and steps["active"] == "ACTIVE"
    assert authn(server, org, "hal@example.com", "N3w-password") == 200
    assert authn(server, org, "hal@example.com", GOOD) == 401
    assert steps["reset"].reset_password_url.startswith(org + "/reset_password/") and steps["recovery"] == "RECOVERY"
    assert (steps["unlock"].status, steps["unlock"].error_code) == (403, "E0000032")
    # A PROVISIONED user (no password yet) is reactivated for a new link, not activated again.
    assert (steps["activate provisioned"].status, steps["activate provisioned"].error_code) == (400, "E0000001")
    assert steps["reactivation"].activation_url.startswith(org + "/welcome/")
    assert (steps["reactivate active"].status, steps["reactivate active"].error_code) == (400, "E0000001")


def test_a_user_created_in_groups_and_told_to_change_the_password(server, org):
    async def scenario():
        client = okta_client(server, org)
        engineering = ok(await client.list_groups(q="Engineering"))[0]
        qa = ok(await client.add_group(AddGroupRequest.from_dict({"profile": {"name": "QA"}})))
        body = new_user_body("ida@example.com").to_dict() | {"groupIds": [engineering.id, qa.id]}
        user = ok(await client.create_user(CreateUserRequest.from_dict(body), activate=True,
                                           next_login=UserNextLogin.CHANGEPASSWORD))
        groups = [group_name(g) for g in ok(await client.list_user_groups(user.id))]
        _, _, unknown = await client.create_user(CreateUserRequest.from_dict(
            new_user_body("jon@example.com").to_dict() | {"groupIds": ["00gnot-a-group"]}))
        return user, groups, unknown
    user, groups, unknown = run(scenario())
    assert user.status.value == "PASSWORD_EXPIRED" and groups == ["Everyone", "Engineering", "QA"]
    assert (unknown.status, unknown.error_code, unknown.error_summary) == (400, "E0000001", "Api validation failed: groupIds")
    # Told to change it: the login page asks for a new password before the application gets a code.
    assert id_token_of(server, org, "ida@example.com", GOOD, new_password="N3w-password")["groups"] == ["Engineering", "QA"]
    assert authn(server, org, "ida@example.com", "N3w-password") == 200


def test_an_expired_password_is_changed_through_the_authn_transaction(server, org):
    async def scenario():
        client = okta_client(server, org)
        user = ok(await client.create_user(new_user_body("kim@example.com"), activate=True))
        ok(await client.expire_password(user.id))
    run(scenario())
    post = lambda path, body: httpx.post(org + path, json=body, verify=server.verify)  # noqa: E731
    assert post("/api/v1/authn", {"username": "kim@example.com", "password": "Wr0ng-password"}).status_code == 401
    started = post("/api/v1/authn", {"username": "kim@example.com", "password": GOOD}).json()
    assert started["status"] == "PASSWORD_EXPIRED" and "sessionToken" not in started
    assert started["_links"]["next"]["href"] == org + "/api/v1/authn/credentials/change_password"
    state = started["stateToken"]
    # The stateToken is no sessionToken: /authorize does not sign anyone in with it.
    refused = httpx.get(org + "/oauth2/default/v1/authorize", verify=server.verify, params={
        "client_id": "okta-web", "response_type": "code", "scope": "openid", "redirect_uri": REDIRECT,
        "state": "s", "nonce": "n", "prompt": "none", "sessionToken": state})
    assert "error=login_required" in refused.headers["location"]
    change = "/api/v1/authn/credentials/change_password"
    wrong = post(change, {"stateToken": state, "oldPassword": "nope", "newPassword": "N3w-password"})
    weak = post(change, {"stateToken": state, "oldPassword": GOOD, "newPassword": "weak"})
    assert (wrong.status_code, wrong.json()["errorCode"]) == (403, "E0000014")
    assert (weak.status_code, weak.json()["errorCode"]) == (403, "E0000080")
    done = post(change, {"stateToken": state, "oldPassword": GOOD, "newPassword": "N3w-password"})
    assert done.status_code == 200 and done.json()["status"] == "SUCCESS" and done.json()["sessionToken"]
    again = post(change, {"stateToken": state, "oldPassword": "N3w-password", "newPassword": "An0ther-password"})
    assert (again.status_code, again.json()["errorCode"]) == (401, "E0000011")
    assert post("/api/v1/authn", {"username": "kim@example.com", "password": "N3w-password"}).json()["status"] == "SUCCESS"
    assert post(change, {"stateToken": 7}).json()["errorCode"] == "E0000011"
    ok(asyncio.run(okta_client(server, org).expire_password("kim@example.com")))
    cancelled = post("/api/v1/authn", {"username": "kim@example.com", "password": "N3w-password"}).json()["stateToken"]
    assert post("/api/v1/authn/cancel", {"stateToken": cancelled}).status_code == 200
    assert post(change, {"stateToken": cancelled, "oldPassword": "N3w-password", "newPassword": "An0ther-password"}
                ).json()["errorCode"] == "E0000011"  # a cancelled transaction is over
    assert httpx.post(org + change, content=b"[]", verify=server.verify).json()["errorCode"] == "E0000003"


def test_search_results_sorted_and_paged_in_that_order(server, org):
    async def scenario():
        client = okta_client(server, org)
        for last in ("Moss", "Adams", "Zeller", "Adams"):
            ok(await client.create_user(new_user_body(f"{last.lower()}{secrets.token_hex(2)}@example.com", first="Sorted",
                                                      last=last), activate=False))
        query = {"search": 'profile.firstName eq "Sorted"', "sort_by": "profile.lastName", "sort_order": "desc"}
        everyone = ok(await client.list_users(**query))
        first, response, _ = await client.list_users(**query, limit=3)
        rest = ok(await client.list_users(**query, limit=3, after=PaginationHelper.extract_next_cursor(response.headers)))
        return everyone, first, rest
    everyone, first, rest = run(scenario())
    names = lambda users: [u.profile.last_name for u in users]  # noqa: E731
    assert names(everyone) == ["Zeller", "Moss", "Adams", "Adams"]
    adams = [u.id for u in everyone if u.profile.last_name == "Adams"]
    assert adams == sorted(adams)  # the same value: in id order
    assert [u.id for u in first + rest] == [u.id for u in everyone] and len(rest) == 1


def test_a_filter_takes_what_okta_filters_on_and_a_bad_query_is_e0000031(server, org):
    async def scenario():
        client = okta_client(server, org)
        kept = ok(await client.list_users(filter='status eq "ACTIVE" and lastUpdated gt "2000-01-01T00:00:00.000Z"'))
        refused = {}
        for name, query in [("sw in a filter", {"filter": 'profile.login sw "alice"'}),
                            ("another property", {"filter": 'profile.department eq "IT"'}),
                            ("not", {"filter": 'not (status eq "ACTIVE")'}),
                            ("broken search", {"search": 'profile.login eq'})]:
            _, _, refused[name] = await client.list_users(**query)
        by_search = ok(await client.list_users(search='profile.login sw "alice"'))
        return kept, refused, by_search
    kept, refused, by_search = run(scenario())
    assert "alice@example.com" in [u.profile.login for u in kept]
    assert [u.profile.login for u in by_search] == ["alice@example.com"]  # a search takes what a filter does not
    for name, error in refused.items():
        assert (error.status, error.error_code, error.error_summary) == (400, "E0000031", "Invalid search criteria."), name
        assert error.error_causes == [{"errorSummary": "Invalid search query."}], name
