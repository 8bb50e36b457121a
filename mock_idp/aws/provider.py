"""An issuer as a consumer sees it: its discovery document and JWKS, fetched over HTTP(S)."""

from dataclasses import dataclass, field

import httpx

from .verdict import Rule, failed, passed

WELL_KNOWN = "/.well-known/openid-configuration"


def discovery_url(issuer: str) -> str:
    # OIDC Discovery §4: "/.well-known/openid-configuration" appended to the issuer, minus any
    # trailing slash (Auth0's issuer ends in one).
    return issuer.rstrip("/") + WELL_KNOWN


@dataclass
class Provider:
    """Discovery and JWKS of one issuer URL, with the outcome of fetching each."""

    url: str
    discovery: dict | None = None
    jwks: dict | None = None
    rules: list[Rule] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.discovery is not None and self.jwks is not None

    def key_for(self, kid: str | None) -> dict | None:
        return next((key for key in (self.jwks or {}).get("keys", []) if key.get("kid") == kid), None)


def fetch_json(http: httpx.Client, url: str, what: str, fix: str) -> tuple[dict | None, Rule]:
    try:
        response = http.get(url)
    except httpx.HTTPError as error:
        return None, failed(what, f"GET {url} failed: {error or type(error).__name__}", fix)
    if response.status_code != 200:
        return None, failed(what, f"GET {url} answered HTTP {response.status_code}", fix)
    try:
        document = response.json()
    except ValueError:
        return None, failed(what, f"GET {url} did not return JSON", fix)
    if not isinstance(document, dict):
        return None, failed(what, f"GET {url} returned JSON that is not an object", fix)
    return document, passed(what, f"fetched {url}")


def fetch_provider(issuer: str, verify: bool | str = True, http: httpx.Client | None = None,
                   timeout: float = 10) -> Provider:
    """Fetch `issuer`'s discovery document, then its `jwks_uri` (`verify`: httpx's TLS setting)."""
    own = http is None
    http = http or httpx.Client(verify=verify, timeout=timeout, follow_redirects=False)
    provider = Provider(issuer)
    try:
        url = discovery_url(issuer)
        provider.discovery, rule = fetch_json(
            http, url, "discovery",
            f"serve the discovery document at {url} (mock_idp: --base-url must be the public URL)")
        provider.rules.append(rule)
        if provider.discovery is None:
            return provider
        jwks_uri = provider.discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            provider.rules.append(failed("jwks", "the discovery document has no jwks_uri",
                                         "publish jwks_uri in the discovery document"))
            return provider
        provider.jwks, rule = fetch_json(http, jwks_uri, "jwks",
                                         f"make {jwks_uri} reachable from the consumer")
        if provider.jwks is not None and not isinstance(provider.jwks.get("keys"), list):
            provider.jwks, rule = None, failed("jwks", f"{jwks_uri} has no \"keys\" array",
                                               "serve an RFC 7517 JWK Set: {\"keys\": [...]}")
        provider.rules.append(rule)
        return provider
    finally:
        if own:
            http.close()
