"""Auth0's machine-to-machine access for organizations: a client_credentials request may name an
`organization` (id, or name where the tenant allows names) and its access token then carries
`org_id` (and `org_name`), as the grant on the API allows. Facts: docs/vendors.md, "Auth0
Organizations".

The grant's `organization_usage`: deny (the default) refuses `organization`; allow takes it or
not; require needs one, else the client's `default_organization` (flows: client_credentials) is
used, else refused. An organization is usable when the grant has `allow_any_organization`, or is
associated with it (the seed's `organizations` on the grant).
"""

from typing import Any

from ...oauth.errors import InvalidRequestError, with_case
from .apis import management_audience
from .client_grants import grant_of
from .errors import quoting_access_denied
from .organization_records import by_id, by_name, org_id
from .organizations import claims_of, named


def client_credentials_context(issuer, client, data: dict[str, str], audience: str | None) -> dict[str, Any] | None:
    """The organization claims of a client_credentials token, checked against the client's grant."""
    # The Management API's grant (management_scopes) has no organization settings: deny.
    grant = grant_of(client, audience) if audience and audience != management_audience(issuer) else None
    usage = (grant.organization_usage if grant is not None else None) or "deny"
    wanted = data.get("organization")
    if wanted and usage == "deny":
        raise with_case(InvalidRequestError(), "organization_not_allowed")
    if wanted:
        organization = named(issuer, wanted)
    elif usage == "require":
        organization = default_organization(issuer, client)
    else:
        return None
    if not grant.allow_any_organization and not associated(issuer, grant, organization):
        raise quoting_access_denied(f'Client "{client.client_id}" is not authorized to access organization '
                                    f'"{org_id(issuer, organization)}" for resource server "{audience}".')
    return claims_of(issuer, organization)


def default_organization(issuer, client):
    """The client's default organization for client_credentials, else Auth0's invalid_request."""
    default = client.default_organization
    if default is None or "client_credentials" not in default.flows:
        raise with_case(InvalidRequestError(), "organization_required")
    found = by_id(issuer, default.organization_id) or by_name(issuer, default.organization_id)
    if found is None:  # deleted at run time since the seed named it
        raise with_case(InvalidRequestError(), "organization_required")
    return found


def associated(issuer, grant, organization) -> bool:
    return bool({org_id(issuer, organization), organization.name} & set(grant.organizations))
