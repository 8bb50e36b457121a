"""Storage behind one small interface, on SQLModel: SQLite by default, PostgreSQL for scale-out."""

import contextlib
import logging
import math
import os
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, event, inspect, make_url, or_, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, SQLModel, create_engine, select

from .models import (AuthorizationCode, DeviceAuthorization, IssuedToken, LoginSession, RevokedToken, SessionClient,
                     SignInToken, SigningKey, UsedAssertion, new_row, partial_indexes_for, row_values)
from .sql import RawStatements
from .audit import AuditStore
from .revocations import RevocationStore
from .rotation import RotationStore
from .tenant_state import TenantStateStore

log = logging.getLogger("mock_idp")
_together: ContextVar[tuple | None] = ContextVar("mock_idp_insert_together", default=None)  # Store.together
DATABASE_WAIT = 3.0  # seconds a request waits for a database server's answer (Settings.database_wait)


@dataclass(frozen=True)
class PurgeScope:
    """Whose rows a purge looks at: tenants (sessions, device and sign-in rows) and their issuers
    (codes and tokens)."""

    tenants: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()


class Store(TenantStateStore, RevocationStore, RotationStore, AuditStore):
    def __init__(self, database_url: str, wait: float = DATABASE_WAIT):
        """Every write is committed before the call returns. On a SQLite file the tenant state
        rows are kept in memory, and read again when another connection (another thread, another
        process: `--workers`, two servers on one data dir) committed to the file.

        `wait`: on a database server, how long a request waits for the store's work, which runs
        off the event loop (web/off_loop.py); None on SQLite (its work runs where it is called)."""
        self._state_rows = set()  # tenants whose state row is known to exist
        sqlite = database_url.startswith("sqlite")
        self.wait = None if sqlite else wait
        # SQLite: endpoints run on the event loop and in worker threads alike. PostgreSQL: pooled
        # connections are pinged, so they survive a server restart or failover (a file has no
        # server to lose, and the ping was a SELECT more per statement).
        # hide_parameters: a database error's message (logged with its traceback) names the
        # statement but never its values: codes, session ids, token hashes.
        self.engine = create_engine(database_url, pool_pre_ping=not sqlite, hide_parameters=True,
                                    connect_args={"check_same_thread": False, "timeout": 30} if sqlite
                                    else server_connect_args(database_url, wait))
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._engine_commits = 0  # the ORM's and the engine's (RawStatements counts its own)
        event.listen(self.engine, "commit", self._committed)
        # A thread's own connection on a file (one in memory is per connection: the pool's only).
        file = self.on_file = sqlite and self.engine.url.database not in (None, "", ":memory:")
        self.raw = RawStatements(self.engine, own_connections=file)
        if file:
            self.remember_states()  # the state row, read by every request
        self._prepare_schema()

    def _prepare_schema(self) -> None:
        self._add_missing_columns()
        if self._outdated():
            # Written by an older mock_idp and not mendable in place: it holds nothing a mock must
            # keep (new keys are made, tokens of the old ones just stop verifying), so rebuild
            # rather than fail.
            log.warning("The database has tables of an older mock_idp version: rebuilding them.")
            SQLModel.metadata.drop_all(self.engine)
        partial_indexes_for(self.engine.dialect.name)
        # Replicas starting together race to CREATE each table; a lost race means another replica
        # created it, so try again until every table exists (one more try than there are tables).
        for attempts_left in range(len(SQLModel.metadata.tables), -1, -1):
            try:
                SQLModel.metadata.create_all(self.engine)
                break
            except DBAPIError:
                if not attempts_left:
                    raise

    def _missing_columns(self) -> list:
        """Columns of ours that a table of an older mock_idp lacks."""
        inspector = inspect(self.engine)
        existing = set(inspector.get_table_names())
        return [column for name, table in SQLModel.metadata.tables.items() if name in existing
                for column in table.columns
                if column.name not in {found["name"] for found in inspector.get_columns(name)}]

    def _outdated(self) -> bool:
        """Does a table of ours lack a column we use? (CREATE TABLE is atomic, so a replica
        creating the tables right now never looks outdated.)"""
        return bool(self._missing_columns())

    def _add_missing_columns(self) -> None:
        """A column added by a newer mock_idp that may be NULL is added in place (ALTER TABLE ADD
        COLUMN, SQLite and PostgreSQL alike; its rows read as NULL, which is what the column's
        default means), so an upgrade keeps the keys and tokens of the database it finds."""
        for column in self._missing_columns():
            if not column.nullable or column.primary_key:
                continue  # a rebuild (_prepare_schema)
            quote, kind = self.engine.dialect.identifier_preparer.quote, column.type.compile(dialect=self.engine.dialect)
            try:
                with self.engine.begin() as connection:
                    connection.exec_driver_sql(f"ALTER TABLE {quote(column.table.name)} ADD COLUMN {quote(column.name)} {kind}")
            except DBAPIError:
                pass  # a replica starting beside this one added it first; _outdated looks again
            else:
                log.info("Added column %s.%s (a newer mock_idp's) to the database.", column.table.name, column.name)

    def _committed(self, _connection) -> None:
        self._engine_commits += 1

    def commits(self) -> int:
        """How many transactions this store has committed so far."""
        return self._engine_commits + self.raw.commits

    def checkpoint(self, mode: str = "PASSIVE") -> bool:
        """SQLite on a file: copy the write-ahead log into the database file; PASSIVE as far as
        no reader needs it (it never waits), TRUNCATE all of it and empty the log (it waits for
        the readers on the log). Whether all was copied. Otherwise: nothing to do."""
        if not self.on_file:
            return True
        with self.engine.connect() as connection:
            blocked, _, _ = connection.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})").one()
            return not blocked

    def log_size(self) -> int:
        """Bytes of SQLite's write-ahead log file (0 without one)."""
        with contextlib.suppress(OSError):
            return os.stat(f"{self.engine.url.database}-wal").st_size
        return 0

    def check_writable(self) -> None:
        """A write that changes nothing (SQLite: the header's user_version, a page into the log);
        OperationalError if the database cannot be written now (a full disk)."""
        if self.on_file:
            with self.engine.begin() as connection:
                version = int(connection.exec_driver_sql("PRAGMA user_version").scalar())
                connection.exec_driver_sql(f"PRAGMA user_version = {version}")

    def close(self) -> None:
        self.raw.close()
        self.engine.dispose()

    # -- generic upsert/find ---------------------------------------------------------------
    def put(self, *rows: SQLModel) -> None:
        with Session(self.engine) as session:
            for row in rows:
                session.merge(row)
            session.commit()

    def insert(self, row: SQLModel) -> None:
        """Write a row that is new by construction (a code, a token, a session): no read first,
        one precompiled INSERT (IntegrityError if its key is taken). Inside together(), at its end."""
        statement = self.raw.prepared("insert", type(row).__table__)
        pending = _together.get()
        if pending is not None and pending[0] is self:
            pending[1].append((statement, row_values(row)))
        else:
            self.raw.run(statement, [row_values(row)])

    @contextlib.contextmanager
    def together(self):
        """The rows insert()ed in this block (this task or thread) are written at its end, in ONE
        transaction: all or none, and none if the block raises (e.g. a sign-in's SSO session and
        its code: one commit, not two). Reads in the block do not see them yet."""
        rows: list = []
        token = _together.set((self, rows))
        try:
            yield
        finally:
            _together.reset(token)
        if rows:
            self.raw.run_rows(rows)

    def get(self, model: type[SQLModel], key: str):
        """The row of `model` whose primary key is `key` (one precompiled SELECT), or None."""
        values = self.raw.fetch(self.raw.prepared("get", model.__table__), {"key": key})
        return new_row(model, **values) if values is not None else None

    def delete(self, model: type[SQLModel], key: str) -> None:
        with Session(self.engine) as session:
            row = session.get(model, key)
            if row is not None:
                session.delete(row)
                session.commit()

    # -- queries the protocol needs ----------------------------------------------------------
    def signing_keys(self, key_set: str) -> Sequence[SigningKey]:
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(SigningKey).where(SigningKey.key_set == key_set)
            return session.exec(query.order_by(SigningKey.created_at, SigningKey.kid)).all()

    def redeem_code(self, code: str, token: IssuedToken) -> bool:
        """Mark a code used and record the token it gave, in ONE transaction (an UPDATE of an
        unused code, then the INSERT): False, and nothing written, if the code is used or unknown.
        Of concurrent redemptions (on any replica) exactly one wins."""
        consume = self.raw.prepared("consume", AuthorizationCode.__table__, _consume)
        return self.raw.run_rows([(consume, {"key": code}),
                                  (self.raw.prepared("insert", IssuedToken.__table__), row_values(token))], gate=True)

    def find_access_token(self, token_hash: str) -> IssuedToken | None:
        """The record of an access token; of identical ones (no jti), a live one if any."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(IssuedToken).where(IssuedToken.token_hash == token_hash)
            return session.exec(query.order_by(IssuedToken.revoked)).first()

    def find_refresh_token(self, refresh_token: str) -> IssuedToken | None:
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(IssuedToken).where(IssuedToken.refresh_token == refresh_token)
            return session.exec(query).first()

    def find_device_authorization(self, user_code: str) -> DeviceAuthorization | None:
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(DeviceAuthorization).where(DeviceAuthorization.user_code == user_code)
            return session.exec(query).first()

    def move_device_authorization(self, device_code: str, from_status: str, **values) -> bool:
        """Change a device authorization's state, atomically: False if it had left `from_status`."""
        with Session(self.engine) as session:
            result = session.exec(
                update(DeviceAuthorization)
                .where(DeviceAuthorization.device_code == device_code,
                       DeviceAuthorization.status == from_status)
                .values(**values)
            )
            session.commit()
            return result.rowcount == 1

    def redeem_signin_token(self, token_hash: str, now: int) -> SignInToken | None:
        """Use a live sign-in token, atomically: None if unknown, expired or already used (by any
        replica)."""
        with Session(self.engine, expire_on_commit=False) as session:
            redeemed = session.exec(
                update(SignInToken)
                .where(SignInToken.token_hash == token_hash, SignInToken.used == False,  # noqa: E712
                       SignInToken.expires_at > now)
                .values(used=True)
                .returning(SignInToken)
            ).first()
            session.commit()
            return redeemed[0] if redeemed is not None else None

    def use_assertion(self, key: str, issuer: str, expires_at: int) -> bool:
        """Record a client assertion's first use: False if it was used before (on any replica)."""
        try:
            self.insert(new_row(UsedAssertion, key=key, issuer=issuer, expires_at=expires_at))
        except IntegrityError:
            return False
        return True

    def purge_expired(self, now: int, limit: int = 500, code_retention: int = 3600,
                      only: PurgeScope | None = None, besides: PurgeScope | None = None) -> int:
        """Delete at most `limit` expired rows of each kind; how many went. Codes are kept
        `code_retention` seconds past expiry, so a late replay still revokes what they issued.
        `only`: just the rows of those tenants (and their issuers); `besides`: all but theirs (a
        tenant whose clock is moved is purged on its own clock, purge.py)."""
        expired = [
            (AuthorizationCode, AuthorizationCode.code, AuthorizationCode.issuer,
             AuthorizationCode.expires_at < now - code_retention),
            (IssuedToken, IssuedToken.id, IssuedToken.issuer, and_(
                IssuedToken.access_expires_at < now,
                or_(IssuedToken.refresh_expires_at == None, IssuedToken.refresh_expires_at < now))),  # noqa: E711
            (RevokedToken, RevokedToken.token_hash, RevokedToken.issuer, RevokedToken.expires_at < now),
            (LoginSession, LoginSession.id, LoginSession.tenant, LoginSession.expires_at < now),
            (DeviceAuthorization, DeviceAuthorization.device_code, DeviceAuthorization.tenant,
             DeviceAuthorization.expires_at < now),
            (SignInToken, SignInToken.token_hash, SignInToken.tenant, SignInToken.expires_at < now),
        ]
        deleted = 0
        with self.engine.begin() as connection:
            for model, key, owner, condition in expired:
                by_issuer = owner.key == "issuer"
                if only is not None:
                    condition = and_(condition, owner.in_(only.issuers if by_issuer else only.tenants))
                if besides is not None and (besides.issuers if by_issuer else besides.tenants):
                    condition = and_(condition, owner.not_in(besides.issuers if by_issuer else besides.tenants))
                batch = select(key).where(condition).limit(limit).scalar_subquery()
                deleted += connection.execute(delete(model).where(key.in_(batch))).rowcount
            if only is None:
                # Assertions expire on the client's (real) clock, whatever the tenant's says.
                batch = (select(UsedAssertion.key).where(UsedAssertion.expires_at < now)
                         .limit(limit).scalar_subquery())
                deleted += connection.execute(delete(UsedAssertion).where(UsedAssertion.key.in_(batch))).rowcount
        return deleted

    def take_session_clients(self, tenant: str, session_id: str | None = None, username: str | None = None,
                             expired_before: int | None = None, limit: int = 500) -> list[SessionClient]:
        """The clients that signed in through a session (or any session of a user, or sessions
        expired before a time: at most `limit` of them) that is ending, forgotten as they are read
        (one DELETE ... RETURNING: two replicas never take the same row), so each is told once
        (Back-Channel Logout §2.3)."""
        condition = SessionClient.tenant == tenant
        if session_id is not None:
            condition = and_(condition, SessionClient.session_id == session_id)
        if username is not None:
            condition = and_(condition, SessionClient.username == username)
        if expired_before is not None:
            # Read first (its index), and write only when some expired: asked every purge interval.
            with self.engine.connect() as connection:
                ids = connection.execute(select(SessionClient.id).where(
                    condition, SessionClient.expires_at < expired_before).limit(limit)).scalars().all()
            if not ids:
                return []
            condition = SessionClient.id.in_(ids)
        table = SessionClient.__table__
        with self.engine.begin() as connection:
            taken = connection.execute(delete(table).where(condition).returning(*table.c)).mappings().all()
        return [new_row(SessionClient, **row) for row in taken]

    def add(self, row: SQLModel) -> bool:
        """Insert a new row; False if a unique key already holds one (another replica's)."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                return False
            return True


# libpq's own bounds on a database server's connection (PostgreSQL "Connection Strings" §34.1.2),
# for what a dead host or a cut network does to it; a server that is paused but whose host still
# acknowledges (kill -STOP, a stall) is beyond them: web/off_loop.py bounds the request's wait.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 2, "keepalives_count": 3}
TCP_USER_TIMEOUT_MS = 10_000  # data sent and not acknowledged this long: the connection is dead


def server_connect_args(database_url: str, wait: float) -> dict:
    """libpq's connect_timeout (a host that does not answer a connect: the request's wait, at
    least libpq's 2 s), TCP keepalives (an idle pooled connection to a host gone is found dead, and
    pool_pre_ping replaces it) and tcp_user_timeout (a statement sent to a host gone fails instead of
    waiting for TCP's ~15 minutes of retransmissions). What the URL sets itself wins."""
    if not database_url.startswith("postgresql"):
        return {}
    wanted = {"connect_timeout": max(2, math.ceil(wait)), **KEEPALIVES, "tcp_user_timeout": TCP_USER_TIMEOUT_MS}
    given = make_url(database_url).query
    return {name: value for name, value in wanted.items() if name not in given}


def _consume(table):
    return (update(table).where(table.c.code == bindparam("key"), table.c.used == False)  # noqa: E712
            .values(used=True).returning(*table.c))


# SQLite copies its write-ahead log back into the database file (a checkpoint, with an fsync) in
# the commit that takes the log past wal_autocheckpoint pages: on the event loop, a stall of that
# request and every other. A serving app checkpoints from a worker thread instead (checkpoint.py);
# SQLite's own, at its default 1,000 pages (4 MB), bounds the log only if that one falls behind.
AUTOCHECKPOINT_PAGES = 1_000
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024  # bytes (checkpoint.WAL_LIMIT)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers proceed while a token is being written.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
    # After a checkpoint SQLite reuses the log from its start; what lies beyond this is cut off.
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    cursor.close()
