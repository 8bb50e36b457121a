"""What we fetch from other servers (a token hook's answer, a client's jwks_uri, another issuer's
discovery document and keys) is read up to a limit and no further: every outbound fetch is bounded
in size, as in time (its callers' deadlines)."""

import asyncio


class TooLarge(Exception):
    """The answer's body passed the limit; what was read of it is dropped."""


async def read_at_most(response, limit: int) -> bytes:
    """The body of a streamed httpx response, or TooLarge as soon as it passes `limit` bytes."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise TooLarge(limit)
    return bytes(body)


async def post_form(url: str, form: dict[str, str], timeout: float, max_bytes: int) -> int:
    """POST `form` (application/x-www-form-urlencoded) and read the answer, at most `max_bytes`,
    within `timeout` seconds in all; its status. As every fetch of ours: no redirect followed (a
    3xx is the answer), no proxy from the environment, one connection. Raises TimeoutError,
    TooLarge or httpx.HTTPError."""
    import httpx  # here: httpx loads rich (its CLI's): ~35 ms and ~6 MiB of every start that never posts

    async with asyncio.timeout(timeout), httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, trust_env=False,
            limits=httpx.Limits(max_connections=1)) as http:
        async with http.stream("POST", url, data=form) as response:
            await read_at_most(response, max_bytes)
            return response.status_code
