"""Which origins' pages may read a tenant's answers (CORS, Fetch Standard §3.2): the persona's
allow-list per client (`Flavor.cors_origins`: Auth0's Allowed Origins and Web Origins, Okta's
Trusted Origins, Entra's SPA redirect URIs...), or the seed's `cors_origins` in place of every list.

web/cors.py grants by it: for the client a request names (token, userinfo, revocation,
introspection, logout), else for any client of the tenant (a preflight, which carries no body;
discovery; JWKS). A persona may also refuse the others server-side (`Flavor.check_token_origin`:
Auth0's 401), so a page of another origin changes nothing there. Vendor-free: the lists are the
persona's."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..oauth.errors import AccessDeniedError, safe_description, with_case

ANY = "*"


def origin_of(uri: str) -> str | None:
    """RFC 6454 §4: scheme://host[:port] of an http(s) URI, lower-cased; None for other schemes."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def origins(uris: Iterable[str]) -> set[str]:
    """The origins of these URIs or origins ("*" kept), lower-cased, without a trailing slash."""
    found = set()
    for uri in uris:
        origin = ANY if uri == ANY else origin_of(uri.rstrip("/"))
        if origin is not None:
            found.add(origin)
    return found


def allowed(flavor, config, client, clients: Iterable = ()) -> set[str]:
    """The origins allowed for `client`; for None, those allowed for any of `clients` (the tenant's)."""
    if config.cors_origins is not None:  # the seed's list, for every client alike
        return origins(config.cors_origins)
    if client is not None:
        return flavor.cors_origins(config, client)
    return set().union(*(flavor.cors_origins(config, each) for each in clients))


def allows(flavor, config, client, origin: str, clients: Iterable = ()) -> bool:
    granted = allowed(flavor, config, client, clients)
    return ANY in granted or origin.rstrip("/").lower() in granted


def origin_not_allowed(origin: str, client) -> AccessDeniedError:
    """The token endpoint's refusal of a page whose origin the client does not allow (the mock's
    words, a persona's `origin_not_allowed` case may change them): the page could not have read the
    answer, and nothing is redeemed, rotated or consumed for it either."""
    error = AccessDeniedError(f"Origin '{safe_description(origin)[:100]}' is not allowed for client "
                              f"'{safe_description(client.client_id)[:100]}'.")
    error.status_code = 403
    return with_case(error, "origin_not_allowed", origin=origin[:100], client_id=client.client_id)
