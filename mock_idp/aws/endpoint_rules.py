"""Checks on a discovery document's URLs and JWKS that consumers make before any token arrives."""

import ipaddress
from urllib.parse import urlsplit

from .provider import Provider
from .verdict import Rule, failed, passed

# The endpoints Cognito calls from AWS's side (the browser only sees authorization_endpoint).
BACK_CHANNEL = ("token_endpoint", "userinfo_endpoint", "jwks_uri")


def endpoint_urls(provider: Provider, names=("authorization_endpoint",) + BACK_CHANNEL,
                  issuer: bool = True) -> dict[str, str]:
    urls = {"issuer": provider.discovery.get("issuer") or provider.url} if issuer else {}
    urls.update({name: provider.discovery[name] for name in names
                 if isinstance(provider.discovery.get(name), str)})
    return urls


def listed(names: list[str], urls: dict[str, str]) -> str:
    """`issuer, token_endpoint (http://host:8000/…)`: the names, and the first URL as an example."""
    return f"{', '.join(names)} ({urls[names[0]]}{' …' if len(names) > 1 else ''})"


def https_rule(urls: dict[str, str], fix: str) -> Rule:
    plain = [name for name, url in urls.items() if urlsplit(url).scheme != "https"]
    if plain:
        return failed("https", "not https: " + listed(plain, urls), fix)
    return passed("https", f"{', '.join(urls)} are https")


def port_rule(urls: dict[str, str]) -> Rule:
    """Cognito: 'Only uses TCP ports 80 and 443 for OIDC endpoints.'"""
    odd = [name for name, url in urls.items() if urlsplit(url).port not in (None, 80, 443)]
    if odd:
        return failed("ports", "on a port other than 80/443: " + listed(odd, urls),
                      "serve on 443 behind a TLS terminator or tunnel (mock_idp: --base-url https://<public host>)")
    return passed("ports", "every endpoint is on port 80 or 443")


def public_host_rule(urls: dict[str, str], consumer: str) -> Rule:
    """AWS calls the issuer from its own network: loopback and private hosts are out of reach."""
    hidden = []
    for name, url in urls.items():
        host = urlsplit(url).hostname or ""
        try:
            address = ipaddress.ip_address(host)
            private = address.is_private or address.is_loopback or address.is_link_local
        except ValueError:
            private = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
        if private:
            hidden.append(name)
    if hidden:
        return failed("reachable", f"{consumer} cannot reach a private host: " + listed(hidden, urls),
                      "expose mock_idp on a public https URL (tunnel or App Runner) and start it with --base-url set to it")
    return passed("reachable", "hosts are public names")


def jwks_keys_rule(provider: Provider, need: tuple[str, ...] = ("kid",)) -> Rule:
    keys = provider.jwks.get("keys", []) if provider.jwks else []
    if not keys:
        return failed("jwks keys", "the JWKS has no keys", "publish the signing key in the JWKS")
    missing = [f"key {i} ({key.get('kid', 'no kid')}) lacks {', '.join(p for p in need if p not in key)}"
               for i, key in enumerate(keys) if any(p not in key for p in need)]
    if missing:
        return failed("jwks keys", "; ".join(missing), f"publish {', '.join(need)} on every JWK")
    return passed("jwks keys", f"{len(keys)} key(s), each with {', '.join(need)}")


def algorithm_rule(provider: Provider, wanted: tuple[str, ...] = ("RS256",)) -> Rule:
    algs = provider.discovery.get("id_token_signing_alg_values_supported") or []
    key_algs = {key.get("alg") for key in provider.jwks.get("keys", [])} if provider.jwks else set()
    if not set(wanted) & (set(algs) | key_algs):
        return failed("algorithm", f"none of {', '.join(wanted)} offered (discovery: {algs or 'none'})",
                      "sign ID tokens with RS256 and list it in id_token_signing_alg_values_supported")
    return passed("algorithm", f"{'/'.join(sorted(set(wanted) & (set(algs) | key_algs)))} offered")
