"""OpenID Connect Back-Channel Logout 1.0, the provider's side: remembering which clients signed in
through an SSO session (§2.3) and, when it ends (logout, revocation, expiry), a logout token (§2.4)
for each, POSTed to its back-channel logout URL (§2.5: `send`, off the request's path, through
web/outbound.py), and the front-channel logout URLs the sign-out page frames (Front-Channel Logout
1.0). Which clients have such URLs, and for which session ends, is the persona's
(Flavor.backchannel_logout_urls, frontchannel_logout_url).
"""

import asyncio
import logging
import secrets
import weakref
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from ..personas.views import public_sid
from ..storage.models import LoginSession, SessionClient
from ..web.outbound import TooLarge, post_form

log = logging.getLogger("mock_idp")

EVENT = "http://schemas.openid.net/event/backchannel-logout"  # §2.4: the `events` member


@dataclass(frozen=True)
class LogoutNotice:
    """One logout token for one back-channel logout URL."""

    url: str
    logout_token: str
    client_id: str


def remember_client(issuer, client, user) -> None:
    """§2.3: a client told of session ends signs in through `user`'s session: remember it with the
    session (one row per client and session, however often it signs in)."""
    if user is None or not user.session_id or not issuer.flavor.tells_of_logout(client):
        return
    # It ends with the session (session-expired: `expired_sessions`). A session started by this
    # very request is not written yet (Store.together): it ends a session's lifetime from now.
    session = issuer.store.get(LoginSession, user.session_id)
    issuer.store.add(SessionClient(
        id=f"{user.session_id} {client.client_id}", session_id=user.session_id, tenant=issuer.tenant.name,
        issuer=issuer.key, username=user.config.username, client_id=client.client_id,
        expires_at=session.expires_at if session else issuer.now() + issuer.flavor.lifetimes.session))


def session_ended(tenant, initiator: str, session_id: str | None = None, username: str | None = None,
                  expired_before: int | None = None) -> tuple[list[LogoutNotice], list[str]]:
    """A session (or every session of a user, or those expired before a time) just ended, by
    `initiator` ("rp-logout", "session-revoked", "session-expired"): the logout tokens for the back channel, and the front-channel logout URLs
    the browser's sign-out page loads (Front-Channel Logout 1.0 §3). Each client is told once."""
    rows = tenant.store.take_session_clients(tenant.name, session_id=session_id, username=username,
                                             expired_before=expired_before)
    issuers = {issuer.key: issuer for issuer in tenant.issuers}
    notices, frames = [], []
    for row in rows:
        issuer = issuers.get(row.issuer)
        client = issuer.find_client(row.client_id) if issuer is not None else None
        if client is None:
            continue  # the client (or its authorization server) is gone since
        for url in issuer.flavor.backchannel_logout_urls(client, initiator):
            notices.append(LogoutNotice(url, logout_token(issuer, client.client_id, row), client.client_id))
        frame = issuer.flavor.frontchannel_logout_url(client, public_sid(row.session_id))
        if frame is not None:
            frames.append(frame)
    return notices, frames


def logout_token(issuer, client_id: str, row: SessionClient) -> str:
    """§2.4: iss, aud, iat, exp, jti, events, sid, and sub when the user still exists; never a
    nonce (§2.4: what tells it from an ID token). Signed as the issuer's ID tokens are."""
    now = issuer.now()
    claims = {"iss": issuer.issuer, "aud": client_id, "iat": now, "exp": now + issuer.flavor.logout_token_lifetime,
              "jti": secrets.token_urlsafe(16), "events": {EVENT: {}}, "sid": public_sid(row.session_id)}
    user = issuer.tenant.find_user(row.username)
    if user is not None:
        claims["sub"] = issuer.subject(user)
    return issuer.keys.sign(claims, typ=issuer.flavor.logout_token_typ, role="id")


SEND_TIMEOUT = 5.0  # seconds for one POST, connect to answer
MAX_ANSWER_BYTES = 16 * 1024  # §2.8: an empty body or a short error is all a client answers
MAX_SENDING = 16  # POSTs under way at once, per event loop: more wait their turn
MAX_PENDING = 1000  # notices waiting or under way; past that, new ones are dropped (and said so)
_pending: set[asyncio.Task] = set()
_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def send(notices: list[LogoutNotice]) -> None:
    """§2.5: POST each logout token to its URL, in the background on the running event loop: the
    user's logout answer never waits for a client's server. Bounded (time, answer size, how many at
    once, how many pending); a failure is logged once, never retried."""
    loop = asyncio.get_running_loop()
    for notice in notices:
        if len(_pending) >= MAX_PENDING:
            log.warning("Back-channel logout to %s (client %s) not sent: %d already pending.",
                        notice.url, notice.client_id, len(_pending))
            continue
        task = loop.create_task(_post(notice))
        _pending.add(task)
        task.add_done_callback(_pending.discard)


async def deliver(notices: list[LogoutNotice]) -> int:
    """POST them all now, concurrently, and wait (at most SEND_TIMEOUT): for a caller that may wait
    (the admin API: its answer comes once the clients were told). How many were taken (200/204)."""
    return sum(await asyncio.gather(*(_post(notice) for notice in notices)))


async def _post(notice: LogoutNotice) -> bool:
    slots = _slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(MAX_SENDING))
    async with slots:
        try:
            status = await post_form(notice.url, {"logout_token": notice.logout_token}, SEND_TIMEOUT, MAX_ANSWER_BYTES)
        except TimeoutError:
            failure = f"no answer within {SEND_TIMEOUT:g} s"
        except TooLarge:
            failure = f"an answer larger than {MAX_ANSWER_BYTES} bytes"
        except Exception as error:  # noqa: BLE001 - httpx's errors, an invalid URL: all a failed delivery
            failure = f"{type(error).__name__}: {error}"
        else:
            if status in (200, 204):  # §2.8: 200 OK (204 is also common)
                return True
            failure = f"HTTP {status}"
    log.warning("Back-channel logout to %s (client %s) failed: %s.", notice.url, notice.client_id, failure)
    return False


def expired_sessions(tenants) -> list[LogoutNotice]:
    """The logout tokens for sessions that expired, on each tenant's clock (initiator
    session-expired: Auth0 tells of those too), at most a batch per tenant at a time."""
    notices = []
    for tenant in tenants:
        notices += session_ended(tenant, "session-expired", expired_before=tenant.now())[0]
    return notices


async def watch_expiry(tenants, interval: float) -> None:
    """Every `interval` seconds (the purge's), tell the clients of the sessions that expired; the
    store work in a worker thread, the POSTs as a logout's (send)."""
    while True:
        await asyncio.sleep(interval)
        try:
            send(await asyncio.to_thread(expired_sessions, tenants))
        except DBAPIError as error:  # a full disk, a database gone: one line, as the purge's, and again next time
            log.warning("telling clients of expired sessions failed (%s); trying again in %s s",
                        str(error.orig or error).splitlines()[0], interval)
        except Exception:  # noqa: BLE001 - a bug of ours must not end the watch for good
            log.exception("telling clients of expired sessions failed; trying again in %s s", interval)
