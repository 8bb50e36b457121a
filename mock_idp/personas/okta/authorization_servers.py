"""Okta's org and custom authorization servers: URLs, RFC 8414 document, E0000007 (docs/vendors.md 1a, 1b)."""

from typing import Any

from ..layout import EndpointPaths, IssuerLayout
from .errors import api_error

V1 = dict(
    authorization_endpoint="/v1/authorize",
    token_endpoint="/v1/token",
    userinfo_endpoint="/v1/userinfo",
    jwks_uri="/v1/keys",
    introspection_endpoint="/v1/introspect",
    revocation_endpoint="/v1/revoke",
    end_session_endpoint="/v1/logout",
    device_authorization_endpoint="/v1/device/authorize",
    login="/v1/login",
)
CUSTOM_AS_PATHS = EndpointPaths(**V1)
ORG_AS_PATHS = EndpointPaths(**{name: "/oauth2" + path for name, path in V1.items()})


def issuer_layouts(tenant_key: str, tenant_url: str, config) -> list[IssuerLayout]:
    """The org authorization server first, then each custom one."""
    org = IssuerLayout(key=tenant_key, issuer=tenant_url, prefix="", paths=ORG_AS_PATHS,
                       audience=tenant_url)
    custom = list(config.authorization_servers)
    if config.authorization_server and all(s.id != config.authorization_server for s in custom):
        custom.insert(0, _server(config.authorization_server))
    return [org] + [
        IssuerLayout(
            key=f"{tenant_key}/oauth2/{server.id}",
            issuer=f"{tenant_url}/oauth2/{server.id}",
            prefix=f"/oauth2/{server.id}",
            paths=CUSTOM_AS_PATHS,
            audience=server.audience or f"api://{server.id}",
            name=server.id,
        )
        for server in custom
    ]


def oauth_metadata(discovery: dict[str, Any]) -> dict[str, Any]:
    # Okta's RFC 8414 document is OAuth-only: no UserInfo or ID-token members, and the
    # access-token claims in claims_supported.
    metadata = {k: v for k, v in discovery.items()
                if k not in ("userinfo_endpoint", "id_token_signing_alg_values_supported")}
    metadata["grant_types_supported"] = [*discovery["grant_types_supported"], "client_credentials"]
    metadata["response_types_supported"] = [*discovery["response_types_supported"], "token"]
    metadata["claims_supported"] = ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"]
    return metadata


def unknown_server(path: str):
    # Okta answers an unknown authorization server with its API error E0000007.
    parts = path.split("/oauth2/", 1)
    if len(parts) != 2:
        return None
    server_id = parts[1].split("/", 1)[0]
    if not server_id or server_id == "v1":
        return None
    return 404, api_error("E0000007", f"Not found: Resource not found: {server_id} (AuthorizationServer)")


def _server(server_id: str):
    from ...config import AuthorizationServerConfig

    return AuthorizationServerConfig(id=server_id)
