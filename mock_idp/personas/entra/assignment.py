"""User assignment: an enterprise application (service principal) with "Assignment required?"
(`appRoleAssignmentRequired`) issues user tokens only to users assigned to it, directly or through
a group they are a direct member of; anyone else gets AADSTS50105 (docs/vendors.md, "Entra ID user
assignment"). It applies to the app signing the user in and to the API the token is for (an
on-behalf-of exchange included).

In the seed an application's settings are its client's (`clients[]`, by application id): the
flag, and `app_role_assigned_to`, its "Users and groups" (a user's UPN or object id, a group's
object id; as {principal, app_role}, with one of the app's roles, which reaches the `roles` claim:
claims.assigned_roles). An API of `apis` is the application its identifier names
(`api://<app id>`), and its own `app_role_assignment_required` counts too. A user's `roles` for an application (app-role
assignments) assign them to it as well.
"""

from ...config.errors import suggestion
from ...oauth.errors import ErrorPage
from . import claims as entra_claims
from . import errors
from . import scopes as entra_scopes

BLOCKED = ("AADSTS50105: Your administrator has configured the application {app} ('{app_id}') to block users "
           "unless they are specifically granted ('assigned') access to the application. The signed in user "
           "'{user}' is blocked because they are not a direct member of a group with access, nor had access "
           "directly assigned by an administrator. Please contact your administrator to assign access to "
           "this application.")
# Where the refusal goes, by channel (Flavor.check_user_access): the token endpoint's error is
# invalid_grant (400); a silent authorization request (prompt=none), which may show no page, is
# answered interaction_required; an interactive one (and the device page) stops on Entra's own
# page, never redirected.
ERROR_BY_CHANNEL = {"token": "invalid_grant", "redirect": "interaction_required"}


def check(issuer, client, user, scopes: list[str], channel: str) -> None:
    """Refuse `user` a token of `client` for `scopes` when an app involved requires assignment."""
    apps = [client.client_id]
    for resource in entra_scopes.resources_of(scopes):  # an authorization request may name several
        api = entra_scopes.check_resource(issuer, resource, scopes)
        if api is not None:
            apps.append(entra_scopes.audience_of(api))
    for app_id in apps:
        if required(issuer, app_id) and not assigned(issuer, user, app_id):
            refuse(issuer, app_id, user, channel)


def required(issuer, app_id: str) -> bool:
    client = issuer.find_client(app_id)
    return (client is not None and client.app_role_assignment_required) or any(
        api.app_role_assignment_required for api in apis_of(issuer, app_id))


def assigned(issuer, user, app_id: str) -> bool:
    """Assigned directly (UPN or object id), through a group the user is a direct member of, or by
    an app role the user holds in the application (their `roles` for it)."""
    roles = user.claims.get("roles")
    if (isinstance(roles, dict) and app_id in roles) or (isinstance(roles, list) and roles):
        return True
    mine = entra_claims.names_of(issuer.name, user)
    return any(principal.casefold() in mine
               for principal, _ in entra_claims.assignments(issuer.find_client(app_id)))


def apis_of(issuer, app_id: str) -> list:
    return [api for api in issuer.config.apis if entra_scopes.audience_of(api) == app_id]


def refuse(issuer, app_id: str, user, channel: str):
    client = issuer.find_client(app_id)
    apis = apis_of(issuer, app_id)
    name = (client.name if client else None) or next((api.name for api in apis if api.name), None) or app_id
    upn = user.claims.get("preferred_username") or user.username
    description = BLOCKED.format(app=name, app_id=app_id, user=upn)
    if channel == "page":
        raise errors.page_error(ErrorPage("access_denied", description, status_code=400))
    raise errors.EntraError(ERROR_BY_CHANNEL.get(channel, "invalid_grant"), description)


def seed_problems(tenant, client) -> list[tuple[tuple, str]]:
    """The client's application permissions name a tenant API and its app roles, and its assigned
    principals a seeded user (UPN or object id) or group (object id), as the portal offers only
    those: a typo would silently leave a daemon's `roles` short, or lock a user out."""
    problems = []
    apis = {api.identifier: api for api in tenant.apis}
    for identifier, roles in client.application_permissions.items():
        at = ("application_permissions", identifier)
        api = apis.get(identifier)
        if api is None:
            problems.append((at, f"no API {identifier!r} in the tenant's apis{suggestion(identifier, list(apis))}"))
            continue
        problems += [((*at, position), f"{identifier} has no app role {role!r}{suggestion(role, api.permissions)} "
                                       f"(its permissions: {', '.join(api.permissions) or 'none'})")
                     for position, role in enumerate(roles) if role not in api.permissions]
    known = known_principals(tenant)
    folded = {name.casefold(): name for name in known}
    for position, (principal, role) in enumerate(entra_claims.assignments(client)):
        if principal.casefold() not in folded:
            at = ("app_role_assigned_to", position) + (("principal",) if role else ())
            problems.append((at,
                             f"no user (UPN or object id) or group (object id) {principal!r} in the tenant"
                             f"{suggestion(principal, sorted(known))}"))
    return problems


def known_principals(tenant) -> set[str]:
    names = {group.id for group in tenant.groups if group.id}
    for user in tenant.users:
        names.add(user.username)
        for key in ("oid", "preferred_username"):
            if isinstance(user.claims.get(key), str):
                names.add(user.claims[key])
        names.update(group for group in user.claims.get("groups") or [] if isinstance(group, str))
    return names
