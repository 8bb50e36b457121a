"""Entra's scopes: `<resource>/<scope>`, where the resource is an API's Application ID URI
(`api://<guid>`, seeded as the tenant's `apis`), `<resource>/.default` for every permission the
app has, bare names for Microsoft Graph, and the OIDC scopes. One resource per request."""

from .errors import EntraError

OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
GRAPH = "00000003-0000-0000-c000-000000000000"  # Microsoft Graph's application id: `aud` of its tokens
# Bare scope names (`User.Read`) are Graph's; Graph is named by its URI or its application id too.
GRAPH_NAMES = frozenset({"https://graph.microsoft.com", GRAPH})


def split(scope: str) -> tuple[str | None, str]:
    """("api://guid", "access_as_user") for "api://guid/access_as_user"; (None, name) for bare names."""
    resource, slash, name = scope.rpartition("/")
    return (resource, name) if slash and resource else (None, scope)


def resource_of(issuer, scopes: list[str], client=None):
    """The seeded API the scopes are for (None: Graph or no resource); Entra's errors otherwise.
    A token is for one resource: more is AADSTS28000 (an authorization request may name several,
    check_authorization_scopes)."""
    resources = resources_of(scopes)
    if len(resources) > 1:
        raise EntraError("invalid_scope", "AADSTS28000: Provided value for the input parameter scope is not valid "
                                          f"because it contains more than one resource. Scope {' '.join(scopes)} "
                                          "is not valid.")
    return check_resource(issuer, resources.pop(), scopes, client) if resources else None


def resources_of(scopes: list[str]) -> set[str]:
    """The resources the scopes name (Graph's under one name); the OIDC scopes name none."""
    named = {split(scope)[0] or "https://graph.microsoft.com" for scope in scopes if scope not in OIDC_SCOPES}
    return {"https://graph.microsoft.com" if resource in GRAPH_NAMES else resource for resource in named}


def check_resource(issuer, resource: str, scopes: list[str], client=None):
    """The seeded API named `resource`, each of its scopes among `scopes` one it defines (None:
    Microsoft Graph, whose scopes are not checked)."""
    if resource in GRAPH_NAMES:
        return None
    api = next((api for api in issuer.config.apis if api.identifier == resource), None)
    if api is None:
        tenant = issuer.config.display_name or issuer.name
        raise EntraError("invalid_resource", f"AADSTS500011: The resource principal named {resource} was not found "
                                             f"in the tenant named {tenant}. This can happen if the application has "
                                             "not been installed by the administrator of the tenant or consented to "
                                             "by any user in the tenant. You might have sent your authentication "
                                             "request to the wrong tenant.")
    for scope in scopes:
        owner, name = split(scope)
        if owner == resource and name != ".default" and name not in api.scopes:
            app = f" '{client.name or client.client_id}'" if client is not None else ""
            raise EntraError("invalid_client", f"AADSTS650053: The application{app} asked for scope '{name}' that "
                                               f"doesn't exist on the resource '{audience_of(api)}'. Contact the "
                                               "app vendor.")
    return api


def check_authorization_scopes(issuer, scopes: list[str]) -> None:
    """An authorization request: `.default` stands alone for its resource, and every scope names
    something (AADSTS70011); each resource is known and defines its scopes. It may name several
    resources (consent for all of them at once); the token endpoint then refuses more than one."""
    for scope in scopes:
        resource, name = split(scope)
        if not name or (name == ".default" and any(split(other)[0] == resource for other in scopes if other != scope)):
            raise EntraError("invalid_scope", f"AADSTS70011: The provided value for the input parameter 'scope' is "
                                              f"not valid. The scope '{' '.join(scopes)}' is not valid.")
    for resource in resources_of(scopes):
        check_resource(issuer, resource, scopes)


def check_app_only(scopes: list[str]) -> None:
    """Client credentials: exactly one `<resource>/.default`."""
    if len(scopes) != 1 or split(scopes[0])[1] != ".default":
        raise EntraError("invalid_scope", f"AADSTS1002012: The provided value for scope {' '.join(scopes)} is not "
                                          "valid. Client credential flows must have a scope value with /.default "
                                          "suffixed to the resource identifier (application ID URI).")


def granted_app_roles(api, client) -> list[str]:
    """The API's app roles granted to the client application (its application permissions)."""
    return list(client.application_permissions.get(api.identifier, ())) if api is not None else []


def check_assignment(api, client) -> None:
    """An API requiring assignment issues no app-only token to a client granted none of its roles;
    any other API issues one without `roles` (docs/vendors.md, "Entra ID app-only roles")."""
    if api.app_role_assignment_required and not granted_app_roles(api, client):
        raise EntraError("invalid_grant", f"AADSTS501051: Application '{client.client_id}'"
                                          f"({client.name or client.client_id}) is not "
                                          f"assigned to a role for the application '{api.identifier}'"
                                          f"({api.name or api.identifier}).")


def audience_of(api) -> str:
    """v2.0 access tokens name the API by its application id: the GUID of `api://<guid>`."""
    if api is None:
        return GRAPH
    return api.identifier.removeprefix("api://")


def delegated_scopes(api, scopes: list[str]) -> list[str]:
    """`scp` of a user's access token: the API's scope names (all of them for `.default`)."""
    if api is None:
        return [split(s)[1] for s in scopes if s not in OIDC_SCOPES] or ["openid", "profile"]
    names = [split(s)[1] for s in scopes if s not in OIDC_SCOPES]
    return list(api.scopes) if ".default" in names else names
