"""Auth0's Management API v2 as a backend calls it with auth0-python (`GetToken.client_credentials`
for the /api/v2/ audience, then `auth0.management.Auth0`), over --tls trusting only the local CA:
users created, searched, patched and deleted; roles with permissions assigned, and the RBAC API's
access token carries the role's permissions after a password-realm sign-in."""

import httpx
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management.core.api_error import ApiError
from auth0.management.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from auth0.management.types import PermissionRequestPayload
from auth0_management_support import (domain, management, management_token, server,  # noqa: F401 (fixtures)
                                      trust_the_local_ca, verified)

ORDERS = "https://orders.example.com"
GOOD = "Sup3r-secret!"
CONNECTION = "Username-Password-Authentication"


def test_the_management_token_carries_the_clients_granted_scopes(server, domain):
    claims = verified(server, domain, management_token(domain))
    assert claims["aud"] == f"https://{domain}/api/v2/" and claims["gty"] == "client-credentials"
    assert "create:users" in claims["scope"].split() and claims["sub"] == "backend@clients"
    narrowed = httpx.post(f"https://{domain}/oauth/token", verify=server.verify, json={
        "grant_type": "client_credentials", "client_id": "backend", "client_secret": "backend-secret",
        "audience": f"https://{domain}/api/v2/", "scope": "read:users"})
    assert verified(server, domain, narrowed.json()["access_token"])["scope"] == "read:users"
    refused = httpx.post(f"https://{domain}/oauth/token", verify=server.verify, json={
        "grant_type": "client_credentials", "client_id": "reader", "client_secret": "reader-secret",
        "audience": f"https://{domain}/api/v2/", "scope": "delete:users"})
    assert refused.status_code == 403 and refused.json()["error"] == "access_denied"
    assert refused.json()["error_description"] == "Client has not been granted scopes: delete:users"


def test_create_search_patch_and_delete_a_user(server, domain):
    api = management(server, domain, management_token(domain))
    created = api.users.create(connection=CONNECTION, email="carol@example.com", password=GOOD, given_name="Carol",
                               user_metadata={"plan": "silver", "theme": "dark"}, app_metadata={"tier": 2})
    assert created.user_id.startswith("auth0|") and created.email == "carol@example.com"
    assert created.identities[0].connection == CONNECTION and created.email_verified is False
    found = list(api.users.list(q='email:"carol@example.com"', search_engine="v3"))
    assert [user.user_id for user in found] == [created.user_id]
    assert [u.user_id for u in api.users.list(q="user_metadata.plan:silver")] == [created.user_id]
    assert {u.email for u in api.users.list(q="email:*@example.com AND NOT user_metadata.plan:gold")} >= {
        "carol@example.com"}
    assert "alice@example.com" not in {u.email for u in api.users.list(q="user_metadata.plan:silver")}
    by_email = api.users.list_users_by_email(email="CAROL@example.com")
    assert [user.user_id for user in by_email] == [created.user_id]

    patched = api.users.update(created.user_id, user_metadata={"plan": "gold", "theme": None}, blocked=True)
    assert patched.user_metadata == {"plan": "gold"} and patched.blocked is True
    # Only the top level merges (a nested object is replaced); an empty object removes it all.
    nested = api.users.update(created.user_id, app_metadata={"limits": {"orders": 5}})
    nested = api.users.update(created.user_id, app_metadata={"limits": {"invoices": 1}})
    assert nested.app_metadata == {"tier": 2, "limits": {"invoices": 1}}
    assert not api.users.update(created.user_id, app_metadata={}).app_metadata
    api.users.update(created.user_id, app_metadata={"tier": 2})
    assert sign_in(server, domain, "carol@example.com", GOOD).status_code == 403  # blocked
    api.users.update(created.user_id, blocked=False, password="An0ther-secret!")
    assert sign_in(server, domain, "carol@example.com", "An0ther-secret!").status_code == 200
    # One truth: /_admin shows the same user.
    shown = httpx.get(server.base_url + "/_admin/tenants/auth0/users/carol@example.com", verify=server.verify).json()
    assert shown["sub"] == created.user_id and shown["claims"]["app_metadata"] == {"tier": 2}
    api.users.delete(created.user_id)
    with pytest.raises(NotFoundError) as raised:
        api.users.get(created.user_id)
    assert raised.value.body == {"statusCode": 404, "error": "Not Found", "message": "The user does not exist.",
                                 "errorCode": "inexistent_user"}


def sign_in(server, domain: str, username: str, password: str) -> httpx.Response:
    return httpx.post(f"https://{domain}/oauth/token", verify=server.verify, json={
        "grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": "app",
        "client_secret": "app-secret", "username": username, "password": password, "realm": CONNECTION,
        "audience": ORDERS, "scope": "openid"})


def test_a_role_with_permissions_assigned_to_a_user_fills_the_rbac_tokens_permissions(server, domain):
    api = management(server, domain, management_token(domain))
    user = api.users.create(connection=CONNECTION, email="dave@example.com", password=GOOD)
    before = verified(server, domain, sign_in(server, domain, "dave@example.com", GOOD).json()["access_token"])
    assert before["permissions"] == []
    role = api.roles.create(name="order-writer", description="Writes orders")
    api.roles.permissions.add(role.id, permissions=[
        PermissionRequestPayload(resource_server_identifier=ORDERS, permission_name="write:orders")])
    api.users.roles.assign(user.user_id, roles=[role.id])
    assert [p.permission_name for p in api.roles.permissions.list(role.id)] == ["write:orders"]
    assert [r.name for r in api.users.roles.list(user.user_id)] == ["order-writer"]
    assert "order-writer" in [r.name for r in api.roles.list()]
    after = verified(server, domain, sign_in(server, domain, "dave@example.com", GOOD).json()["access_token"])
    assert after["permissions"] == ["write:orders"] and after["aud"][0] == ORDERS
    # A seeded user's role (order-reader) works the same way.
    alice = verified(server, domain, sign_in(server, domain, "alice@example.com", "alice-password").json()["access_token"])
    assert alice["permissions"] == ["read:orders"]


def test_errors_are_auth0s_error_bodies(server, domain):
    api = management(server, domain, management_token(domain))
    with pytest.raises(ConflictError) as conflict:
        api.users.create(connection=CONNECTION, email="alice@example.com", password=GOOD)
    assert conflict.value.body["errorCode"] == "auth0_idp_error" and conflict.value.status_code == 409
    with pytest.raises(BadRequestError) as weak:
        api.users.create(connection=CONNECTION, email="weak@example.com", password="short")
    assert weak.value.body["message"] == "PasswordStrengthError: Password is too weak"
    taken = api.users.create(connection=CONNECTION, email="taken@example.com", password=GOOD)
    with pytest.raises(BadRequestError) as clash:  # PATCH answers 400 here, where create answers 409
        api.users.update(taken.user_id, email="ALICE@example.com")
    assert clash.value.body == {"statusCode": 400, "error": "Bad Request", "errorCode": "auth0_idp_error",
                                "message": "The specified new email already exists"}
    with pytest.raises(BadRequestError) as no_connection:
        api.users.create(connection="nope", email="x@example.com", password=GOOD)
    assert no_connection.value.body["errorCode"] == "inexistent_connection"
    reader = management(server, domain, management_token(domain, "reader", "reader-secret"))
    with pytest.raises(ForbiddenError) as forbidden:
        reader.users.create(connection=CONNECTION, email="y@example.com", password=GOOD)
    assert forbidden.value.body == {"statusCode": 403, "error": "Forbidden", "errorCode": "insufficient_scope",
                                    "message": "Insufficient scope, expected any of: create:users"}
    anonymous = httpx.get(f"https://{domain}/api/v2/users", verify=server.verify)
    assert anonymous.status_code == 401 and anonymous.json()["message"] == "Missing authentication"


def test_pages_and_totals(server, domain):
    token = management_token(domain)
    paged = httpx.get(f"https://{domain}/api/v2/users", params={"per_page": 1, "page": 0, "include_totals": "true"},
                      headers={"Authorization": f"Bearer {token}"}, verify=server.verify).json()
    assert set(paged) == {"start", "limit", "length", "total", "users"}
    assert (paged["start"], paged["limit"], paged["length"]) == (0, 1, 1) and paged["total"] >= 1
    plain = httpx.get(f"https://{domain}/api/v2/users", params={"per_page": 1},
                      headers={"Authorization": f"Bearer {token}"}, verify=server.verify).json()
    assert isinstance(plain, list) and len(plain) == 1


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/v2/users", b"not json"),
    ("POST", "/api/v2/users", b'{"email": "a@b.c", "password": "Sup3r-secret!"}'),
    ("POST", "/api/v2/users", b'{"connection": "Username-Password-Authentication", "email": "a@b.c", "shoe": 1}'),
    ("POST", "/api/v2/users", b'{"connection": "Username-Password-Authentication", "email": "a@b.c", '
                              b'"password": "Sup3r-secret!", "user_metadata": "x"}'),
    ("GET", "/api/v2/users?q=email:(", b""),
    ("GET", "/api/v2/users?q=" + "(" * 600 + "email:x" + ")" * 600, b""),
    ("GET", "/api/v2/users?q=" + "NOT " * 400 + "email:x", b""),
    ("GET", "/api/v2/users?per_page=1000", b""),
    ("GET", "/api/v2/users?page=x", b""),
    ("GET", "/api/v2/users-by-email", b""),
    ("GET", "/api/v2/users/auth0%7Cnobody", b""),
    ("POST", "/api/v2/roles", b"{}"),
    ("POST", "/api/v2/roles/rol_nope/permissions", b'{"permissions": []}'),
    ("GET", "/api/v2/users?sort=:1", b""),
    ("GET", "/api/v2/users?sort=email:2", b""),
    ("GET", "/api/v2/users?q=created_at:%5B%20TO", b""),
    ("GET", "/api/v2/users?q=created_at:%7Bx", b""),
    ("GET", "/api/v2/roles/rol_3833ebcdb66b7eec/users?take=0", b""),
    ("GET", "/api/v2/roles/rol_3833ebcdb66b7eec/users?take=abc", b""),
    ("GET", "/api/v2/roles/rol_3833ebcdb66b7eec/users?from=-1", b""),
    ("POST", "/api/v2/users/auth0%7Cnobody/permissions", b'{"permissions": []}'),
    ("PATCH", "/api/v2/roles/rol_nope", b'{"name": 5}'),
    ("PATCH", "/api/v2/users/auth0%7Cnobody", b'{"email": 5}'),
])
def test_bad_input_gets_an_auth0_error_never_a_500(server, domain, method, path, body):
    token = management_token(domain)
    response = httpx.request(method, f"https://{domain}{path}", content=body, verify=server.verify,
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    error = response.json()
    assert error["statusCode"] == response.status_code and error["error"] and error["message"]


NOT_FOUND = {"statusCode": 404, "error": "Not Found", "message": "Not Found"}


def test_an_api_the_mock_does_not_serve_is_auth0s_not_found_for_the_sdk(server, domain):
    api = management(server, domain, management_token(domain))
    with pytest.raises(ApiError) as raised:  # the SDK's base error: its clients API names no 404
        api.clients.list()
    assert (raised.value.status_code, raised.value.body) == (404, NOT_FOUND)


@pytest.mark.parametrize("method, path", [("PUT", "/api/v2/users"), ("POST", "/api/v2/users-by-email"),
                                          ("GET", "/api/v2/logs"), ("DELETE", "/api/v2/users/auth0%7Cx/sessions")])
def test_an_unserved_method_or_path_under_api_v2_is_auth0s_404(server, domain, method, path):
    response = httpx.request(method, f"https://{domain}{path}", verify=server.verify,
                             headers={"Authorization": f"Bearer {management_token(domain)}"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_users_sorted_and_their_fields_chosen(server, domain):
    api = management(server, domain, management_token(domain))
    for name in ("amy", "zoe"):
        api.users.create(connection=CONNECTION, email=f"{name}-sorted@example.com", password=GOOD, name=name)
    q = 'email:*-sorted@example.com'
    descending = [u.email for u in api.users.list(q=q, sort="email:-1")]
    assert descending == ["zoe-sorted@example.com", "amy-sorted@example.com"]
    assert [u.email for u in api.users.list(q=q, sort="email:1")] == descending[::-1]
    token = management_token(domain)
    chosen = httpx.get(f"https://{domain}/api/v2/users", verify=server.verify, headers={"Authorization": f"Bearer {token}"},
                       params={"q": q, "fields": "email,name", "include_fields": "true", "sort": "name:1"}).json()
    assert chosen == [{"email": "amy-sorted@example.com", "name": "amy"}, {"email": "zoe-sorted@example.com", "name": "zoe"}]
    user_id = [u.user_id for u in api.users.list(q='email:"amy-sorted@example.com"')][0]
    left_out = api.users.get(user_id, fields="identities,user_metadata,app_metadata,picture", include_fields=False)
    assert left_out.email == "amy-sorted@example.com" and left_out.identities is None and left_out.picture is None
    by_email = httpx.get(f"https://{domain}/api/v2/users-by-email", verify=server.verify,
                         headers={"Authorization": f"Bearer {token}"},
                         params={"email": "zoe-sorted@example.com", "fields": "user_id"}).json()
    assert list(by_email[0]) == ["user_id"]
    bad = httpx.get(f"https://{domain}/api/v2/users", params={"sort": "email"}, verify=server.verify,
                    headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400 and bad.json()["errorCode"] == "invalid_query_string"


def test_a_blocked_user_is_told_so_at_sign_in_and_refresh_as_auth0_does(server, domain):
    api = management(server, domain, management_token(domain))
    user = api.users.create(connection=CONNECTION, email="bea@example.com", password=GOOD)
    client = GetToken(domain, "app", client_secret="app-secret")
    tokens = client.login("bea@example.com", GOOD, realm=CONNECTION, scope="openid offline_access", audience=ORDERS)
    api.users.update(user.user_id, blocked=True)
    for attempt in (lambda: client.login("bea@example.com", GOOD, realm=CONNECTION),
                    lambda: client.refresh_token(tokens["refresh_token"])):
        with pytest.raises(Auth0Error) as refused:
            attempt()
        assert (refused.value.status_code, refused.value.error_code, refused.value.message) == (
            403, "invalid_grant", "user is blocked")
    with pytest.raises(Auth0Error) as wrong:  # a wrong password says nothing of the block
        client.login("bea@example.com", "Wr0ng-password!", realm=CONNECTION)
    assert wrong.value.message == "Wrong email or password."
    api.users.update(user.user_id, blocked=False)
    assert "access_token" in client.refresh_token(tokens["refresh_token"])


def test_a_roles_users_come_in_checkpoint_pages(server, domain):
    api = management(server, domain, management_token(domain))
    role = api.roles.create(name="pager-role")
    ids = [api.users.create(connection=CONNECTION, email=f"member{n}@example.com", password=GOOD).user_id
           for n in range(3)]
    api.roles.users.assign(role.id, users=ids)
    members = list(api.roles.users.list(role.id, take=2))  # the SDK follows `next` to the last page
    assert sorted(m.user_id for m in members) == sorted(ids)
    assert all(m.picture and m.email.startswith("member") for m in members)
    first = httpx.get(f"https://{domain}/api/v2/roles/{role.id}/users", params={"take": 2}, verify=server.verify,
                      headers={"Authorization": f"Bearer {management_token(domain)}"}).json()
    assert len(first["users"]) == 2 and first["next"]
    last = httpx.get(f"https://{domain}/api/v2/roles/{role.id}/users", params={"take": 2, "from": first["next"]},
                     verify=server.verify, headers={"Authorization": f"Bearer {management_token(domain)}"}).json()
    assert len(last["users"]) == 1 and "next" not in last


def test_users_searched_by_ranges(server, domain):
    api = management(server, domain, management_token(domain))
    api.users.create(connection=CONNECTION, email="rita-range@example.com", password=GOOD)
    emails = lambda q: {u.email for u in api.users.list(q=q)}  # noqa: E731
    assert emails("created_at:[* TO 2024-01-01]") == {"alice@example.com"}  # the seeded user, made in 2023
    assert "rita-range@example.com" in emails("created_at:{2024-01-01 TO *]")
    assert "alice@example.com" not in emails("created_at:{2024-01-01 TO *]")
    assert emails('email:[rita-range@example.com TO rita-range@example.com] AND NOT email:"alice@example.com"') == {
        "rita-range@example.com"}
    token = management_token(domain)
    for broken in ("created_at:[2024-01-01 TO", "created_at:[2024-01-01 2025-01-01]"):
        response = httpx.get(f"https://{domain}/api/v2/users", params={"q": broken}, verify=server.verify,
                             headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400 and response.json()["errorCode"] == "invalid_query_string"


def test_a_users_own_permissions_added_and_removed_fill_the_rbac_token(server, domain):
    api = management(server, domain, management_token(domain))
    user = api.users.create(connection=CONNECTION, email="pat@example.com", password=GOOD)
    write = [PermissionRequestPayload(resource_server_identifier=ORDERS, permission_name="write:orders")]
    api.users.permissions.create(user.user_id, permissions=write)
    assert [p.permission_name for p in api.users.permissions.list(user.user_id)] == ["write:orders"]
    token = sign_in(server, domain, "pat@example.com", GOOD).json()["access_token"]
    assert verified(server, domain, token)["permissions"] == ["write:orders"]
    api.users.permissions.delete(user.user_id, permissions=write)
    assert list(api.users.permissions.list(user.user_id)) == []
    with pytest.raises(ApiError) as unknown:
        api.users.permissions.create(user.user_id, permissions=[
            PermissionRequestPayload(resource_server_identifier=ORDERS, permission_name="fly:orders")])
    assert unknown.value.status_code == 400


def test_a_renamed_role_keeps_its_id_users_and_permissions(server, domain):
    api = management(server, domain, management_token(domain))
    user = api.users.create(connection=CONNECTION, email="ren@example.com", password=GOOD)
    role = api.roles.create(name="old-name", description="Before")
    api.roles.permissions.add(role.id, permissions=[
        PermissionRequestPayload(resource_server_identifier=ORDERS, permission_name="write:orders")])
    api.users.roles.assign(user.user_id, roles=[role.id])
    renamed = api.roles.update(role.id, name="new-name")
    assert (renamed.id, renamed.name, renamed.description) == (role.id, "new-name", "Before")
    assert [r.name for r in api.users.roles.list(user.user_id)] == ["new-name"]
    assert [p.permission_name for p in api.roles.permissions.list(role.id)] == ["write:orders"]
    token = sign_in(server, domain, "ren@example.com", GOOD).json()["access_token"]
    assert verified(server, domain, token)["permissions"] == ["write:orders"]
    with pytest.raises(ApiError) as taken:  # the SDK's base error: its roles.update names no 409
        api.roles.update(role.id, name="order-reader")  # the seed's role
    assert taken.value.status_code == 409
