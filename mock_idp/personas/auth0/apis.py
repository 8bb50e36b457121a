"""Auth0 APIs chosen by `audience`: Management API grant, default scopes, RBAC (docs/vendors.md 4e, 6d);
the seed's rules for an API's RBAC settings (`enforce_policies`, `token_dialect`)."""

from ...oauth.errors import safe_description
from . import client_grants
from .errors import AccessDeniedError, quoting_access_denied


def api_named(issuer, identifier: str):
    return next((api for api in issuer.config.apis if api.identifier == identifier), None)


def management_audience(issuer) -> str:
    """The Management API v2's identifier: `https://<tenant>/api/v2/` (management.py)."""
    return issuer.issuer + "api/v2/"


def role_permissions(issuer, user, api) -> list[str]:
    """The user's own permissions and those of their roles, on `api`, each once."""
    roles = issuer.roles
    found = list(user.permissions or [])
    for name in user.roles:
        role = roles.get(name)
        found += [p.permission for p in (role.permissions if role else ()) if p.api == api.identifier]
    return list(dict.fromkeys(found))


def granted_scopes(issuer, client, requested, audience, grant_type, user, oidc_scopes) -> list[str]:
    if audience is not None and audience == management_audience(issuer):
        # The client's grant on the Management API: all of it, or what was asked of it.
        missing = [scope for scope in requested if scope not in client.management_scopes]
        if missing:
            raise AccessDeniedError(f"Client has not been granted scopes: {safe_description(', '.join(missing))}")
        return list(requested or client.management_scopes)
    if grant_type == "client_credentials" and audience is not None:
        # The client grant's scopes, all of them or those asked for (client_grants.py).
        return client_grants.granted(client, audience, requested)
    api = api_named(issuer, audience) if audience else None
    if user is not None and api is not None and api.enforce_policies:
        # RBAC: of the API's permissions asked for, only those the user holds (their own and their
        # roles'); OIDC scopes (openid, profile, offline_access...) are not the API's (vendors.md 6d).
        held = set(role_permissions(issuer, user, api)) | set(oidc_scopes)
        return [scope for scope in requested if scope in held]
    return requested


def resolve_audience(issuer, client, requested, grant_type=None):
    audience = requested or client.audience
    if audience is None:
        if grant_type == "client_credentials":
            raise AccessDeniedError("No audience parameter was provided, and no default "
                                    "audience has been configured")
        return None
    if audience == management_audience(issuer):
        if grant_type != "client_credentials" or not client.management_scopes:
            raise quoting_access_denied(f'Client is not authorized to access "{audience}". You need to create a '
                                        '"client-grant" associated to this API. See: '
                                        "https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants")
        return audience
    if api_named(issuer, audience) is None:
        raise AccessDeniedError(f"Service not found: {safe_description(audience)}")
    if grant_type == "client_credentials":
        client_grants.check_audience(client, audience)
    return audience


def token_lifetime(issuer, audience, default: int) -> int:
    """An API's own token lifetime (its "Token Expiration"), else the tenant's."""
    api = api_named(issuer, audience) if audience else None
    if api is not None and api.token_lifetime:
        return api.token_lifetime
    return default


def seed_words(written: dict) -> list[tuple[tuple, str]]:
    """An API's keys and values in Auth0's words (Flavor.api_seed_words)."""
    if "rbac" in written:
        # The key of earlier mock_idp versions: say what Auth0 calls it.
        return [(("rbac",), "Auth0 calls it enforce_policies: true (Enable RBAC), with token_dialect: "
                            "access_token_authz for the `permissions` claim")]
    if str(written.get("token_dialect", "")).startswith("rfc9068_profile"):
        return [(("token_dialect",), "the RFC 9068 token profile is not served: use access_token or access_token_authz")]
    return []


def seed_problems(api) -> list[tuple[tuple, str]]:
    # Auth0 offers "Add Permissions in the Access Token" only once RBAC is enabled (docs/vendors.md 6d).
    if api.token_dialect == "access_token_authz" and not api.enforce_policies:
        return [(("token_dialect",), "access_token_authz adds the RBAC permissions claim: it needs enforce_policies: true")]
    return []
