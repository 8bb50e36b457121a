"""The public keys of private_key_jwt clients that publish them at a `jwks_uri` (OIDC Core §9,
RFC 7591 §2): fetched before the (synchronous) token request runs, so the event loop never waits
on a client's server; bounded in time and size, kept a while, fetched again for an unknown `kid`.
"""

import asyncio
import time

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..web.off_loop import off_loop
from ..web.outbound import TooLarge, read_at_most
from .client_assertion import read_unverified
from .errors import OAuthError
from ..web import json_body

FETCH_TIMEOUT = 5.0  # seconds for the whole fetch
MAX_BYTES = 64 * 1024  # a JWK Set of a few keys is a few KiB
KEEP = 300  # seconds a fetched set is used without asking again
RETRY_AFTER = 10  # seconds before an unknown kid or a failure makes us fetch again


class ClientKeys:
    """jwks_uri -> (fetched at, KeySet or None, why it failed)."""

    def __init__(self):
        self._sets: dict[str, tuple[float, KeySet | None, str]] = {}

    def get(self, uri: str) -> KeySet | None:
        entry = self._sets.get(uri)
        return entry[1] if entry else None

    def failure(self, uri: str) -> str:
        entry = self._sets.get(uri)
        return entry[2] if entry else "not fetched"

    async def prepare(self, issuer, params: list[tuple[str, str]]) -> None:
        """Fetch the keys a client assertion among `params` will need, if not at hand."""
        assertion = next((value for name, value in params if name == "client_assertion"), None)
        if not assertion:
            return
        try:
            headers, claims = read_unverified(assertion)
        except OAuthError:
            return  # the check refuses it
        found = claims.get("sub")
        client = await off_loop(issuer.find_client, found, needed=False, store=issuer.store) if isinstance(found, str) else None
        if client is None or client.jwks_uri is None:
            return
        if self._fresh(client.jwks_uri, headers.get("kid")):
            return
        self._sets[client.jwks_uri] = await fetch(client.jwks_uri)

    def _fresh(self, uri: str, kid) -> bool:
        entry = self._sets.get(uri)
        if entry is None:
            return False
        age = time.monotonic() - entry[0]
        if entry[1] is None or (kid and not any(key.kid == kid for key in entry[1].keys)):
            return age < RETRY_AFTER
        return age < KEEP


async def fetch(uri: str) -> tuple[float, KeySet | None, str]:
    import httpx  # here: httpx loads rich (its CLI's): ~35 ms and ~6 MiB for a server that never fetches

    try:
        async with asyncio.timeout(FETCH_TIMEOUT), httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False) as http:
            async with http.stream("GET", uri, headers={"Accept": "application/json"}) as response:
                if response.status_code != 200:
                    return time.monotonic(), None, f"HTTP {response.status_code}"
                body = await read_at_most(response, MAX_BYTES)
        keys = KeySet.import_key_set(json_body.loads(body))
    except TooLarge:
        return time.monotonic(), None, f"more than {MAX_BYTES} bytes"
    except TimeoutError:
        return time.monotonic(), None, f"no answer within {FETCH_TIMEOUT:g} seconds"
    except httpx.HTTPError as error:
        return time.monotonic(), None, type(error).__name__
    except (JoseError, ValueError, TypeError, KeyError, AttributeError):
        return time.monotonic(), None, "not a JWK Set"
    return time.monotonic(), keys, ""
