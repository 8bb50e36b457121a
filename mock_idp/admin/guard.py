"""Who may call the admin API: with MOCK_IDP_ADMIN_TOKEN set, whoever sends it as a bearer token
(RFC 6750 §2.1, compared in constant time); without one, loopback callers only."""

import hmac
import ipaddress

from fastapi import Request

from .errors import AdminError

REALM = "mock_idp admin"


def guard(token: str | None):
    async def check(request: Request) -> None:
        if token is None:
            if not is_loopback(request.client.host if request.client else ""):
                raise refused(403, "insufficient_scope", "The admin API answers loopback callers only; "
                                                         "set MOCK_IDP_ADMIN_TOKEN to call it from elsewhere.")
            return
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            # RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
            raise AdminError(401, "invalid_request", "The admin API needs a bearer token.",
                             headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})
        if not hmac.compare_digest(credentials.strip().encode(), token.encode()):
            raise refused(401, "invalid_token", "The admin token is wrong.")
    return check


def refused(status: int, error: str, description: str) -> AdminError:
    challenge = f'Bearer realm="{REALM}", error="{error}", error_description="{description}"'
    return AdminError(status, error, description, headers={"WWW-Authenticate": challenge})


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # not a socket peer address (a unix socket, a test transport)
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return (mapped or address).is_loopback
