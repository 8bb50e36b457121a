"""`doctor --client ID` on a mock_idp tenant: the seeded client's settings each consumer needs."""

from pathlib import Path
from urllib.parse import urlsplit

from ..config import ClientConfig, load_config
from ..personas import all_flavors
from .verdict import Rule, failed, passed


def find_client(config_path: Path, url: str, client_id: str) -> tuple[str, ClientConfig] | None:
    """(tenant name, client) for the tenant whose path starts the URL's path, or any tenant."""
    path = urlsplit(url).path.rstrip("/") + "/"
    tenants = sorted(load_config(config_path, personas=all_flavors()).tenants.items(), key=lambda item: -len(item[1].path or ""))
    matching = [(name, t) for name, t in tenants if path.startswith((t.path or "/").rstrip("/") + "/")]
    for name, tenant in matching or tenants:
        for client in tenant.clients:
            if client.client_id == client_id:
                return name, client
    return None


def client_rules(client: ClientConfig | None, client_id: str, seed: Path):
    """A `client_rules(consumer)` callback for doctor()."""
    def rules(consumer: str) -> list[Rule]:
        if client is None:
            return [failed("client", f"no client {client_id!r} in {seed}", f"add {client_id} to the tenant's clients")]
        return CLIENT_CHECKS.get(consumer, lambda c: [])(client)
    return rules


def appsync_client(client: ClientConfig) -> list[Rule]:
    # The console's "Queries" page takes an ID token: implicit id_token (the blog's way) or the code flow.
    flows = [t for t in client.response_types if "id_token" in t.split()] or (
        ["code"] if "authorization_code" in client.grant_types else [])
    if not flows:
        return [failed("client flows", f"{client.client_id} cannot get an ID token",
                       "add response_types [id_token] and grant_types [implicit], or the code flow")]
    return [passed("client flows", f"ID tokens via {', '.join(flows)}; set clientId to {client.client_id}")]


def cognito_client(client: ClientConfig) -> list[Rule]:
    rules = [passed("client secret", "confidential client")
             if client.client_secret else failed("client secret", "public client",
                                                 "give the client a client_secret: Cognito always sends one")]
    rules.append(passed("client auth", "client_secret_post")
                 if client.token_endpoint_auth_method == "client_secret_post" else
                 failed("client auth", f"token_endpoint_auth_method is {client.token_endpoint_auth_method}",
                        "set token_endpoint_auth_method: client_secret_post"))
    idp = [uri for uri in client.redirect_uris if uri.endswith("/oauth2/idpresponse")]
    rules.append(passed("redirect_uri", f"registered {', '.join(idp)}") if idp else
                 failed("redirect_uri", "no …/oauth2/idpresponse redirect URI",
                        "register https://<your-domain>.auth.<region>.amazoncognito.com/oauth2/idpresponse"))
    return rules


CLIENT_CHECKS = {"appsync": appsync_client, "cognito-federation": cognito_client}
