"""The Store's part for the audit trail (trail.py): batches of records in, the newest out, each
endpoint of each tenant bounded. A mixin of `store.Store`: one storage interface."""

import json
import logging
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from .models import AuditRecord, TenantState

log = logging.getLogger("mock_idp")
AUDIT = AuditRecord.__table__
STATE = TenantState.__table__


class AuditStore:
    engine = None  # set by Store

    def add_audit_records(self, rows: Sequence[dict], keep: int) -> None:
        """Insert rows ({tenant, endpoint, at, record}) in one statement, then drop all but the
        newest `keep` of each (tenant, endpoint) they touched."""
        if not rows:
            return
        with self.engine.begin() as connection:
            connection.execute(insert(AUDIT), list(rows))
        try:
            with self.engine.begin() as connection:
                for tenant, endpoint in sorted({(row["tenant"], row["endpoint"]) for row in rows}):
                    same = (AUDIT.c.tenant == tenant, AUDIT.c.endpoint == endpoint)
                    oldest_kept = (select(AUDIT.c.id).where(*same).order_by(AUDIT.c.id.desc())
                                   .offset(keep - 1).limit(1).scalar_subquery())
                    connection.execute(delete(AUDIT).where(*same, AUDIT.c.id < oldest_kept))
        except DBAPIError:  # two replicas trimming at once (a deadlock): the next batch trims again
            log.warning("trimming the audit trail failed; the next batch trims it", exc_info=True)

    def audit_records(self, tenant: str, endpoint: str | None = None, limit: int = 200) -> list[dict]:
        """The newest `limit` records of the tenant (of one endpoint), oldest first, none from
        before the tenant's last reset (a replica may flush those after it)."""
        since = select(STATE.c.trail_since).where(STATE.c.tenant == tenant).scalar_subquery()
        query = select(AUDIT.c.record).where(AUDIT.c.tenant == tenant, AUDIT.c.at >= func.coalesce(since, 0))  # no state row: never reset
        if endpoint is not None:
            query = query.where(AUDIT.c.endpoint == endpoint)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc()).limit(limit)).all()
        return [json.loads(row.record) for row in reversed(rows)]

