"""Auth0 Organizations at the authorization endpoint: `organization=<org id or name>` signs a
member in to that organization, and the grant's tokens (refreshed ones too) carry `org_id`, and
`org_name` when the tenant allows organization names in the Authentication API. Facts and
sources: docs/vendors.md, "Auth0 Organizations".

- A name where the tenant takes ids only: invalid_request "authorization request parameter
  organization must be an organization id"; an unknown organization: invalid_request. Both are
  refused before the login page and redirected to the client (a verified redirect URI).
- A signed-in user who is not a member: access_denied "user <user_id> is not part of the
  <org_id> organization", redirected.
"""

import hashlib
from typing import Any

from ...config.fields import user_key
from ...oauth.errors import AccessDeniedError, InvalidRequestError, safe_description, with_case
from ..base import AUTHORIZATION_CONTEXT

ID_PREFIX = "org_"
CLAIMS = ("org_id", "org_name")


def org_id(tenant, organization) -> str:
    """The seed's id, else a stable one from tenant and name (Auth0's ids: org_ and 16 characters)."""
    return organization.id or ID_PREFIX + hashlib.sha256(f"{tenant.name}:{organization.name}".encode()).hexdigest()[:16]


def by_id(tenant, wanted: str):
    return next((o for o in tenant.config.organizations if org_id(tenant, o) == wanted), None)


def by_name(tenant, wanted: str):
    # Auth0's organization names are lower case; the SDKs compare org_name ignoring case.
    return next((o for o in tenant.config.organizations if o.name.lower() == wanted.lower()), None)


def is_member(tenant, organization, user) -> bool:
    insensitive = tenant.flavor.case_insensitive_usernames
    return user_key(user.username, insensitive) in {user_key(m, insensitive) for m in organization.members}


def authorization_context(issuer, data: dict[str, str], user) -> dict[str, Any] | None:
    """Flavor.authorization_context: the organization the request names, checked, as its claims."""
    wanted = data.get("organization")
    if not wanted:
        return None
    names_allowed = issuer.config.allow_organization_name_in_authentication_api
    if not wanted.startswith(ID_PREFIX) and not names_allowed:
        raise with_case(InvalidRequestError(), "organization_not_an_id")
    organization = by_id(issuer, wanted) or (by_name(issuer, wanted) if names_allowed else None)
    if organization is None:
        raise with_case(InvalidRequestError(), "organization_invalid", organization=safe_description(wanted[:100]))
    if user is None:
        return None  # the person signs in next; membership is checked then
    if not is_member(issuer, organization, user):
        raise with_case(AccessDeniedError(), "organization_not_member", user_id=issuer.subject(user),
                        org_id=org_id(issuer, organization))
    claims = {"org_id": org_id(issuer, organization)}
    if names_allowed:
        claims["org_name"] = organization.name
    return claims


def token_claims(ctx) -> dict[str, Any]:
    """The organization claims the grant kept, for an ID or access token."""
    kept = ctx.extra.get(AUTHORIZATION_CONTEXT) or {}
    return {name: kept[name] for name in CLAIMS if name in kept}
