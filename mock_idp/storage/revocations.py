"""The Store's part for what ends an access token that has no record (a client_credentials token
is signed and never written): a row per revoked token, kept until the token's expiry, and the
"revoked before" instants of a tenant's reset and of a client's deletion or secret rotation."""

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .models import IssuedToken, RevokedToken, TokenCutoff

CUTOFF = TokenCutoff.__table__
EVERY_CLIENT = ""  # TokenCutoff.client_id of a tenant-wide cutoff


class RevocationStore:
    engine = None  # set by Store

    def revoke_token(self, token_hash: str, issuer: str, expires_at: int) -> None:
        """RFC 7009: the token's record is marked revoked; a token without one is listed."""
        with self.engine.begin() as connection:
            if connection.execute(update(IssuedToken).where(IssuedToken.token_hash == token_hash)
                                  .values(revoked=True)).rowcount:
                return
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(RevokedToken).values(token_hash=token_hash, issuer=issuer,
                                                               expires_at=expires_at))
        except IntegrityError:
            pass  # revoked already (here, or by another replica)

    def is_revoked(self, token_hash: str) -> bool:
        return self.raw.fetch(self.raw.prepared("get", RevokedToken.__table__), {"key": token_hash}) is not None

    def token_cutoffs(self, tenant: str) -> dict[str, int]:
        """{client_id or EVERY_CLIENT: the instant before which its tokens without a record are dead}."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(CUTOFF.c.client_id, CUTOFF.c.revoked_before).where(CUTOFF.c.tenant == tenant))
            return dict(rows.all())


def cut_off(connection, tenant: str, client_id: str, before: int) -> None:
    """In the caller's transaction: `client_id`'s tokens (EVERY_CLIENT: all the tenant's) issued
    before `before` end; an earlier cutoff only moves forward."""
    key = (CUTOFF.c.tenant == tenant, CUTOFF.c.client_id == client_id)
    later = case((CUTOFF.c.revoked_before < before, before), else_=CUTOFF.c.revoked_before)
    if not connection.execute(update(CUTOFF).where(*key).values(revoked_before=later)).rowcount:
        connection.execute(insert(CUTOFF).values(tenant=tenant, client_id=client_id, revoked_before=before))


def cut_off_tenant(connection, tenant: str, before: int) -> None:
    """A reset: one tenant-wide cutoff, at least as late as every client's, replaces them all."""
    latest = connection.execute(select(func.max(CUTOFF.c.revoked_before)).where(CUTOFF.c.tenant == tenant)).scalar()
    connection.execute(delete(CUTOFF).where(CUTOFF.c.tenant == tenant))
    connection.execute(insert(CUTOFF).values(tenant=tenant, client_id=EVERY_CLIENT, revoked_before=max(before, latest or 0)))
