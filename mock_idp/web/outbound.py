"""What we fetch from other servers (a token hook's answer, a client's jwks_uri, another issuer's
discovery document and keys) is read up to a limit and no further: every outbound fetch is bounded
in size, as in time (its callers' deadlines)."""


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
