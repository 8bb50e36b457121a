"""Which browser sign-ins a client can do, and the links that start them on the token page."""

from dataclasses import dataclass
from urllib.parse import urlencode

# OAuth 2.0 Multiple Response Types: what each response type returns, and the grant it needs.
FLOW_LABELS = {
    "code": "authorization code + PKCE",
    "id_token": "implicit: ID token (AppSync console)",
    "id_token token": "implicit: ID + access token",
    "token": "implicit: access token",
    "code id_token": "hybrid: code + ID token",
    "code token": "hybrid: code + access token",
    "code id_token token": "hybrid: code + ID + access token",
}


@dataclass(frozen=True)
class SignInLink:
    issuer_key: str
    client_id: str
    response_type: str
    label: str
    url: str


def browser_flows(client) -> list[str]:
    """The response types `client` may use at the authorization endpoint."""
    grants = set(client.grant_types)
    flows = []
    for response_type in client.response_types:
        words = set(response_type.split())
        if "code" in words and "authorization_code" not in grants:
            continue
        if words & {"token", "id_token"} and "implicit" not in grants:
            continue
        flows.append(response_type)
    return flows


def default_scope(issuer, client, response_type: str) -> str:
    """What a person would ask for: identity, and a refresh token where the flow can have one."""
    wanted = ["openid", "profile", "email", "groups"]
    if "code" in response_type.split() and "refresh_token" in client.grant_types:
        wanted.append("offline_access")
    # What this authorization server advertises (an Okta custom server lists its system scopes
    # only, and refuses `groups` unless defined), else what the persona knows.
    supported = issuer.discovery.get("scopes_supported") or issuer.flavor.scopes_supported
    scopes = [s for s in wanted if s in supported and (client.scopes is None or s in client.scopes or s == "openid")]
    return " ".join(scopes)


def start_url(tenant, issuer, client_id: str, response_type: str, **extra: str) -> str:
    query = {"issuer": issuer.key, "client_id": client_id, "response_type": response_type, **extra}
    return f"{tenant.url}/_ui/start?{urlencode({k: v for k, v in query.items() if v})}"


def sign_in_links(tenant) -> dict[str, list[SignInLink]]:
    """Per client id, one link per (authorization server, flow) it allows."""
    links: dict[str, list[SignInLink]] = {}
    for client in tenant.clients.values():
        for issuer in tenant.issuers:
            for response_type in browser_flows(client):
                label = FLOW_LABELS.get(response_type, response_type)
                if len(tenant.issuers) > 1:
                    label += f" · {issuer.layout.name or issuer.key}"
                links.setdefault(client.client_id, []).append(SignInLink(
                    issuer.key, client.client_id, response_type, label,
                    start_url(tenant, issuer, client.client_id, response_type)))
    return links
