"""A tenant's users and what they belong to: groups (Okta, Cognito), roles (Auth0 RBAC) and
organizations (Auth0 Organizations)."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from .base import SeedModel
from .fields import NonEmptyStr, Username


class UserConfig(SeedModel):
    username: Username  # NFC, no invisible characters (fields.normalise_username)
    password: str
    sub: str | None = None
    claims: dict[str, Any] = {}
    permissions: list[str] | None = None
    # Auth0: the database connection the user belongs to (the `realm` of password-realm, the
    # `connection` of /dbconnections/*).
    connection: NonEmptyStr = "Username-Password-Authentication"
    # Kept by the vendors' management APIs (a seed may set them too). A disabled user signs in
    # nowhere (Cognito AdminDisableUser, Okta suspend/deactivate, Auth0 `blocked`); `status` is the
    # vendor's lifecycle word (Cognito FORCE_CHANGE_PASSWORD, Okta STAGED...), unset for a seeded user.
    enabled: bool = True
    roles: list[str] = []  # Auth0: names of the tenant's roles the user has
    status: str | None = None
    confirmation_code: str | None = None  # a pending sign-up's code (Cognito ConfirmSignUp)
    # Cognito: when that code expires (Unix seconds; unset: never, as a seeded code) and how many
    # wrong codes were tried against it (personas/cognito/codes.py).
    code_expires_at: int | None = None
    code_failures: int | None = None
    created_at: int | None = None  # Unix seconds, for users made at run time
    updated_at: int | None = None


class GroupConfig(SeedModel):
    """A group of the tenant's users: members name it in their `groups` claim. Cognito's groups
    have a precedence and an IAM role; Okta's an id and a description."""

    name: NonEmptyStr
    description: str | None = None
    precedence: int | None = None
    role_arn: str | None = None
    id: str | None = None
    created_at: int | None = None
    updated_at: int | None = None

class RolePermissionConfig(SeedModel):
    api: NonEmptyStr  # an API's identifier (Auth0: resource_server_identifier)
    permission: NonEmptyStr


class RoleConfig(SeedModel):
    """Auth0: a role, its permissions on the tenant's APIs; users name it in their `roles`."""

    name: NonEmptyStr
    id: str | None = None
    description: str | None = None
    permissions: list[RolePermissionConfig] = []
    created_at: int | None = None
    updated_at: int | None = None


class InvitationConfig(SeedModel):
    """Auth0: an invitation to join an organization (Management API .../organizations/{id}/invitations):
    the ticket /authorize takes as `invitation=`, the application, whom it invites, until when."""

    id: NonEmptyStr  # uinv_...
    ticket_id: NonEmptyStr
    client_id: NonEmptyStr
    invitee_email: NonEmptyStr
    inviter_name: NonEmptyStr
    created_at: int | None = None
    expires_at: int | None = None  # Unix seconds; unset: never (a seeded invitation)
    roles: list[str] = []


class OrganizationConfig(SeedModel):
    """Auth0: an organization (B2B customer) and the usernames of its members. Unset, `id` is a
    stable `org_<16 hex>` made from the tenant and the name (personas/auth0/organizations.py)."""

    name: NonEmptyStr  # Auth0: the unique, URL-safe identifier; display_name is for people
    display_name: str | None = None
    id: NonEmptyStr | None = None
    members: list[Username] = []
    metadata: dict[str, str] = {}  # Auth0: at most 25 string values
    branding: dict[str, Any] | None = None  # Auth0: {logo_url, colors: {primary, page_background}}, kept as given
    invitations: list[InvitationConfig] = []  # pending; an accepted one is removed
    created_at: int | None = None  # Unix seconds, for organizations made at run time
    updated_at: int | None = None

    @field_validator("id")
    @classmethod
    def _an_auth0_id(cls, value: str | None) -> str | None:
        # /authorize tells ids from names by this prefix (and so do the SDKs checking org_id).
        if value is not None and not value.startswith("org_"):
            raise ValueError(f"an organization id starts with 'org_' (Auth0's ids do), not {value!r}")
        return value
