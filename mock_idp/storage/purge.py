"""Expired codes, tokens, sessions and device codes, and retired signing keys past their grace, are
deleted in the background, in bounded batches, so the database does not grow with every login or
rotation (every replica purges; it is idempotent).

Each tenant is purged on its own clock: one whose clock the admin API moved +2 h sees its rows
expire and its keys' grace end as a real tenant would two hours later; the others are not touched
by it. Rows of no configured tenant (another seed's, in a shared database) go on real time.
"""

import asyncio
import logging
import time

from sqlalchemy.exc import DBAPIError

from .background import running
from .store import PurgeScope

log = logging.getLogger("mock_idp")


def scope_of(tenants) -> PurgeScope:
    return PurgeScope(tuple(tenant.name for tenant in tenants),
                      tuple(issuer.key for tenant in tenants for issuer in tenant.issuers))


def purge_once(store, tenants, batch: int) -> int:
    """One pass, each query bounded by `batch`; how many rows went."""
    now = time.time()
    offsets = {tenant.name: tenant.state().clock_offset for tenant in tenants}
    moved = [tenant for tenant in tenants if offsets[tenant.name]]
    deleted = store.purge_expired(int(now), batch, besides=scope_of(moved))
    for tenant in moved:
        deleted += store.purge_expired(int(now) + offsets[tenant.name], batch, only=scope_of([tenant]))
    for tenant in tenants:
        deleted += store.purge_retired_keys(tenant.name, int(now) + offsets[tenant.name], keep=tenant.seed_kid,
                                            limit=batch)
    return deleted


async def purge_forever(store, tenants, interval: float, batch: int) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            # In a worker thread: the event loop keeps serving while the database works.
            while await asyncio.to_thread(purge_once, store, tenants, batch) >= batch:
                await asyncio.sleep(0)  # a backlog: more batches, each one bounded
        except DBAPIError as error:  # a full disk, a database gone: one line, and again next time
            log.warning("purging expired rows failed (%s); trying again in %s s",
                        str(error.orig or error).splitlines()[0], interval)
        except Exception:  # a bug of ours must not end the purging for good
            log.exception("purging expired rows failed; trying again in %s s", interval)


def purging(app):
    settings = app.state.settings
    return running(purge_forever(app.state.store, app.state.tenants, settings.purge_interval, settings.purge_batch))
