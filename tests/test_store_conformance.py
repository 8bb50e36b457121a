"""One storage conformance suite, run against every backend (as dex does): what the protocol code
relies on the Store for, on SQLite and on a real PostgreSQL server."""

import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from mock_idp.keys import generate_key, load_key_ring, role_rows
from mock_idp.storage.models import (AuthorizationCode, DirectoryEntry, IssuedToken, LoginSession, SessionClient,
                                     SignInToken, SigningKey, new_row)
from mock_idp.storage.store import AUTOCHECKPOINT_PAGES, Store

pytest_plugins = ["pg_support"]  # postgres_url: the database the PostgreSQL backend runs on
REPLICAS = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mock_idp.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(database_url):
    store = Store(database_url)
    yield store
    store.close()


@pytest.fixture
def replicas(database_url):
    """Stores of their own (engine, connections) on one database, as separate servers have."""
    stores = [Store(database_url) for _ in range(REPLICAS)]
    yield stores
    for store in stores:
        store.close()


def race(work, replicas) -> list:
    """work(replica) in one thread per replica, all released at once; the results in order."""
    start = threading.Barrier(len(replicas))

    def run(replica):
        start.wait(timeout=30)
        return work(replica)

    with ThreadPoolExecutor(len(replicas)) as pool:
        return list(pool.map(run, replicas))


def unique(prefix: str) -> str:
    # The PostgreSQL database is shared by the tests of this module.
    return f"{prefix}-{uuid.uuid4().hex}"


def code_row(**fields) -> AuthorizationCode:
    now = int(time.time())
    return AuthorizationCode(**{"code": unique("code"), "issuer": "default", "client_id": "demo-web",
                                "username": "alice", "auth_time": now, "expires_at": now + 60, **fields})


def token_row(**fields) -> IssuedToken:
    now = int(time.time())
    return IssuedToken(**{"token_hash": unique("hash"), "issuer": "default", "client_id": "demo-web",
                          "username": "alice", "issued_at": now, "access_expires_at": now + 60, **fields})


def key_row(key_set: str, created_at: int, generation: int) -> SigningKey:
    return SigningKey(kid=unique("kid"), key_set=key_set, generation=generation, private_pem="",
                      created_at=created_at)


def revoked(store: Store, *rows: IssuedToken) -> list[bool]:
    return [store.find_access_token(row.token_hash).revoked for row in rows]


def test_put_get_and_delete_round_trip_a_row_with_every_column_type(store):
    row = token_row(scope="openid email", audience="api", auth_time=7, session_id="sid",
                    refresh_token=unique("rt"), refresh_expires_at=int(time.time()) + 86400, code="abc")
    store.put(row)
    assert store.get(IssuedToken, row.id).model_dump() == row.model_dump()

    store.put(token_row(id=row.id, token_hash=row.token_hash, refresh_token=row.refresh_token, revoked=True))
    stored = store.get(IssuedToken, row.id)
    assert stored.revoked is True and stored.refresh_revoked is False and stored.scope == ""

    store.delete(IssuedToken, row.id)
    assert store.get(IssuedToken, row.id) is None
    store.delete(IssuedToken, row.id)  # deleting what is gone is no error


def test_login_sessions_are_found_until_logout_deletes_them(store):
    session = LoginSession(id=unique("sid"), tenant="default", username="alice", auth_time=1,
                           expires_at=int(time.time()) + 60)
    store.put(session)
    assert store.get(LoginSession, session.id).username == "alice"
    store.delete(LoginSession, session.id)
    assert store.get(LoginSession, session.id) is None


def test_signing_keys_of_a_key_set_come_oldest_first_with_kid_breaking_ties(store):
    key_set = unique("tenant")
    newest, second, first = key_row(key_set, 300, 3), key_row(key_set, 100, 1), key_row(key_set, 100, 2)
    second.kid, first.kid = "b" + second.kid, "a" + first.kid
    store.put(newest, second, first, key_row(unique("other-tenant"), 50, 1))

    assert [row.kid for row in store.signing_keys(key_set)] == [first.kid, second.kid, newest.kid]
    assert store.signing_keys(unique("no-such-tenant")) == []


def test_a_key_set_holds_one_key_per_generation(store):
    key_set = unique("tenant")
    kept = key_row(key_set, 100, 1)
    assert store.add(kept) is True

    assert store.add(key_row(key_set, 100, 1)) is False
    assert [row.kid for row in store.signing_keys(key_set)] == [kept.kid]
    assert store.add(key_row(key_set, 200, 2)) is True
    assert store.add(key_row(unique("other-tenant"), 100, 1)) is True


def test_a_code_is_redeemed_once_with_the_token_it_gives(store):
    code = code_row()
    store.put(code)

    first, second = token_row(code=code.code), token_row(code=code.code)
    assert store.redeem_code(code.code, first) is True
    assert store.get(AuthorizationCode, code.code).used is True
    assert store.find_access_token(first.token_hash).code == code.code
    assert store.redeem_code(code.code, second) is False  # a replay: its token is not recorded
    assert store.find_access_token(second.token_hash) is None
    assert store.redeem_code(unique("never-issued"), token_row()) is False


def test_replicas_racing_to_redeem_a_code_have_exactly_one_winner(replicas):
    for _ in range(3):
        code = code_row()
        replicas[0].put(code)
        tokens = {id(replica): token_row(code=code.code) for replica in replicas}

        outcomes = race(lambda replica, code=code.code: replica.redeem_code(code, tokens[id(replica)]), replicas)

        assert sorted(outcomes) == [False] * (REPLICAS - 1) + [True]
        recorded = [replicas[0].find_access_token(token.token_hash) for token in tokens.values()]
        assert sum(row is not None for row in recorded) == 1
        assert replicas[0].get(AuthorizationCode, code.code).used is True


def test_a_refresh_token_finds_the_row_it_was_issued_with(store):
    row = token_row(refresh_token=unique("rt"))
    store.put(row, token_row(refresh_token=unique("rt")))

    assert store.find_refresh_token(row.refresh_token).token_hash == row.token_hash
    assert store.find_refresh_token(unique("never-issued")) is None


def test_refresh_tokens_are_unique_while_many_rows_have_none(store):
    shared = unique("rt")
    store.put(token_row(refresh_token=shared))

    with pytest.raises(IntegrityError):
        store.put(token_row(refresh_token=shared))
    assert store.add(token_row(refresh_token=shared)) is False
    store.put(token_row(), token_row())  # client_credentials tokens carry no refresh token


def test_the_token_indexes_are_partial_on_every_backend(store):
    # Each is one more B-tree per token commit: only the rows that carry the column are in it.
    catalog = {"sqlite": "SELECT sql FROM sqlite_master WHERE name = :name",
               "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = :name"}
    with store.engine.connect() as connection:
        for column in ("refresh_token", "code", "grant_id"):
            definition = connection.execute(text(catalog[store.engine.dialect.name]),
                                            {"name": f"ix_issued_tokens_{column}"}).scalar_one()
            assert re.search(rf"WHERE \(?{column} IS NOT NULL\)?$", definition), definition


def test_revoke_token_revokes_that_access_token_only(store):
    target, bystander = token_row(), token_row()
    store.put(target, bystander)
    store.revoke_token(target.token_hash, target.issuer, target.access_expires_at)
    assert revoked(store, target, bystander) == [True, False]
    assert not store.is_revoked(target.token_hash)  # its record says so: not listed too


def test_revoke_tokens_from_code_revokes_everything_the_code_issued(store):
    code = unique("code")
    first, refreshed, other = token_row(code=code), token_row(code=code), token_row(code=unique("code"))
    store.put(first, refreshed, other)
    store.revoke_tokens_from_code(code)
    assert revoked(store, first, refreshed, other) == [True, True, False]


def test_revoke_grant_revokes_every_token_of_that_grant_only(store):
    grant = unique("grant")
    first, refreshed = token_row(refresh_token=unique("rt"), grant_id=grant), token_row(grant_id=grant)
    bystander, grantless = token_row(refresh_token=unique("rt"), grant_id=unique("grant")), token_row()
    store.put(first, refreshed, bystander, grantless)
    store.revoke_grant(grant)
    store.revoke_grant(None)  # never "every row without a grant"
    assert revoked(store, first, refreshed, bystander, grantless) == [True, True, False, False]


def test_a_key_ring_is_generated_once_and_the_same_after_a_restart(database_url):
    key_set, before = unique("tenant"), Store(database_url)
    ring = load_key_ring(before, key_set)
    token = ring.sign({"sub": "alice"})
    before.close()

    after = Store(database_url)  # a restart: a new engine on the same database
    try:
        again = load_key_ring(after, key_set)
        assert (again.kid, again.jwks) == (ring.kid, ring.jwks)
        assert again.verify(token) == {"sub": "alice"}
        assert [row.kid for row in after.signing_keys(key_set)] == [ring.kid]
        assert "d" not in again.jwks["keys"][0]  # the private part is never published
        other = load_key_ring(after, unique("other-tenant"))
        assert other.kid != ring.kid and other.verify(token) is None
    finally:
        after.close()


def test_replicas_starting_together_on_an_empty_database_agree_on_one_key(replicas):
    key_set, everyone_looked = unique("tenant"), threading.Barrier(REPLICAS)
    for replica in replicas:
        replica.signing_keys = found_nothing_together(replica.signing_keys, everyone_looked)

    rings = race(lambda replica: load_key_ring(replica, key_set), replicas)

    assert {ring.kid for ring in rings} == {rings[0].kid}
    assert all(ring.jwks == rings[0].jwks for ring in rings) and len(rings[0].jwks["keys"]) == 1
    assert [row.kid for row in replicas[0].signing_keys(key_set)] == [rings[0].kid]
    token = rings[1].sign({"sub": "alice"})
    assert all(ring.verify(token) == {"sub": "alice"} for ring in rings)


def found_nothing_together(signing_keys, barrier: threading.Barrier):
    """The worst interleaving, every time: each replica's first read returns before any replica
    has stored a key."""
    first_read = threading.Event()

    def read(key_set: str):
        rows = signing_keys(key_set)
        if not first_read.is_set():
            first_read.set()
            barrier.wait(timeout=30)
        return rows

    return read


ROLES = ("access", "id")  # a persona that signs access and ID tokens with keys of their own (Cognito)


def test_replicas_starting_together_agree_on_one_key_per_role(replicas):
    key_set, everyone_looked = unique("tenant"), threading.Barrier(REPLICAS)
    for replica in replicas:
        replica.signing_keys = found_nothing_together(replica.signing_keys, everyone_looked)

    rings = race(lambda replica: load_key_ring(replica, key_set, roles=ROLES), replicas)

    kids = rings[0].signing_kids
    assert kids["access"] != kids["id"] and all(ring.signing_kids == kids for ring in rings)
    assert sorted(row.generation for row in replicas[0].signing_keys(key_set)) == [1, 2]
    access, id_token = rings[1].sign({"sub": "alice"}, role="access"), rings[2].sign({"sub": "alice"}, role="id")
    assert all(ring.verify(access) == ring.verify(id_token) == {"sub": "alice"} for ring in rings)


def test_a_rotation_replaces_every_roles_key_and_a_reset_brings_the_first_pair_back(store):
    key_set = unique("tenant")
    first = load_key_ring(store, key_set, roles=ROLES)
    rows = role_rows(generate_key(), key_set, len(ROLES))
    store.rotate_signing_keys(rows, grace=60, now=1000)

    ring = load_key_ring(store, key_set, now=1001, roles=ROLES)
    assert ring.signing_kids == {"access": rows[0].kid, "id": rows[1].kid}
    assert len(ring.jwks["keys"]) == 4  # the replaced pair in its grace
    assert [row.retired_at for row in store.signing_keys(key_set)].count(None) == 2
    assert load_key_ring(store, key_set, now=1061, roles=ROLES).jwks == {"keys": ring.jwks["keys"][:2]}

    store.reset_tenant(key_set, [], now_us=time.time_ns() // 1000, first_keys=len(ROLES))
    after = load_key_ring(store, key_set, roles=ROLES)
    assert after.signing_kids == first.signing_kids and after.jwks == first.jwks

    store.reset_tenant(key_set, [], now_us=time.time_ns() // 1000)  # a persona of one key now
    assert load_key_ring(store, key_set).kid == first.kid and len(store.signing_keys(key_set)) == 1


def test_refresh_rotation_retires_a_token_once_even_across_replicas(replicas):
    row = token_row(refresh_token=unique("rt"))
    replicas[0].put(row)

    successors = [token_row(refresh_token=unique("rt")) for _ in replicas]
    now = int(time.time())

    outcomes = race(lambda replica: replica.rotate_refresh_token(
        row.refresh_token, successors[replicas.index(replica)], now), replicas)

    assert sorted(outcomes) == [False] * (REPLICAS - 1) + [True]
    # The winner's successor is stored; the losers wrote nothing.
    stored = [replicas[0].find_refresh_token(s.refresh_token) is not None for s in successors]
    assert stored == outcomes
    revoked_grant = token_row(refresh_token=unique("rt"), revoked=True)
    replicas[0].put(revoked_grant)
    assert replicas[0].rotate_refresh_token(revoked_grant.refresh_token, token_row(), now) is False


def test_rotation_is_one_transaction(store):
    old = token_row(refresh_token=unique("rt"))
    store.put(old)
    clash = token_row(refresh_token=old.refresh_token)  # the successor cannot be stored
    with pytest.raises(IntegrityError):
        store.rotate_refresh_token(old.refresh_token, clash, int(time.time()))
    assert store.find_refresh_token(old.refresh_token).refresh_revoked is False  # rolled back


def test_a_rotated_refresh_token_is_usable_again_only_within_the_grace(store):
    old, now = token_row(refresh_token=unique("rt")), int(time.time())
    store.put(old)
    assert store.rotate_refresh_token(old.refresh_token, token_row(refresh_token=unique("rt")), now, grace=30)
    assert store.rotate_refresh_token(old.refresh_token, token_row(refresh_token=unique("rt")), now + 30, grace=30)
    assert not store.rotate_refresh_token(old.refresh_token, token_row(), now + 31, grace=30)
    assert not store.rotate_refresh_token(old.refresh_token, token_row(), now, grace=0)


def test_within_the_grace_only_the_previous_refresh_token_rotates_again_when_asked(store):
    first, now = token_row(refresh_token=unique("rt")), int(time.time())
    store.put(first)
    second, third = token_row(refresh_token=unique("rt")), token_row(refresh_token=unique("rt"))
    assert store.rotate_refresh_token(first.refresh_token, second, now, grace=30, previous_only=True)
    again = token_row(refresh_token=unique("rt"))  # the first is the previous one: a retry
    assert store.rotate_refresh_token(first.refresh_token, again, now + 1, grace=30, previous_only=True)
    # Its successor (the retry's token) rotated: the first is now older than the previous one.
    assert store.rotate_refresh_token(again.refresh_token, third, now + 2, grace=30, previous_only=True)
    assert not store.rotate_refresh_token(first.refresh_token, token_row(), now + 3, grace=30, previous_only=True)
    assert store.find_refresh_token(first.refresh_token).refresh_successor == again.id  # nothing written
    # Without the rule, any token retired within the grace rotates again.
    assert store.rotate_refresh_token(first.refresh_token, token_row(refresh_token=unique("rt")), now + 3, grace=30)


def live_refresh_tokens(store: Store, grant_id: str) -> list[str]:
    with Session(store.engine) as session:
        rows = session.exec(select(IssuedToken).where(IssuedToken.grant_id == grant_id)).all()
    return [row.refresh_token for row in rows if row.refresh_token and not (row.revoked or row.refresh_revoked)]


def test_a_retry_within_the_grace_retires_the_grants_live_refresh_token(store):
    grant, now = unique("grant"), int(time.time())
    first = token_row(refresh_token=unique("rt"), grant_id=grant)
    store.put(first)
    second, third = (token_row(refresh_token=unique("rt"), grant_id=grant) for _ in range(2))
    assert store.rotate_refresh_token(first.refresh_token, second, now, grace=30)
    assert store.rotate_refresh_token(first.refresh_token, third, now + 1, grace=30)  # a retry
    assert live_refresh_tokens(store, grant) == [third.refresh_token]
    # The token the retry replaced was never used, so it was not retired by a rotation: no grace.
    assert not store.rotate_refresh_token(second.refresh_token, token_row(grant_id=grant), now + 2, grace=30)


@pytest.mark.parametrize("previous_only", [True, False])
def test_a_retry_racing_the_rotation_of_its_successor_leaves_one_live_token(replicas, previous_only):
    """Replicas at once: one rotates the grant's live token, one retries the token before it
    within the grace. Whoever goes first, the grant keeps one live refresh token."""
    now = int(time.time())
    for _ in range(10):
        grant = unique("grant")
        first, second = (token_row(refresh_token=unique("rt"), grant_id=grant) for _ in range(2))
        replicas[0].put(first)
        assert replicas[0].rotate_refresh_token(first.refresh_token, second, now, grace=30)
        uses = [first.refresh_token, second.refresh_token] * (REPLICAS // 2)
        outcomes = race(lambda replica: replica.rotate_refresh_token(
            uses[replicas.index(replica)], token_row(refresh_token=unique("rt"), grant_id=grant), now + 1,
            grace=30, previous_only=previous_only), replicas)
        assert any(outcomes) and len(live_refresh_tokens(replicas[0], grant)) == 1


def test_purge_deletes_expired_rows_of_every_kind_and_keeps_live_ones(store):
    from mock_idp.storage.models import DeviceAuthorization

    now = int(time.time())
    expired = [
        code_row(expires_at=now - 7200),
        token_row(access_expires_at=now - 10),
        token_row(access_expires_at=now - 10, refresh_token=unique("rt"), refresh_expires_at=now - 1),
        LoginSession(id=unique("sid"), tenant="t", username="alice", auth_time=now, expires_at=now - 1),
        DeviceAuthorization(device_code=unique("dc"), user_code=unique("UC"), tenant="t", issuer="t",
                            client_id="c", expires_at=now - 1, interval=5),
    ]
    live = [
        code_row(expires_at=now - 60),  # expired, but kept a while for the replay rule
        token_row(access_expires_at=now + 60),
        token_row(access_expires_at=now - 10, refresh_token=unique("rt"), refresh_expires_at=now + 60),
        LoginSession(id=unique("sid"), tenant="t", username="alice", auth_time=now, expires_at=now + 60),
        DeviceAuthorization(device_code=unique("dc"), user_code=unique("UC"), tenant="t", issuer="t",
                            client_id="c", expires_at=now + 60, interval=5),
    ]
    for row in expired + live:
        store.insert(row)
    keys = [(type(row), getattr(row, inspect(type(row)).primary_key[0].name)) for row in expired + live]

    while store.purge_expired(now, limit=2):  # bounded batches until nothing is left to purge
        pass

    present = [store.get(model, key) is not None for model, key in keys]
    assert present == [False] * len(expired) + [True] * len(live)


def test_purge_is_bounded_per_call(store):
    now = int(time.time())
    for _ in range(5):
        store.insert(token_row(access_expires_at=now - 10))
    assert store.purge_expired(now, limit=2) <= 2 * 4  # at most `limit` of each kind


def test_times_after_january_2038_are_stored(store):
    # A 15-year refresh token expires after 2^31 seconds: PostgreSQL's INTEGER cannot hold that.
    later = 2**31 + 10**9
    row = token_row(access_expires_at=later, refresh_token=unique("rt"), refresh_expires_at=later)
    store.put(row)
    assert store.get(IssuedToken, row.id).refresh_expires_at == later


def empty(database_url: str) -> None:
    store = Store(database_url)
    SQLModel.metadata.drop_all(store.engine)
    store.close()


def test_servers_starting_together_on_an_empty_database_all_start(database_url):
    empty(database_url)

    stores = race(lambda _: Store(database_url), list(range(REPLICAS)))

    try:
        assert all(store.signing_keys("nobody") == [] for store in stores)
    finally:
        for store in stores:
            store.close()


def test_a_database_left_by_an_older_version_is_rebuilt(database_url):
    empty(database_url)
    old = create_engine(database_url)
    with old.begin() as connection:  # the signing_keys table before it had a `generation` column
        connection.execute(text("CREATE TABLE signing_keys (kid VARCHAR PRIMARY KEY, key_set VARCHAR, "
                                "private_jwk VARCHAR, created_at INTEGER)"))
        connection.execute(text("INSERT INTO signing_keys VALUES ('old', 'okta', '{}', 1)"))
    old.dispose()

    store = Store(database_url)
    try:
        ring = load_key_ring(store, "okta")
        assert ring.kid != "old" and [row.kid for row in store.signing_keys("okta")] == [ring.kid]
    finally:
        store.close()
    again = Store(database_url)  # the current layout is kept as it is
    try:
        assert [row.kid for row in again.signing_keys("okta")] == [ring.kid]
    finally:
        again.close()


def test_insert_writes_new_rows_and_refuses_a_second_with_the_same_key(store):
    code = code_row()
    store.insert(code)
    assert store.get(AuthorizationCode, code.code).model_dump() == code.model_dump()
    with pytest.raises(IntegrityError):
        store.insert(code_row(code=code.code))


def test_rows_inserted_together_are_written_at_the_end_all_or_none(store):
    session = LoginSession(id=unique("sid"), tenant="default", username="alice", auth_time=1,
                           expires_at=int(time.time()) + 60)
    code = code_row(session_id=session.id)
    with store.together():
        store.insert(session)
        store.insert(code)
        assert store.get(AuthorizationCode, code.code) is None  # not yet
    assert store.get(LoginSession, session.id).username == "alice"
    assert store.get(AuthorizationCode, code.code).model_dump() == code.model_dump()

    unwritten = code_row()
    with pytest.raises(RuntimeError), store.together():
        store.insert(unwritten)
        raise RuntimeError("the block failed")
    with pytest.raises(IntegrityError), store.together():
        store.insert(code_row(code=unwritten.code))
        store.insert(code_row(code=code.code))  # taken: the whole transaction is refused
    assert store.get(AuthorizationCode, unwritten.code) is None
    store.insert(unwritten)  # outside a block: at once
    assert store.get(AuthorizationCode, unwritten.code) is not None


def test_a_row_made_by_new_row_is_written_and_read_back_like_one_made_by_its_model(store):
    fields = {"token_hash": unique("hash"), "issuer": "default", "client_id": "demo-web", "issued_at": 1,
              "access_expires_at": 2, "refresh_token": unique("rt"), "grant_id": unique("grant")}
    made = new_row(IssuedToken, **fields)
    assert made.model_dump() == IssuedToken(**fields, id=made.id).model_dump()  # defaults and factories
    store.insert(made)
    assert store.find_refresh_token(fields["refresh_token"]).model_dump() == made.model_dump()


def test_new_row_works_before_anything_else_used_the_orm():
    # A server's first request may be a login: its session row is the process's first ORM object.
    script = ("from mock_idp.storage.models import LoginSession, new_row\n"
              "row = new_row(LoginSession, id='s', tenant='t', username='alice', auth_time=7)\n"
              "print(row.auth_time, row.username, row.expires_at > 0)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["7", "alice", "True"], done.stderr[-2000:]


def test_identical_access_tokens_of_two_grants_are_both_recorded(store):
    # Without a jti (Auth0), two grants in the same second can be given byte-identical tokens.
    first = token_row(refresh_token=unique("rt"), grant_id=unique("grant"))
    second = token_row(refresh_token=unique("rt"), grant_id=unique("grant"))
    second.token_hash = first.token_hash
    store.insert(first)
    store.insert(second)
    store.revoke_grant(first.grant_id)
    assert store.find_access_token(first.token_hash).id == second.id  # the live one is found
    assert store.find_refresh_token(second.refresh_token).revoked is False


def signin_token_row(**fields) -> SignInToken:
    now = int(time.time())
    return SignInToken(**{"token_hash": unique("st"), "tenant": "okta", "username": "alice",
                          "auth_time": now, "expires_at": now + 300, **fields})


def test_a_signin_token_is_redeemed_once_and_never_after_it_expires(store):
    now = int(time.time())
    live, expired = signin_token_row(challenge_key="00ff" * 8), signin_token_row(expires_at=now)
    store.insert(live)
    store.insert(expired)

    redeemed = store.redeem_signin_token(live.token_hash, now)
    assert (redeemed.username, redeemed.tenant, redeemed.used) == ("alice", "okta", True)
    assert redeemed.challenge_key == "00ff" * 8  # what its challenge is answered with (Cognito's SRP)
    assert store.redeem_signin_token(live.token_hash, now) is None
    assert store.redeem_signin_token(expired.token_hash, now) is None
    assert store.redeem_signin_token(unique("never-issued"), now) is None


def test_replicas_racing_to_redeem_a_signin_token_have_exactly_one_winner(replicas):
    for _ in range(3):
        row = signin_token_row()
        replicas[0].insert(row)

        outcomes = race(lambda replica, key=row.token_hash: replica.redeem_signin_token(key, int(time.time())),
                        replicas)

        assert sorted(outcome is not None for outcome in outcomes) == [False] * (REPLICAS - 1) + [True]


# -- the admin API's part: tenant state row, directory layer, reset, revocation ------------------


def test_a_tenant_without_a_state_row_reads_as_defaults(store):
    state = store.tenant_state(unique("tenant"))
    assert (state.directory_version, state.keys_version, state.clock_offset, state.scenarios_version) == (0, 0, 0, 0)


def test_state_changes_set_the_clock_and_bump_versions(store):
    tenant = unique("tenant")
    store.change_tenant_state(tenant, clock_offset=-7200, keys_version=1)
    store.change_tenant_state(tenant, keys_version=1)
    state = store.tenant_state(tenant)
    assert (state.clock_offset, state.keys_version, state.directory_version) == (-7200, 2, 0)
    assert store.tenant_state(unique("other")).clock_offset == 0


def test_directory_entries_replace_hide_and_bump_the_version_of_their_tenant_only(store):
    tenant, other = unique("tenant"), unique("other")
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="user", name="bob", data='{"a": 1}'))
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="user", name="bob", data='{"a": 2}'))
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="client", name="web", data=None))
    entries = {(e.kind, e.name): e.data for e in store.directory_entries(tenant)}
    assert entries == {("user", "bob"): '{"a": 2}', ("client", "web"): None}
    assert store.tenant_state(tenant).directory_version == 3
    assert store.directory_entries(other) == [] and store.tenant_state(other).directory_version == 0


def test_replicas_writing_one_directory_at_once_lose_no_write(replicas):
    tenant = unique("tenant")

    def write(replica):
        for n in range(5):
            name = f"user-{id(replica)}-{n}"
            replica.write_directory_entry(DirectoryEntry(tenant=tenant, kind="user", name=name, data="{}"))

    race(write, replicas)
    assert len(replicas[0].directory_entries(tenant)) == 5 * REPLICAS
    assert replicas[0].tenant_state(tenant).directory_version == 5 * REPLICAS


def test_replicas_creating_one_name_at_once_make_exactly_one(replicas):
    tenant, won = unique("tenant"), []

    def create(replica):
        entry = DirectoryEntry(tenant=tenant, kind="user", name="new@example.com", data=f'{{"by": {id(replica)}}}')
        if replica.create_directory_entry(entry, seeded=False):
            won.append(replica)

    race(create, replicas)
    assert len(won) == 1
    assert [e.data for e in replicas[0].directory_entries(tenant)] == [f'{{"by": {id(won[0])}}}']


def test_a_seeded_or_live_name_cannot_be_created_but_a_hidden_one_can(store):
    tenant = unique("tenant")
    entry = DirectoryEntry(tenant=tenant, kind="user", name="alice", data="{}")
    assert not store.create_directory_entry(entry, seeded=True)
    assert store.create_directory_entry(entry, seeded=False)
    assert not store.create_directory_entry(entry, seeded=False)
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="user", name="alice", data=None))
    assert store.create_directory_entry(entry, seeded=True)  # deleted seed user, created again
    assert store.tenant_state(tenant).directory_version == 3  # refused creates change nothing


def test_reset_drops_the_tenants_layer_clock_codes_tokens_sessions_and_signin_tokens_only(store):
    tenant, other = unique("tenant"), unique("other")
    rows = {}
    for name in (tenant, other):
        store.write_directory_entry(DirectoryEntry(tenant=name, kind="user", name="bob", data="{}"))
        store.change_tenant_state(name, clock_offset=60)
        rows[name] = (code_row(issuer=name), token_row(issuer=name),
                      LoginSession(id=unique("sid"), tenant=name, username="alice", auth_time=1),
                      SignInToken(token_hash=unique("st"), tenant=name, username="alice", auth_time=1,
                                  expires_at=int(time.time()) + 300))
        store.put(*rows[name])

    store.reset_tenant(tenant, issuers=[tenant], now_us=time.time_ns() // 1000)
    assert store.directory_entries(tenant) == [] and store.tenant_state(tenant).clock_offset == 0
    code, token, session, signin = rows[tenant]
    assert store.get(AuthorizationCode, code.code) is None and store.get(IssuedToken, token.id) is None
    assert store.get(LoginSession, session.id) is None and store.get(SignInToken, signin.token_hash) is None
    code, token, session, signin = rows[other]
    assert store.get(AuthorizationCode, code.code) and store.get(IssuedToken, token.id)
    assert store.get(LoginSession, session.id) and len(store.directory_entries(other)) == 1
    assert store.get(SignInToken, signin.token_hash)
    assert store.tenant_state(other).clock_offset == 60


def test_revoking_a_user_ends_their_tokens_and_sessions_on_that_tenant(store):
    tenant = unique("tenant")
    mine, theirs, elsewhere = token_row(issuer=tenant), token_row(issuer=tenant, username="bob"), token_row()
    session = LoginSession(id=unique("sid"), tenant=tenant, username="alice", auth_time=1)
    signins = [SignInToken(token_hash=unique("st"), tenant=tenant, username=name, auth_time=1,
                           expires_at=int(time.time()) + 300) for name in ("alice", "bob")]
    store.put(mine, theirs, elsewhere, session, *signins)

    assert store.revoke_user(tenant, [tenant], "alice") == 1
    assert revoked(store, mine, theirs, elsewhere) == [True, False, False]
    assert store.get(LoginSession, session.id) is None
    assert [store.get(SignInToken, row.token_hash) is not None for row in signins] == [False, True]


def test_replicas_firing_one_scenario_at_once_fire_it_exactly_as_many_times_as_armed(replicas):
    from mock_idp.storage.models import Scenario

    tenant = unique("tenant")
    scenario = Scenario(id=unique("scenario"), tenant=tenant, kind="request", times=7, remaining=7, status=503)
    replicas[0].arm_scenario(scenario)
    assert [row.id for row in replicas[1].armed_scenarios(tenant)] == [scenario.id]

    fired = race(lambda replica: sum(replica.fire_scenario(scenario.id) for _ in range(5)), replicas)
    assert sum(fired) == 7 and replicas[0].armed_scenarios(tenant) == []
    assert replicas[0].tenant_state(tenant).scenarios_version == 1


def test_disarming_removes_the_tenants_armed_scenarios_only(store):
    from mock_idp.storage.models import Scenario

    tenant, other = unique("tenant"), unique("other")
    for name in (tenant, tenant, other):
        store.arm_scenario(Scenario(id=unique("s"), tenant=name, kind="token", defect="expired"))
    first = store.armed_scenarios(tenant)[0]
    assert store.disarm_scenarios(tenant, first.id) is True and store.disarm_scenarios(tenant, first.id) is False
    assert len(store.armed_scenarios(tenant)) == 1
    store.disarm_scenarios(tenant)
    assert store.armed_scenarios(tenant) == [] and len(store.armed_scenarios(other)) == 1


def test_replicas_rotating_at_once_leave_one_signing_key_and_a_generation_each(replicas):
    from mock_idp.keys import KeyRing

    key_set = unique("tenant")
    load_key_ring(replicas[0], key_set)
    rows = [key_row(key_set, 0, 0) for _ in replicas]
    for row in rows:
        row.private_pem = replicas[0].signing_keys(key_set)[0].private_pem  # any valid key will do
    race(lambda replica: replica.rotate_signing_key(rows[replicas.index(replica)], grace=60, now=1000), replicas)

    stored = replicas[1].signing_keys(key_set)
    assert sorted(row.generation for row in stored) == list(range(1, REPLICAS + 2))
    assert [row.retired_at for row in stored].count(None) == 1
    assert replicas[1].tenant_state(key_set).keys_version == REPLICAS
    ring = KeyRing(list(stored), now=1001)
    assert ring.kid == max(stored, key=lambda row: row.generation).kid and len(ring.jwks["keys"]) == REPLICAS + 1
    assert len(KeyRing(list(stored), now=1060).jwks["keys"]) == 1


def audit_rows(tenant: str, endpoint: str, count: int, at: int = 0) -> list[dict]:
    at = at or time.time_ns() // 1000
    return [{"tenant": tenant, "endpoint": endpoint, "at": at + i, "record": f'{{"n": {i}}}'} for i in range(count)]


def test_audit_records_come_newest_last_bounded_per_endpoint_and_tenant(replicas):
    tenant, other = unique("tenant"), unique("other")
    replicas[0].add_audit_records(audit_rows(tenant, "jwks", 6) + audit_rows(tenant, "token", 2), keep=4)
    replicas[1].add_audit_records(audit_rows(other, "jwks", 3), keep=4)
    # A second replica's batch counts against the same bound.
    replicas[1].add_audit_records(audit_rows(tenant, "jwks", 2, at=time.time_ns() // 1000 + 100), keep=4)

    assert [r["n"] for r in replicas[2].audit_records(tenant, "jwks")] == [4, 5, 0, 1]
    assert [r["n"] for r in replicas[2].audit_records(tenant, "token")] == [0, 1]
    assert len(replicas[2].audit_records(tenant)) == 6 and len(replicas[2].audit_records(other)) == 3
    assert [r["n"] for r in replicas[2].audit_records(tenant, limit=1)] == [1]


def test_reset_empties_the_tenants_trail_and_hides_records_of_earlier_requests_written_late(replicas):
    tenant, other = unique("tenant"), unique("other")
    before = time.time_ns() // 1000
    replicas[0].add_audit_records(audit_rows(tenant, "token", 2, at=before) + audit_rows(other, "token", 1), keep=10)
    replicas[0].reset_tenant(tenant, issuers=[tenant], now_us=before + 10)
    assert replicas[1].audit_records(tenant) == [] and len(replicas[1].audit_records(other)) == 1
    # A replica flushing its buffer after the reset: the requests that came before it stay unseen.
    late = [{"tenant": tenant, "endpoint": "token", "at": at, "record": f'{{"at": {at}}}'} for at in (before + 5, before + 20)]
    replicas[1].add_audit_records(late, keep=10)
    assert replicas[2].audit_records(tenant) == [{"at": before + 20}]


def test_a_scoped_purge_deletes_only_or_all_but_the_named_tenants_rows(store):
    from mock_idp.storage.store import PurgeScope

    now = int(time.time())
    mine, theirs = unique("mine"), unique("theirs")
    rows = {name: (token_row(issuer=name, access_expires_at=now - 10),
                   LoginSession(id=unique("sid"), tenant=name, username="alice", auth_time=now, expires_at=now - 1))
            for name in (mine, theirs)}
    for pair in rows.values():
        store.insert(pair[0]), store.insert(pair[1])
    scope = PurgeScope(tenants=(mine,), issuers=(mine,))

    store.purge_expired(now, besides=scope)
    assert store.get(IssuedToken, rows[mine][0].id) and store.get(LoginSession, rows[mine][1].id)
    assert store.get(IssuedToken, rows[theirs][0].id) is None and store.get(LoginSession, rows[theirs][1].id) is None
    store.purge_expired(now, only=scope)
    assert store.get(IssuedToken, rows[mine][0].id) is None and store.get(LoginSession, rows[mine][1].id) is None


def test_retired_keys_go_after_their_grace_but_never_the_signing_key_nor_the_kept_one(store):
    key_set, other = unique("tenant"), unique("other")
    for name in (key_set, other):
        store.add(key_row(name, 1, 1))
    seeded = key_row(key_set, 2, 0)
    store.rotate_signing_key(seeded, grace=10, now=100)  # generation 2, the "seed file's" key
    store.rotate_signing_key(key_row(key_set, 3, 0), grace=10, now=200)
    store.rotate_signing_key(key_row(other, 3, 0), grace=10, now=200)
    assert store.purge_retired_keys(key_set, now=205, keep=seeded.kid) == 1  # generation 1: grace ended at 110
    assert store.purge_retired_keys(key_set, now=10_000, keep=seeded.kid) == 0
    assert sorted(row.generation for row in store.signing_keys(key_set)) == [2, 3]
    # All retired by clock skew or a reset race: the newest still stays.
    with store.engine.begin() as connection:
        connection.execute(SigningKey.__table__.update().where(SigningKey.key_set == key_set)
                           .values(retired_at=1, remove_at=1))
    assert store.purge_retired_keys(key_set, now=10_000) == 1
    assert [row.generation for row in store.signing_keys(key_set)] == [3]
    assert len(store.signing_keys(other)) == 2


def test_a_token_without_a_record_revoked_on_one_replica_is_revoked_on_every_one_until_it_expires(replicas):
    # A client_credentials token is never written: revoking it lists its hash until its expiry.
    issuer, now = unique("issuer"), int(time.time())
    token_hash, other = unique("hash"), unique("hash")
    race(lambda replica: replica.revoke_token(token_hash, issuer, now + 60), replicas)  # once, whoever wins
    assert [replica.is_revoked(token_hash) for replica in replicas] == [True] * REPLICAS
    assert not replicas[0].is_revoked(other)
    replicas[1].revoke_token(other, issuer, now - 1)
    while replicas[2].purge_expired(now, limit=100):
        pass
    assert (replicas[0].is_revoked(token_hash), replicas[0].is_revoked(other)) == (True, False)


def test_cutoffs_only_move_forward_and_a_reset_replaces_the_tenants_with_one(store):
    tenant, other = unique("tenant"), unique("tenant")
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="client", name="svc", data=None), revoke_before=100)
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="client", name="svc", data="{}"), revoke_before=50)
    store.write_directory_entry(DirectoryEntry(tenant=tenant, kind="client", name="web", data="{}"))
    store.write_directory_entry(DirectoryEntry(tenant=other, kind="client", name="svc", data=None), revoke_before=70)
    assert store.token_cutoffs(tenant) == {"svc": 100}
    store.reset_tenant(tenant, issuers=[tenant], now_us=time.time_ns() // 1000, tenant_now=90)
    assert store.token_cutoffs(tenant) == {"": 100}  # never earlier than a client's
    assert store.token_cutoffs(other) == {"svc": 70}


def test_a_checkpoint_moves_the_write_ahead_log_into_the_database_file(store, database_url):
    for _ in range(50):
        store.insert(code_row())
    if not database_url.startswith("sqlite"):
        store.checkpoint()  # nothing to do, and no error
        return
    with store.engine.connect() as connection:
        # SQLite's own checkpoint waits far longer (checkpoint.py checkpoints in the background).
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == AUTOCHECKPOINT_PAGES
    file = Path(store.engine.url.database)
    before = file.stat().st_size  # the new rows are in the log only
    store.checkpoint()
    assert file.stat().st_size > before


def test_a_client_assertion_is_used_once_across_replicas_and_purged_when_expired(replicas):
    now = int(time.time())
    key = unique("jti")
    wins = race(lambda replica: replica.use_assertion(key, "t", now + 60), replicas)
    assert sorted(wins) == [False] * (len(replicas) - 1) + [True]
    old = unique("jti")
    assert replicas[0].use_assertion(old, "t", now - 1)
    while replicas[0].purge_expired(now, limit=2):
        pass
    assert replicas[0].use_assertion(old, "t", now + 60)  # forgotten once expired
    assert not replicas[0].use_assertion(key, "t", now + 60)  # still remembered while live


def test_a_data_dir_of_the_version_before_authorization_codes_kept_hook_answers_still_starts(tmp_path):
    """The authorization_codes table without `hook_answers` (written before it): the tables are
    rebuilt at start, and the server signs in and issues codes again."""
    from conftest import SEEDS, make_app_client

    old = create_engine(f"sqlite:///{tmp_path / 'mock_idp.db'}")
    SQLModel.metadata.create_all(old)
    with old.begin() as connection:
        connection.execute(text("ALTER TABLE authorization_codes DROP COLUMN hook_answers"))
    assert "hook_answers" not in {column["name"] for column in inspect(old).get_columns("authorization_codes")}
    old.dispose()
    with make_app_client(SEEDS / "core.yaml", tmp_path) as client:
        assert client.get("/default/.well-known/openid-configuration").status_code == 200
    store = Store(f"sqlite:///{tmp_path / 'mock_idp.db'}")
    try:
        store.insert(new_row(AuthorizationCode, code="c", issuer="i", client_id="web", username="alice",
                             auth_time=1, expires_at=1, hook_answers='{"pre_token_generation": null}'))
        assert store.get(AuthorizationCode, "c").hook_answers == '{"pre_token_generation": null}'
    finally:
        store.close()


def test_a_database_of_an_earlier_version_gains_a_new_column_and_keeps_its_keys_and_tokens(database_url):
    """An upgrade on a kept volume: a column a newer mock_idp added (NULL for the rows it finds)
    is added in place, so the signing keys and token records stay; before, the tables were rebuilt."""
    store = Store(database_url)
    ring = load_key_ring(store, "upgraded")
    store.insert(new_row(IssuedToken, token_hash="h" * 64, issuer="https://idp/upgraded", client_id="app",
                         issued_at=int(time.time()), access_expires_at=int(time.time()) + 600,
                         refresh_token="r-" + uuid.uuid4().hex))
    store.close()
    engine = create_engine(database_url)
    with engine.begin() as connection:  # the table as the version before refresh_successor made it
        connection.execute(text("ALTER TABLE issued_tokens DROP COLUMN refresh_successor"))
    engine.dispose()

    store = Store(database_url)
    try:
        columns = {column["name"] for column in inspect(store.engine).get_columns("issued_tokens")}
        assert "refresh_successor" in columns
        assert load_key_ring(store, "upgraded").kid == ring.kid
        assert store.find_access_token("h" * 64) is not None
    finally:
        store.close()


def test_a_sessions_clients_are_taken_once_by_session_user_or_expiry(replicas):
    """Back-Channel Logout §2.3: the clients remembered with a session are read and forgotten at
    once, so two replicas ending it (or finding it expired) never both tell a client."""
    store = replicas[0]
    tenant = unique("bcl")

    def row(session: str, client: str, username: str = "alice", expires_at: int = 2_000_000_000) -> SessionClient:
        return SessionClient(id=f"{session} {client}", session_id=session, tenant=tenant, issuer=tenant,
                             username=username, client_id=client, expires_at=expires_at)

    for remembered in (row("s1", "a"), row("s1", "b"), row("s2", "a"), row("s3", "a", "bob"),
                       row("s4", "c", "bob", expires_at=100)):
        assert store.add(remembered)
    assert not store.add(row("s1", "a")), "one row per session and client"

    taken = race(lambda replica: replica.take_session_clients(tenant, session_id="s1"), replicas)
    assert sorted(r.client_id for rows in taken for r in rows) == ["a", "b"]
    assert [r.session_id for r in store.take_session_clients(tenant, expired_before=1000)] == ["s4"]
    assert store.take_session_clients(tenant, expired_before=1000) == []
    assert [r.session_id for r in store.take_session_clients(tenant, username="alice")] == ["s2"]
    assert [(r.session_id, r.username) for r in store.take_session_clients(tenant)] == [("s3", "bob")]
