"""The tenant's Auth0 Organizations as records: their ids, lookups by id and name, membership, and
the Management API's 404 for one not found. What the authorization endpoint does with them:
organizations.py; the API: organizations_api.py and organization_writes.py; invitations.py."""

import hashlib

from ...config.fields import user_key
from .management import ManagementError

ID_PREFIX = "org_"


def org_id(tenant, organization) -> str:
    """The seed's id, else a stable one from tenant and name (Auth0's ids: org_ and 16 characters)."""
    return organization.id or ID_PREFIX + hashlib.sha256(f"{tenant.name}:{organization.name}".encode()).hexdigest()[:16]


def by_id(tenant, wanted: str):
    return next((o for o in tenant.organizations if org_id(tenant, o) == wanted), None)


def by_name(tenant, wanted: str):
    # Auth0's organization names are lower case; the SDKs compare org_name ignoring case.
    return next((o for o in tenant.organizations if o.name.lower() == wanted.lower()), None)


def is_member(tenant, organization, user) -> bool:
    insensitive = tenant.flavor.case_insensitive_usernames
    return user_key(user.username, insensitive) in {user_key(m, insensitive) for m in organization.members}


def not_found() -> ManagementError:
    return ManagementError(404, "No organization found by that id or name", "inexistent_organization")


def found(tenant, wanted: str):
    organization = by_id(tenant, wanted)
    if organization is None:
        raise not_found()
    return organization
