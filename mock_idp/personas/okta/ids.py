"""Okta object ids: 20 characters, a 3-character kind prefix (00u users, 00g groups, 00o identity
providers, ...) and 17 base-62 characters; stable per seed, so restarts and replicas agree."""

import hashlib
import string

BASE62 = string.digits + string.ascii_letters


def okta_id(prefix: str, seed: str) -> str:
    """A 20-character Okta object id (00u… users, 00o… identity providers), stable per seed."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(17):
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return prefix + "".join(chars)
