"""Auth0 Organizations at the authorization endpoint: `organization=<org id or name>` signs a
member in to that organization, and the grant's tokens (refreshed ones too) carry `org_id`, and
`org_name` when the tenant allows organization names in the Authentication API. Facts and
sources: docs/vendors.md, "Auth0 Organizations".

- A name where the tenant takes ids only: invalid_request "authorization request parameter
  organization must be an organization id"; an unknown organization: invalid_request. Both are
  refused before the login page and redirected to the client (a verified redirect URI).
- A signed-in user who is not a member: access_denied "user <user_id> is not part of the
  <org_id> organization", redirected.
- The application's organization behavior: `organization_usage` deny (the default) refuses
  `organization=` (invalid_request "parameter organization is not allowed for this client");
  require without it refuses (invalid_request "parameter organization is required for this
  client") or, with `organization_require_behavior` pre_login_prompt / post_login_prompt, sends
  the person to the organization prompt (organization_prompt.py) before or after they sign in.
"""

from typing import Any

from ...oauth.authorize import NeedsInteraction
from ...oauth.errors import (AccessDeniedError, InteractionRequiredError, InvalidRequestError, safe_description,
                             with_case)
from ..base import AUTHORIZATION_CONTEXT
from . import invitations
from .organization_prompt import prompt_url
from .organization_records import ID_PREFIX, by_id, by_name, is_member, org_id

CLAIMS = ("org_id", "org_name")


def authorization_context(issuer, client, data: dict[str, str], user) -> dict[str, Any] | None:
    """Flavor.authorization_context: the organization the request names, checked, as its claims."""
    wanted = data.get("organization")
    usage = client.organization_usage or "deny"
    if wanted and usage == "deny":
        raise with_case(InvalidRequestError(), "organization_not_allowed")
    if not wanted:
        if data.get("invitation"):
            raise with_case(InvalidRequestError(), "invitation_without_organization")
        if usage == "require":
            ask_for_organization(issuer, client, data, user)
        return None
    organization = named(issuer, wanted)
    ticket = data.get("invitation")
    invitation = invitations.pending(issuer.tenant, organization, ticket, client.client_id) if ticket else None
    if user is None:
        return None  # the person signs in next; membership is checked then
    if invitation is not None:
        invitations.accept(issuer.tenant, organization, invitation, user)  # a member from now on
    elif not is_member(issuer, organization, user):
        raise with_case(AccessDeniedError(), "organization_not_member", user_id=issuer.subject(user),
                        org_id=org_id(issuer, organization))
    return claims_of(issuer, organization)


def named(issuer, wanted: str):
    """The organization an Authentication API request names: by id, or by name where the tenant
    allows names; else Auth0's invalid_request."""
    names_allowed = issuer.config.allow_organization_name_in_authentication_api
    if not wanted.startswith(ID_PREFIX) and not names_allowed:
        raise with_case(InvalidRequestError(), "organization_not_an_id")
    organization = by_id(issuer, wanted) or (by_name(issuer, wanted) if names_allowed else None)
    if organization is None:
        raise with_case(InvalidRequestError(), "organization_invalid", organization=safe_description(wanted[:100]))
    return organization


def claims_of(issuer, organization) -> dict[str, Any]:
    """org_id, and org_name where the tenant allows names in the Authentication API."""
    claims = {"org_id": org_id(issuer, organization)}
    if issuer.config.allow_organization_name_in_authentication_api:
        claims["org_name"] = organization.name
    return claims


def ask_for_organization(issuer, client, data: dict[str, str], user) -> None:
    """An organization is required and none was sent: Auth0's error, or its prompt (before the
    login page, or once the person has signed in)."""
    behavior = client.organization_require_behavior or "no_prompt"
    if behavior == "no_prompt":
        raise with_case(InvalidRequestError(), "organization_required")
    if behavior == "post_login_prompt" and user is None:
        return  # the login page first; asked again once the person is known
    if "none" in (data.get("prompt") or "").split():
        # OIDC Core §3.1.2.6: a page would be needed, and prompt=none allows none.
        raise with_case(InteractionRequiredError(), "organization_required")
    raise NeedsInteraction(prompt_url(issuer, data))


def seed_problems(client) -> list[tuple[tuple, str]]:
    """A prompt behavior where no organization is required (Auth0 applies it only to require)."""
    if client.organization_require_behavior is not None and client.organization_usage != "require":
        return [(("organization_require_behavior",), "applies only when organization_usage is 'require' "
                                                     f"(it is {client.organization_usage or 'deny (the default)'!r})")]
    return []


def token_claims(ctx) -> dict[str, Any]:
    """The organization claims the grant kept, for an ID or access token."""
    kept = ctx.extra.get(AUTHORIZATION_CONTEXT) or {}
    return {name: kept[name] for name in CLAIMS if name in kept}
