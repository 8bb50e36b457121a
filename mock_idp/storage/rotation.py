"""The Store's part for refresh token rotation (OAuth 2.1 §4.3.1) and the end of a grant (RFC 9700
§4.14.2): each decision is made in ONE transaction that concurrent requests (threads, --workers,
replicas) see one at a time, on SQLite and on PostgreSQL alike (docs/vendors.md, "Refresh token
rotation under concurrency").

SQLite has one writer: a transaction that begins with an UPDATE holds the database's write lock,
so what it reads after is what every other writer committed. PostgreSQL (READ COMMITTED) locks
rows, and a statement reads the rows committed when it began: an UPDATE that waited for a row
checks that row again, but a row committed meanwhile (a successor stored by a concurrent rotation)
it never sees. So on PostgreSQL:
- a rotation of a live token stays one conditional UPDATE (its row lock and rowcount decide);
- a retry within the grace, and a grant's revocation, first take the grant's transaction lock
  (pg_advisory_xact_lock), which orders them as SQLite's writer lock does; what they read of a
  row a live rotation may hold they read FOR UPDATE (it waits for that rotation's commit);
- a write over the grant's rows is repeated until it finds none left (a live rotation that
  committed a successor meanwhile), so no token of the grant is missed.
Locks are taken grant first, then rows; a live rotation locks one row and waits for nothing after
it, so none of these waits for another in a circle."""

from sqlalchemy import and_, func, insert, select, update

from .models import IssuedToken

T = IssuedToken.__table__.c


class RotationStore:
    engine = None  # set by Store

    def rotate_refresh_token(self, refresh_token: str, successor: IssuedToken, now: int, grace: int = 0,
                             previous_only: bool = False) -> bool:
        """Retire a live refresh token and store its successor, in ONE transaction; or, for one
        retired less than `grace` seconds ago (with `previous_only`, only while the successor it
        was last rotated to is unused), rotate it again: every other live refresh token of the
        grant is retired first, so a grant never has two. False, and nothing written, if the token
        is revoked, retired past the grace, or not the previous one. A crash in between loses
        nothing; of racing requests (on any replica) the outcome is one of their serial orders."""
        with self.engine.begin() as connection:
            # The common case, as cheap as it was: one UPDATE whose rowcount decides.
            retired = connection.execute(
                update(IssuedToken)
                .where(IssuedToken.refresh_token == refresh_token, IssuedToken.revoked == False,  # noqa: E712
                       IssuedToken.refresh_revoked == False)  # noqa: E712
                .values(refresh_revoked=True, refresh_successor=successor.id, refresh_retired_at=now)
            ).rowcount == 1
            if not retired and _serialised(connection):
                retired = grace > 0 and _rotate_again(connection, refresh_token, successor, now, grace, previous_only)
            if retired:
                connection.execute(insert(IssuedToken.__table__), successor.model_dump())
                return True
            if grace <= 0 or _serialised(connection):
                return False
        # PostgreSQL: in a transaction of its own. An UPDATE that waited for a row another
        # transaction changed, and then found it no longer matching, keeps that row locked to the
        # end of its transaction (0 rows, yet a FOR UPDATE elsewhere waits): held while waiting
        # for the grant's lock, whose holder locks the token's row, it would deadlock.
        with self.engine.begin() as connection:
            if not _rotate_again(connection, refresh_token, successor, now, grace, previous_only):
                return False
            connection.execute(insert(IssuedToken.__table__), successor.model_dump())
            return True

    def revoke_grant(self, grant_id: str) -> None:
        """RFC 9700 §4.14.2, RFC 7009 §2.1: every token of the grant, refreshed ones included."""
        if grant_id:  # (never `grant_id IS NULL`: that would be every grant-less row)
            with self.engine.begin() as connection:
                lock_grants(connection, [grant_id])
                revoke_all(connection, IssuedToken.grant_id == grant_id)

    def revoke_tokens_from_code(self, code: str) -> None:
        """RFC 6749 §4.1.2: every token the code issued, refreshed ones too (they carry it)."""
        with self.engine.begin() as connection:
            if not _serialised(connection):
                grants = select(T.grant_id).distinct().where(T.code == code, T.grant_id.is_not(None))
                lock_grants(connection, sorted(connection.execute(grants).scalars()))
            revoke_all(connection, IssuedToken.code == code)


def _rotate_again(connection, refresh_token: str, successor: IssuedToken, now: int, grace: int,
                  previous_only: bool) -> bool:
    """A retired token within its grace, in the caller's transaction: on SQLite the one whose
    UPDATE found the token not live (and took the write lock), on PostgreSQL a new one."""
    lock_grants(connection, [successor.grant_id] if successor.grant_id else [])
    parent = connection.execute(
        select(T.id, T.refresh_retired_at, T.refresh_successor)
        .where(T.refresh_token == refresh_token, T.revoked == False).with_for_update()  # noqa: E712
    ).first()
    # A token retired with no time is not one a rotation retired (a superseded or revoked one).
    if parent is None or parent.refresh_retired_at is None or parent.refresh_retired_at < now - grace:
        return False
    if previous_only and parent.refresh_successor is not None:
        # FOR UPDATE: a rotation of the successor under way is waited for, and then seen.
        used = connection.execute(select(T.refresh_revoked).where(T.id == parent.refresh_successor)
                                  .with_for_update()).scalar()
        if used:
            return False  # the successor was used: this token is older than the previous one
    # The grant's live refresh token (the successor, or a later one) gives way to the new one.
    if successor.grant_id:
        live = and_(T.grant_id == successor.grant_id, T.refresh_token.is_not(None))
    else:  # a row from before grants were recorded: its own successor only
        live = T.id == parent.refresh_successor
    _repeat(connection, update(IssuedToken).where(live, T.refresh_revoked == False)  # noqa: E712
            .values(refresh_revoked=True))
    connection.execute(update(IssuedToken).where(T.id == parent.id).values(refresh_successor=successor.id))
    return True


def revoke_all(connection, condition) -> None:
    """In the caller's transaction: every token `condition` selects is revoked, those committed
    by a concurrent rotation while this ran included."""
    _repeat(connection, update(IssuedToken).where(condition, T.revoked == False).values(revoked=True))  # noqa: E712


def lock_grants(connection, grant_ids: list[str]) -> None:
    """PostgreSQL: the grants' transaction-scoped advisory locks (PostgreSQL "Advisory Locks",
    §13.3.5), in the order given; SQLite: nothing (its writer lock orders every write)."""
    if grant_ids and not _serialised(connection):
        for grant_id in grant_ids:
            connection.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(grant_id, 0))))


def _repeat(connection, statement) -> None:
    """Run a write; on PostgreSQL again while it changed a row (each run reads anew, so it finds
    what a concurrent transaction committed during the last)."""
    while connection.execute(statement).rowcount and not _serialised(connection):
        pass


def _serialised(connection) -> bool:
    return connection.dialect.name == "sqlite"
