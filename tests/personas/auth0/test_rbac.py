"""Auth0 RBAC on an API (resource server), as auth0-python sees it over --tls, trusting only the
local CA: with `enforce_policies` a user's token keeps only the requested scopes their roles grant;
with `token_dialect: access_token_authz` it also carries every permission they hold in `permissions`;
without RBAC the requested scopes pass and no `permissions` claim is added (docs/vendors.md 6d)."""

import pytest
from auth0.authentication import GetToken
from auth0.management import Auth0
from auth0.management.types import PermissionRequestPayload
from auth0_management_support import (domain, management_token, server,  # noqa: F401 (fixtures)
                                      trust_the_local_ca, verified)
from auth0_management_support import management as management_client

ORDERS = "https://orders.example.com"        # enforce_policies, access_token_authz
INVOICES = "https://invoices.example.com"    # enforce_policies, access_token (no permissions claim)
CATALOG = "https://catalog.example.com"      # RBAC off
CONNECTION = "Username-Password-Authentication"
PASSWORD = "Sup3r-secret!"


@pytest.fixture
def management(server, domain) -> Auth0:
    return management_client(server, domain, management_token(domain))


def signed_in(server, domain: str, username: str, audience: str, scope: str,
              password: str = PASSWORD) -> tuple[dict, dict]:
    """GetToken.login (password-realm): the token response and the verified access token's claims."""
    tokens = GetToken(domain, "app", client_secret="app-secret").login(
        username, password, scope=scope, realm=CONNECTION, audience=audience)
    return tokens, verified(server, domain, tokens["access_token"])


def new_user_with_role(management: Auth0, email: str, role_name: str, api: str, permission: str) -> str:
    user = management.users.create(connection=CONNECTION, email=email, password=PASSWORD)
    role = management.roles.create(name=role_name)
    management.roles.permissions.add(role.id, permissions=[
        PermissionRequestPayload(resource_server_identifier=api, permission_name=permission)])
    management.users.roles.assign(user.user_id, roles=[role.id])
    return user.user_id


def test_rbac_keeps_only_the_requested_scopes_the_users_roles_grant(server, domain, management):
    new_user_with_role(management, "rita@example.com", "order-writers", ORDERS, "write:orders")
    tokens, claims = signed_in(server, domain, "rita@example.com", ORDERS, "openid profile read:orders write:orders")
    assert tokens["scope"] == claims["scope"] == "openid profile write:orders"
    assert claims["permissions"] == ["write:orders"] and claims["aud"][0] == ORDERS


def test_the_permissions_claim_lists_every_permission_held_even_unrequested(server, domain):
    # alice's seeded role order-reader holds read:orders; she asks for no API scope at all.
    tokens, claims = signed_in(server, domain, "alice@example.com", ORDERS, "openid", "alice-password")
    assert tokens["scope"] == claims["scope"] == "openid"
    assert claims["permissions"] == ["read:orders"]


def test_a_role_taken_away_takes_its_scope_from_the_next_token(server, domain, management):
    user_id = new_user_with_role(management, "tom@example.com", "order-readers-too", ORDERS, "read:orders")
    assert signed_in(server, domain, "tom@example.com", ORDERS, "read:orders")[1]["scope"] == "read:orders"
    role = next(r for r in management.users.roles.list(user_id) if r.name == "order-readers-too")
    management.users.roles.delete(user_id, roles=[role.id])
    tokens, claims = signed_in(server, domain, "tom@example.com", ORDERS, "read:orders")
    assert "scope" not in tokens and "scope" not in claims  # none granted: Auth0 sends no scope
    assert claims["permissions"] == []


def test_rbac_with_the_plain_dialect_trims_scopes_and_adds_no_permissions_claim(server, domain, management):
    new_user_with_role(management, "ivy@example.com", "invoice-readers", INVOICES, "read:invoices")
    tokens, claims = signed_in(server, domain, "ivy@example.com", INVOICES, "openid read:invoices pay:invoices")
    assert tokens["scope"] == claims["scope"] == "openid read:invoices"
    assert "permissions" not in claims


def test_without_rbac_the_requested_scopes_pass_and_no_permissions_claim(server, domain):
    tokens, claims = signed_in(server, domain, "alice@example.com", CATALOG, "openid read:catalog edit:catalog",
                               "alice-password")
    assert tokens["scope"] == claims["scope"] == "openid read:catalog edit:catalog"
    assert "permissions" not in claims


def test_a_machine_to_machine_token_carries_its_granted_scopes_as_permissions(server, domain):
    client = GetToken(domain, "backend", client_secret="backend-secret")
    orders = verified(server, domain, client.client_credentials(ORDERS)["access_token"])
    assert orders["gty"] == "client-credentials" and orders["scope"] == "read:orders write:orders"
    assert orders["permissions"] == ["read:orders", "write:orders"]
    catalog = verified(server, domain, client.client_credentials(CATALOG)["access_token"])
    assert catalog["scope"] == "read:catalog edit:catalog" and "permissions" not in catalog
