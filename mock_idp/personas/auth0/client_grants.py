"""Auth0 client grants: which APIs a machine-to-machine application may get tokens for, with which
scopes (the Management API's /api/v2/client-grants; the Dashboard's API > Machine to Machine
Applications, "Authorized" and its permissions). docs/vendors.md, "Auth0 client grants".

The seed writes them on the client: `client_grants: {<API identifier>: [scopes]}`, or a grant as
`{scopes, organization_usage, allow_any_organization, organizations}` (machine-to-machine access
for organizations: m2m_organizations.py). A client gets client_credentials tokens only for the
APIs it is granted (others, and every API for a client with no grants: 403 access_denied "... You
need to create a "client-grant" associated to this API.") and only the granted scopes (asking for
another: 403 "Client has not been granted scopes: ..."; asking for none: all the granted ones). The
Management API's grant is `management_scopes` (apis.py).
"""

from ...config.clients import ClientGrantConfig
from ...oauth.errors import safe_description
from .errors import AccessDeniedError, quoting_access_denied


def grant_of(client, audience: str) -> ClientGrantConfig | None:
    """The client's grant on `audience`, a list of scopes read as a grant of those scopes."""
    grant = (client.client_grants or {}).get(audience)
    return ClientGrantConfig(scopes=grant) if isinstance(grant, list) else grant


def check_audience(client, audience: str) -> None:
    if audience not in (client.client_grants or {}):
        raise quoting_access_denied(f'Client "{client.client_id}" is not authorized to access resource server '
                                    f'"{audience}". You need to create a "client-grant" associated to this API.')


def granted(client, audience: str, requested: list[str]) -> list[str]:
    """The client_credentials scopes of `client` on `audience` (check_audience has passed)."""
    grant = grant_of(client, audience)
    scopes = grant.scopes if grant is not None else []
    missing = [scope for scope in requested if scope not in scopes]
    if missing:
        raise AccessDeniedError(f"Client has not been granted scopes: {safe_description(', '.join(missing))}")
    return list(requested or scopes)


def seed_problems(tenant, client) -> list[tuple[tuple, str]]:
    """A grant on an API the tenant does not have, of a scope the API does not define, or with an
    organization the tenant does not have."""
    problems = []
    apis = {api.identifier: api for api in tenant.apis}
    organizations = {name for o in tenant.organizations for name in (o.name, o.id) if name}
    for audience, written in (client.client_grants or {}).items():
        api = apis.get(audience)
        if api is None:
            problems.append((("client_grants", audience), f"no API of the tenant has the identifier {audience!r} "
                                                          "(the Management API's grant is management_scopes)"))
            continue
        at = ("client_grants", audience) + (() if isinstance(written, list) else ("scopes",))
        grant = grant_of(client, audience)
        defined = set(api.scopes) | set(api.permissions)
        problems += [(at + (index,), f"the API {audience!r} defines no scope {scope!r}")
                     for index, scope in enumerate(grant.scopes) if scope not in defined]
        problems += [(("client_grants", audience, "organizations", index),
                      f"no organization of the tenant has the name or id {name!r}")
                     for index, name in enumerate(grant.organizations) if name not in organizations]
    default = client.default_organization
    if default is not None and default.organization_id not in organizations:
        problems.append((("default_organization", "organization_id"),
                         f"no organization of the tenant has the name or id {default.organization_id!r}"))
    return problems
