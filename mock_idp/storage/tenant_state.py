"""The Store's part for what the admin API changes at run time: the tenant state row (versions,
clock offset) and the writable directory layer. A mixin of `store.Store`: one storage interface."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .models import (AuditRecord, AuthorizationCode, DeviceAuthorization, DirectoryEntry, IssuedToken, LoginSession, Scenario, SessionClient,
                     SignInToken, SigningKey, TenantState)
from .revocations import cut_off, cut_off_tenant
from .sql import RawStatements

STATE = TenantState.__table__


def _state_query(table):
    return select(table).where(table.c.tenant == bindparam("tenant"))


@dataclass(frozen=True)
class State:
    """A tenant's state row as read (a plain value: building a SQLModel costs ~200 µs)."""

    directory_version: int = 0
    keys_version: int = 0
    clock_offset: int = 0
    scenarios_version: int = 0


class TenantStateStore:
    engine = None  # set by Store
    raw: RawStatements
    _state_rows: set[str]

    # -- the state row, read on every request: one primary-key SELECT ---------------------------
    _known_states: dict[str, State] | None = None  # set by remember_states()
    _forgotten = 0  # how many times they were forgotten

    def tenant_state(self, tenant: str) -> State:
        if self._known_states is not None and self.raw.changed_elsewhere():
            self._forget()
        known, forgotten = self._known_states, self._forgotten
        if known is not None and (state := known.get(tenant)) is not None:
            return state
        # Precompiled, on the DB-API connection: SQLAlchemy's execute path costs ~100 us more.
        row = self.raw.fetch(self.raw.prepared("state", STATE, _state_query), {"tenant": tenant})
        state = State(**{name: row[name] for name in State.__dataclass_fields__}) if row is not None else State()
        if known is not None and forgotten == self._forgotten:  # no write committed meanwhile
            known[tenant] = state
        return state

    def remember_states(self) -> None:
        """Keep the state rows once read, and forget them when a transaction on the engine
        commits (before the commit, and again when its connection goes back to the pool, after
        it, so a read racing the commit is not kept). Every write of the row is a Core statement
        on the engine; the raw DB-API path only reads it and writes tokens, codes and sessions.
        Other processes may use the file too (`--workers`, two servers on one data dir): so also
        forget them whenever SQLite says another connection committed since this thread last
        looked (its data_version: no table read)."""
        self._known_states = {}
        event.listen(self.engine, "commit", self._forget)
        event.listen(self.engine, "checkin", self._forget)

    def _forget(self, *_) -> None:
        self._forgotten += 1
        self._known_states.clear()

    def change_tenant_state(self, tenant: str, connection=None, **changes) -> None:
        """Set columns (`clock_offset=-60`) or bump versions (`keys_version=1` adds one)."""
        values = {name: (value if name == "clock_offset" else getattr(STATE.c, name) + value)
                  for name, value in changes.items()}
        if connection is None:
            with self.engine.begin() as connection:
                return self._change_state(connection, tenant, values)
        self._change_state(connection, tenant, values)

    def _change_state(self, connection, tenant: str, values: dict) -> None:
        self._ensure_state_row(tenant)
        connection.execute(update(STATE).where(STATE.c.tenant == tenant).values(**values))

    def _ensure_state_row(self, tenant: str) -> None:
        if tenant in self._state_rows:
            return
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(STATE).values(tenant=tenant))
        except IntegrityError:
            pass  # another replica (or an earlier run) made it
        self._state_rows.add(tenant)

    # -- the directory layer ------------------------------------------------------------------------
    def directory_entries(self, tenant: str) -> Sequence[DirectoryEntry]:
        table = DirectoryEntry.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).where(table.c.tenant == tenant)).all()
        return [DirectoryEntry(**row._mapping) for row in rows]

    def write_directory_entry(self, entry: DirectoryEntry, revoke_before: int | None = None,
                              issuers: Sequence[str] = ()) -> None:
        """Replace (or hide, data None) one user or client; every replica sees it on its next request.
        `revoke_before` (a client's deletion or new secret): its client_credentials tokens at
        `issuers` end in the same transaction, those without a record issued before then too."""
        table = DirectoryEntry.__table__
        self._ensure_state_row(entry.tenant)
        with self.engine.begin() as connection:
            key = (table.c.tenant == entry.tenant, table.c.kind == entry.kind, table.c.name == entry.name)
            # Writers of one tenant are serialised on its state row, so the upsert below never races.
            connection.execute(update(STATE).where(STATE.c.tenant == entry.tenant)
                               .values(directory_version=STATE.c.directory_version + 1))
            if not connection.execute(update(table).where(*key).values(data=entry.data)).rowcount:
                connection.execute(insert(table).values(**entry.model_dump()))
            if revoke_before is not None:
                cut_off(connection, entry.tenant, entry.name, revoke_before)
                connection.execute(update(IssuedToken).where(  # recorded: signed in a cutoff's second
                    IssuedToken.issuer.in_(issuers), IssuedToken.client_id == entry.name,
                    IssuedToken.username.is_(None)).values(revoked=True))

    def create_directory_entry(self, entry: DirectoryEntry, seeded: bool) -> bool:
        """Add a user or client unless the name is taken (by a live entry, or by the seed's item
        when `seeded` and no entry hides it): check and write in one transaction, so of two
        replicas creating the same name at once exactly one succeeds."""
        table = DirectoryEntry.__table__
        self._ensure_state_row(entry.tenant)
        with self.engine.begin() as connection:
            # The version bump comes first: it locks the tenant's state row (PostgreSQL) or the
            # database (SQLite) until commit, so no other writer runs between check and write.
            connection.execute(update(STATE).where(STATE.c.tenant == entry.tenant)
                               .values(directory_version=STATE.c.directory_version + 1))
            key = (table.c.tenant == entry.tenant, table.c.kind == entry.kind, table.c.name == entry.name)
            found = connection.execute(select(table.c.data).where(*key)).first()
            if (found is not None and found.data is not None) or (found is None and seeded):
                connection.rollback()
                return False
            if found is None:
                connection.execute(insert(table).values(**entry.model_dump()))
            else:
                connection.execute(update(table).where(*key).values(data=entry.data))
        return True

    # -- key rotation --------------------------------------------------------------------------------
    def rotate_signing_key(self, row: SigningKey, grace: int, now: int) -> None:
        """`row` signs from now on; the keys it replaces leave the JWKS after `grace` seconds (their
        rows go then, purge_retired_keys)."""
        self.rotate_signing_keys([row], grace, now)

    def rotate_signing_keys(self, rows: Sequence[SigningKey], grace: int, now: int) -> None:
        """`rows` (of one key set; one per role of a persona that signs some tokens with keys of
        their own, keys.KeyRing) sign from now on, their generations in their order; the keys they
        replace leave the JWKS after `grace` seconds (their rows go then, purge_retired_keys)."""
        key_set = rows[0].key_set
        self._ensure_state_row(key_set)
        for _attempt in range(3):
            try:
                with self.engine.begin() as connection:
                    # The state row first: concurrent rotations of one key set take turns on it.
                    connection.execute(update(STATE).where(STATE.c.tenant == key_set)
                                       .values(keys_version=STATE.c.keys_version + 1))
                    if connection.execute(select(SigningKey.kid).where(SigningKey.kid.in_([row.kid for row in rows]))).first():
                        return  # already there (a replica loading the same seed key)
                    generation = connection.execute(select(func.max(SigningKey.generation))
                                                    .where(SigningKey.key_set == key_set)).scalar() or 0
                    connection.execute(update(SigningKey).where(SigningKey.key_set == key_set,
                                                                SigningKey.retired_at.is_(None))
                                       .values(retired_at=now, remove_at=now + grace))
                    for offset, row in enumerate(rows, start=1):
                        connection.execute(insert(SigningKey).values(**{**row.model_dump(), "generation": generation + offset}))
                return
            except IntegrityError:
                continue  # a replica's rotation took that generation (SQLite has no row lock)
        raise RuntimeError("key rotation kept colliding with other replicas")

    def add_signing_keys(self, rows: Sequence[SigningKey]) -> bool:
        """Add keys to a key set at the generations they name, retiring none (the keys of a persona's
        other roles joining its first key), all or none: False if a replica took one of those
        generations first (keys.load_key_ring then reads its keys)."""
        try:
            with self.engine.begin() as connection:
                for row in rows:
                    connection.execute(insert(SigningKey).values(**row.model_dump()))
            return True
        except IntegrityError:
            return False

    def purge_retired_keys(self, key_set: str, now: int, keep: str | None = None, limit: int = 500) -> int:
        """Delete keys whose grace ended by `now` (the tenant's clock): never the newest key, which
        signs, nor `keep` (the seed file's key: its row tells that it was rotated away, so a restart
        does not bring it back to sign). The JWKS left them at the same moment (keys.KeyRing)."""
        newest = select(func.max(SigningKey.generation)).where(SigningKey.key_set == key_set).scalar_subquery()
        condition = [SigningKey.key_set == key_set, SigningKey.retired_at.is_not(None), SigningKey.remove_at <= now,
                     SigningKey.generation < newest]
        if keep is not None:
            condition.append(SigningKey.kid != keep)
        with self.engine.begin() as connection:
            batch = select(SigningKey.kid).where(*condition).limit(limit).scalar_subquery()
            return connection.execute(delete(SigningKey).where(SigningKey.kid.in_(batch))).rowcount

    # -- scenarios --------------------------------------------------------------------------------
    def arm_scenario(self, row: Scenario) -> None:
        self._ensure_state_row(row.tenant)
        with self.engine.begin() as connection:
            connection.execute(insert(Scenario).values(**row.model_dump()))
            connection.execute(update(STATE).where(STATE.c.tenant == row.tenant)
                               .values(scenarios_version=STATE.c.scenarios_version + 1))

    def armed_scenarios(self, tenant: str) -> Sequence[Scenario]:
        """The tenant's scenarios with firings left, oldest first (the order they fire in)."""
        table = Scenario.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).where(table.c.tenant == tenant, table.c.remaining > 0)
                                      .order_by(table.c.created_at, table.c.id)).all()
        return [Scenario(**row._mapping) for row in rows]

    def fire_scenario(self, scenario_id: str) -> bool:
        """Take one firing, atomically: of concurrent requests (on any replica), exactly
        `remaining` get True."""
        with self.engine.begin() as connection:
            return connection.execute(update(Scenario).where(Scenario.id == scenario_id, Scenario.remaining > 0)
                                      .values(remaining=Scenario.remaining - 1)).rowcount == 1

    def disarm_scenarios(self, tenant: str, scenario_id: str | None = None) -> bool:
        self._ensure_state_row(tenant)
        condition = [Scenario.tenant == tenant, Scenario.remaining > 0]
        if scenario_id is not None:
            condition.append(Scenario.id == scenario_id)
        with self.engine.begin() as connection:
            gone = connection.execute(delete(Scenario).where(*condition)).rowcount
            connection.execute(update(STATE).where(STATE.c.tenant == tenant)
                               .values(scenarios_version=STATE.c.scenarios_version + 1))
        return gone > 0

    # -- reset and revocation -----------------------------------------------------------------------
    def reset_tenant(self, tenant: str, issuers: Sequence[str], now_us: int, tenant_now: int | None = None,
                     first_keys: int = 1) -> None:
        """Back to the seed: the directory layer, clock, codes, tokens, sessions and audit trail of
        the tenant go (records of requests before `now_us` that a replica writes later stay unseen),
        and the tokens without a record issued up to `tenant_now` (its clock, before the reset) end.
        Its `first_keys` first signing keys (one per role of its persona, keys.KeyRing) sign again."""
        self._ensure_state_row(tenant)
        with self.engine.begin() as connection:
            cut_off_tenant(connection, tenant, now_us // 1_000_000 if tenant_now is None else tenant_now)
            connection.execute(update(STATE).where(STATE.c.tenant == tenant).values(
                clock_offset=0, directory_version=STATE.c.directory_version + 1, trail_since=now_us,
                keys_version=STATE.c.keys_version + 1,
                scenarios_version=STATE.c.scenarios_version + 1))
            connection.execute(delete(DirectoryEntry).where(DirectoryEntry.tenant == tenant))
            connection.execute(delete(AuthorizationCode).where(AuthorizationCode.issuer.in_(issuers)))
            connection.execute(delete(IssuedToken).where(IssuedToken.issuer.in_(issuers)))
            connection.execute(delete(LoginSession).where(LoginSession.tenant == tenant))
            connection.execute(delete(SessionClient).where(SessionClient.tenant == tenant))
            connection.execute(delete(DeviceAuthorization).where(DeviceAuthorization.tenant == tenant))
            connection.execute(delete(SignInToken).where(SignInToken.tenant == tenant))
            connection.execute(delete(Scenario).where(Scenario.tenant == tenant))
            connection.execute(delete(AuditRecord).where(AuditRecord.tenant == tenant))
            # The first keys sign again; rotated keys go (new first keys are made if they went too).
            connection.execute(delete(SigningKey).where(SigningKey.key_set == tenant, SigningKey.generation > first_keys))
            connection.execute(update(SigningKey).where(SigningKey.key_set == tenant)
                               .values(retired_at=None, remove_at=None))

    def revoke_user(self, tenant: str, issuers: Sequence[str], username: str) -> int:
        """End a user's sessions and tokens (RFC 7009 for all of them at once); how many tokens."""
        with self.engine.begin() as connection:
            connection.execute(delete(LoginSession).where(LoginSession.tenant == tenant,
                                                          LoginSession.username == username))
            # An unredeemed sign-in token (Okta's sessionToken) would start a new session.
            connection.execute(delete(SignInToken).where(SignInToken.tenant == tenant,
                                                         SignInToken.username == username))
            return connection.execute(
                update(IssuedToken)
                .where(IssuedToken.issuer.in_(issuers), IssuedToken.username == username,
                       IssuedToken.revoked == False)  # noqa: E712
                .values(revoked=True)).rowcount
