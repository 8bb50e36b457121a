"""An issuer as a consumer sees it: its discovery document and JWKS, fetched over HTTP(S).

Every fetch is bounded: http(s) URLs only, no redirects, at most MAX_BYTES per document and one
deadline for the whole fetch (discovery and JWKS together), however slowly the far end sends. The
steps are written once (`steps`); `fetch_provider` drives them with a blocking client (the CLI,
scripts), `fetch_provider_async` with an async one (the debugger page, inside the event loop).
"""

import asyncio
import json
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from ..web.outbound import TooLarge, read_at_most
from .verdict import Rule, failed, passed

WELL_KNOWN = "/.well-known/openid-configuration"
MAX_BYTES = 512 * 1024  # a discovery document or JWKS is a few KB; Okta's largest JWKS is ~10 KB
DEADLINE = 5.0  # seconds for discovery and JWKS together


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


class FetchFailed(Exception):
    """One GET that gave no document: the reason, one line."""


@dataclass(frozen=True)
class Get:
    """A step's request: the URL, the rule's name and the fix to show when it fails."""

    url: str
    what: str
    fix: str


def steps(issuer: str) -> Generator[Get, dict | FetchFailed, Provider]:
    """Discovery, then the JWKS it names: yields each GET, is sent its document or its failure."""
    provider = Provider(issuer)
    url = discovery_url(issuer)
    get = Get(url, "discovery", f"serve the discovery document at {url} (mock_idp: --base-url must be the public URL)")
    provider.discovery, rule = outcome(get, (yield get))
    provider.rules.append(rule)
    if provider.discovery is None:
        return provider
    jwks_uri = provider.discovery.get("jwks_uri")
    if not isinstance(jwks_uri, str):
        provider.rules.append(failed("jwks", "the discovery document has no jwks_uri",
                                     "publish jwks_uri in the discovery document"))
        return provider
    get = Get(jwks_uri, "jwks", f"make {jwks_uri} reachable from the consumer")
    provider.jwks, rule = outcome(get, (yield get))
    if provider.jwks is not None and not isinstance(provider.jwks.get("keys"), list):
        provider.jwks, rule = None, failed("jwks", f"{jwks_uri} has no \"keys\" array",
                                           "serve an RFC 7517 JWK Set: {\"keys\": [...]}")
    provider.rules.append(rule)
    return provider


def outcome(get: Get, answer: dict | FetchFailed) -> tuple[dict | None, Rule]:
    if isinstance(answer, FetchFailed):
        return None, failed(get.what, f"GET {get.url} {answer}", get.fix)
    return answer, passed(get.what, f"fetched {get.url}")


def checked_url(url: str) -> str:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchFailed("was not tried: only http: and https: URLs are fetched")
    return url


def document(status: int, body: bytes) -> dict:
    if status != 200:
        raise FetchFailed(f"answered HTTP {status}")
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        raise FetchFailed("did not return JSON") from None
    if not isinstance(parsed, dict):
        raise FetchFailed("returned JSON that is not an object")
    return parsed


def too_big() -> FetchFailed:
    return FetchFailed(f"returned more than {MAX_BYTES} bytes")


def failure(error: Exception) -> FetchFailed:
    if isinstance(error, FetchFailed):
        return error
    if isinstance(error, (TimeoutError, httpx.TimeoutException)):
        return FetchFailed(f"took longer than the {DEADLINE:g} s allowed")
    return FetchFailed(f"failed: {error or type(error).__name__}")


def fetch_provider(issuer: str, verify: bool | str = True, http: httpx.Client | None = None,
                   timeout: float = DEADLINE) -> Provider:
    """Fetch `issuer`'s discovery document, then its `jwks_uri` (`verify`: httpx's TLS setting),
    blocking, within `timeout` seconds in all."""
    own = http is None
    http = http or httpx.Client(verify=verify, follow_redirects=False)
    deadline = time.monotonic() + timeout
    try:
        walk, answer = steps(issuer), None
        while True:
            try:
                get = walk.send(answer)
            except StopIteration as done:
                return done.value
            try:
                answer = blocking_get(http, checked_url(get.url), deadline)
            except (httpx.HTTPError, FetchFailed, TimeoutError) as error:
                answer = failure(error)
    finally:
        if own:
            http.close()


def blocking_get(http: httpx.Client, url: str, deadline: float) -> dict:
    # Each read waits at most for what is left of the deadline; the deadline is checked between
    # reads, so a server trickling bytes is cut off too.
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    with http.stream("GET", url, timeout=httpx.Timeout(left)) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BYTES:
                raise too_big()
            if time.monotonic() > deadline:
                raise TimeoutError
        return document(response.status_code, bytes(body))


async def fetch_provider_async(issuer: str, verify: bool | str = True, timeout: float = DEADLINE) -> Provider:
    """`fetch_provider` for the event loop: never blocks it, ends within `timeout` seconds."""
    walk, answer = steps(issuer), None
    async with httpx.AsyncClient(verify=verify, follow_redirects=False, timeout=timeout) as http:
        try:
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        get = walk.send(answer)
                    except StopIteration as done:
                        return done.value
                    try:
                        answer = await async_get(http, checked_url(get.url))
                    except (httpx.HTTPError, FetchFailed) as error:
                        answer = failure(error)
        except TimeoutError as error:
            answer = failure(error)
    # The deadline passed during a GET: that GET fails, and the steps finish without another.
    try:
        walk.send(answer)
        while True:
            walk.send(failure(TimeoutError()))
    except StopIteration as done:
        return done.value


async def async_get(http: httpx.AsyncClient, url: str) -> dict:
    async with http.stream("GET", url) as response:
        try:
            body = await read_at_most(response, MAX_BYTES)
        except TooLarge:
            raise too_big() from None
        return document(response.status_code, body)
