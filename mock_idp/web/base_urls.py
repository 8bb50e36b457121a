"""One issuer, two audiences: the public base URL, back-channel bases and trusted proxies.

- The public base (`--base-url`) fixes every `iss` and the browser-facing endpoints of discovery.
- A request that arrives at an internal base (`--internal-base-url`, e.g. http://mock-idp:8000 for
  other containers) gets discovery whose back-channel endpoints use that base.
- X-Forwarded-Proto/Host/Prefix and Forwarded (RFC 7239) from a proxy in `--forwarded-allow-ips`
  shape the links we put in pages (login and device forms), never `iss` nor discovery.
- The server's own names (those bases' hosts, --host, --tls-san, loopback) and origins: what the
  admin API and the sign-in forms accept in `Host` and `Origin`.
"""

import ipaddress
import re
from urllib.parse import urlsplit

# The endpoints a relying party's server calls itself (never the browser).
BACK_CHANNEL = ("token_endpoint", "userinfo_endpoint", "jwks_uri", "introspection_endpoint",
                "revocation_endpoint", "device_authorization_endpoint")
DEFAULT_PORTS = {"http": "80", "https": "443"}
HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
PREFIX = re.compile(r"^(/[A-Za-z0-9._~\-]+)*$")


def origin(scheme: str, host: str) -> str:
    """scheme://host[:port], lower-case, without the scheme's default port."""
    scheme, host = scheme.lower(), host.lower()
    if host.endswith(f":{DEFAULT_PORTS.get(scheme)}"):
        host = host.rsplit(":", 1)[0]
    return f"{scheme}://{host}"


def rebase(url: str | None, old_base: str, new_base: str) -> str | None:
    """`url` under `new_base` instead of `old_base` (other URLs unchanged)."""
    if url is None or not url.startswith(old_base):
        return url
    return new_base + url[len(old_base):]


def back_channel_variant(document: dict, public_base: str, internal_base: str) -> dict:
    """A discovery document whose back-channel endpoints are on `internal_base`."""
    return {k: rebase(v, public_base, internal_base) if k in BACK_CHANNEL else v for k, v in document.items()}


class BaseUrlError(ValueError):
    """A base URL or proxy address setting that cannot work (one line, naming the setting)."""


class BaseUrls:
    def __init__(self, public: str, internal: list[str], forwarded_allow_ips: list[str], names: list[str] = ()):
        self.public = public
        self.internal = {}  # the origin a request arrives at -> the internal base it stands for
        for base in internal:
            parts = urlsplit(base)
            if parts.scheme not in DEFAULT_PORTS or not parts.netloc or parts.path not in ("", "/"):
                raise BaseUrlError(f"--internal-base-url {base!r}: give scheme://host[:port], without a path")
            self.internal[origin(parts.scheme, parts.netloc)] = base.rstrip("/")
        self.trust_any = "*" in forwarded_allow_ips
        try:
            self.trusted = [ipaddress.ip_network(ip, strict=False) for ip in forwarded_allow_ips if ip != "*"]
        except ValueError as error:
            raise BaseUrlError(f"--forwarded-allow-ips: {error}") from None
        self.origins = {origin(*urlsplit(base)[:2]) for base in [public, *internal]}
        self.names = {hostname(urlsplit(base).netloc) for base in [public, *internal]}
        self.names |= {bare_name(name) for name in names} | {"localhost"}
        self.names.discard(None)

    def own_host(self, host: str) -> bool:
        """Is `host` (a Host header) a name of this server? Ports aside: a container's port is
        mapped, and a name re-pointed at us (DNS rebinding) differs in the name."""
        name = hostname(host)
        return name is not None and (name in self.names or is_loopback_address(name))

    def own_origin(self, value: str, scheme: str, host: str) -> bool:
        """Is `value` (an Origin header) this server: the origin the request was sent to, or a base?
        `null` (a sandboxed frame, a privacy-conscious redirect) is no one's (RFC 6454 §7.3)."""
        value = value.strip().lower()
        return value != "null" and (value == origin(scheme, host) or value in self.origins)

    def internal_base(self, request) -> str | None:
        """The internal base the request arrived at, if it is one."""
        return self.internal_base_at(request.url.scheme, request.headers.get("host", ""))

    def internal_base_at(self, scheme: str, host: str) -> str | None:
        """The same from the request's scheme and Host header (asgi.Prerendered has no Request)."""
        if not self.internal:
            return None
        return self.internal.get(origin(scheme, host))

    def browser_url(self, request, url: str) -> str:
        """`url` (under the public base) as the browser behind a trusted proxy reaches it."""
        base = self.forwarded_base(request)
        return url if base is None else rebase(url, self.public, base)

    def forwarded_base(self, request) -> str | None:
        if not self.from_trusted_proxy(request):
            return None
        headers = request.headers
        proto, host = forwarded_element(headers.get("forwarded", ""))
        proto = (proto or first(headers.get("x-forwarded-proto")) or "").lower() or None
        host = host or first(headers.get("x-forwarded-host"))
        prefix = (first(headers.get("x-forwarded-prefix")) or "").rstrip("/")
        if not host or not HOST.match(host) or proto not in (None, "http", "https") or not PREFIX.match(prefix):
            return None
        return origin(proto or request.url.scheme, host) + prefix

    def from_trusted_proxy(self, request) -> bool:
        if self.trust_any:
            return True
        if not self.trusted or request.client is None:
            return False
        try:
            address = ipaddress.ip_address(request.client.host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)


def hostname(host: str) -> str | None:
    """The name in a Host header or netloc (lower case, IPv6 without brackets), None if unreadable."""
    if not host or not HOST.match(host):
        return None
    return urlsplit("//" + host).hostname


def bare_name(name: str) -> str | None:
    """A --host or --tls-san value as `hostname` gives it (an IPv6 address comes without brackets)."""
    try:
        return str(ipaddress.ip_address(name.strip("[]")))
    except ValueError:
        return hostname(name)


def is_loopback_address(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def first(value: str | None) -> str | None:
    """The first (client-side) value of a comma-separated proxy header."""
    return value.split(",")[0].strip() if value else None


def forwarded_element(header: str) -> tuple[str | None, str | None]:
    """proto and host of the first element of an RFC 7239 Forwarded header."""
    proto = host = None
    for pair in header.split(",")[0].split(";"):
        name, _, value = pair.strip().partition("=")
        value = value.strip().strip('"')
        if name.lower() == "proto":
            proto = value.lower()
        elif name.lower() == "host":
            host = value
    return proto, host
