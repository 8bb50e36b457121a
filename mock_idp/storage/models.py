"""SQLModel tables: what the provider writes at run time (seed users and clients stay in YAML)."""

import functools
import time
import uuid

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
from sqlalchemy.orm import configure_mappers
from sqlmodel import Field, SQLModel


def new_row(model: type[SQLModel], **fields) -> SQLModel:
    """A row about to be inserted, made as the ORM makes the rows it loads (its state attached,
    the values put in place, no validation): `Model(...)` sets each field through the ORM's
    instrumentation and cost ~200 us a row, as much as writing it. Only for values that are
    ours and typed by construction."""
    static, factories = _defaults(model)
    row = model.__mapper__.class_manager.new_instance()
    row.__dict__.update(static)
    row.__dict__.update({name: make() for name, make in factories.items() if name not in fields})
    row.__dict__.update(fields)
    object.__setattr__(row, "__pydantic_fields_set__", set(fields))
    return row


def row_values(row: SQLModel) -> dict:
    """A new row's column values, as model_dump() gives them, read straight off the instance
    (model_dump walks pydantic's serializer: ~1% of a code flow for its three rows)."""
    values = row.__dict__
    try:
        return {name: values[name] for name in _columns(type(row))}
    except KeyError:  # a value not loaded: the slow way
        return row.model_dump()


@functools.cache
def _columns(model: type[SQLModel]) -> tuple[str, ...]:
    return tuple(model.__table__.columns.keys())


@functools.cache
def _defaults(model: type[SQLModel]) -> tuple[dict, dict]:
    """(constant defaults, default factories) of a model's fields; first, the mappers are made
    ready (the ORM does so lazily, at a first Session or `Model(...)`), as the rows' attributes need."""
    configure_mappers()
    fields = model.model_fields.items()
    return ({name: field.default for name, field in fields if field.default_factory is None and not field.is_required()},
            {name: field.default_factory for name, field in fields if field.default_factory is not None})


def timestamp(**options):
    """Unix seconds: 64-bit, since PostgreSQL's INTEGER ends in January 2038."""
    return Field(sa_type=BigInteger, **options)


class SigningKey(SQLModel, table=True):
    __tablename__ = "signing_keys"
    # Replicas starting together each try to add generation 1: the database keeps one.
    __table_args__ = (UniqueConstraint("key_set", "generation"),)
    kid: str = Field(primary_key=True)
    key_set: str = Field(index=True)  # the tenant whose JWKS publishes it
    generation: int = 1  # 1 for a key set's first key, one more for each key added later
    algorithm: str = "RS256"  # or ES256
    private_pem: str  # PKCS#8; generated once so tokens stay verifiable across restarts
    created_at: int = timestamp()
    retired_at: int | None = timestamp(default=None)  # replaced by a newer key: signs no more
    remove_at: int | None = timestamp(default=None)  # leaves the JWKS (the grace after retirement)


# The rows written by a sign-in and its token request, keyed by a random text id, are stored in
# their primary key's B-tree (SQLite's WITHOUT ROWID; PostgreSQL ignores it): a rowid table keeps a
# second B-tree for that key, one more page written into the log by every such commit.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class AuthorizationCode(SQLModel, table=True):
    __tablename__ = "authorization_codes"
    __table_args__ = WITHOUT_ROWID
    code: str = Field(primary_key=True)
    issuer: str  # no index: only the admin API's tenant reset filters by it, and scans
    client_id: str
    username: str
    redirect_uri: str | None = None
    response_type: str = "code"
    scope: str = ""
    nonce: str | None = None
    auth_time: int = timestamp()
    session_id: str | None = None
    audience: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    expires_at: int = timestamp(index=True)
    used: bool = False
    # JSON: what the persona's token hooks answered when the user signed in, for the tokens this
    # code is redeemed for (Flavor.hook_answers_at_sign_in); None: they are asked at redemption.
    hook_answers: str | None = None
    # JSON: what the persona kept of the authorization request for the grant's tokens
    # (Flavor.authorization_context: Auth0's organization); None: nothing.
    authorization_context: str | None = None


class IssuedToken(SQLModel, table=True):
    """One row per access token; the refresh token that came with it rides on the same row."""

    __tablename__ = "issued_tokens"
    # Each index is one more B-tree written by every token's commit, the largest cost of issuing
    # after the signature. So: partial where most rows have none (a client_credentials token has
    # no refresh token, code or grant to continue: it adds its id, hash and expiry only), and
    # none on `issuer` (only the admin API's reset and revoke-user filter by it, and scan).
    # The WHERE is given for SQLite here and copied for the engine's own dialect by
    # `partial_indexes_for` (naming `postgresql_where` here would import that dialect at every
    # start: ~40 ms and 2 MiB, for a server that is mostly on SQLite).
    __table_args__ = tuple(
        Index(f"ix_issued_tokens_{column}", column, unique=column == "refresh_token",
              sqlite_where=text(f"{column} IS NOT NULL"))
        for column in ("refresh_token", "code", "grant_id")) + (WITHOUT_ROWID,)
    id: str = Field(primary_key=True, default_factory=lambda: uuid.uuid4().hex)
    # SHA-256 of the token: found without a `jti` claim (real Auth0 access tokens have none). Not
    # unique: without a jti, two grants in the same second can be given the very same token.
    token_hash: str = Field(index=True)
    issuer: str
    client_id: str
    username: str | None = None  # None for client_credentials
    scope: str = ""
    audience: str | None = None
    auth_time: int | None = timestamp(default=None)
    session_id: str | None = None
    issued_at: int = timestamp()
    access_expires_at: int = timestamp(index=True)
    refresh_token: str | None = None  # unique (its index above)
    refresh_expires_at: int | None = timestamp(default=None)
    code: str | None = None  # RFC 6749 §4.1.2: revoke on code replay
    # Every token of a grant that can be refreshed, and of its refreshes: RFC 9700 §4.14.2 revokes
    # them together on refresh token reuse (None: no refresh token, nothing continues the grant).
    grant_id: str | None = None
    revoked: bool = False
    # Rotation (OAuth 2.1 §4.3.1): a used refresh token dies, its access token lives on.
    refresh_revoked: bool = False
    refresh_retired_at: int | None = timestamp(default=None)
    # The id of the row its latest rotation stored: while that row's refresh token is unused, this
    # one is "the previous token" (RefreshRotation.reuse_previous_only: Auth0's reuse interval).
    refresh_successor: str | None = None
    # The grant's authorization context (AuthorizationCode's), for the tokens a refresh brings.
    authorization_context: str | None = None


class RevokedToken(SQLModel, table=True):
    """An access token revoked that has no record (a client_credentials token is never written):
    kept until the token's own expiry, when it would be refused anyway (purge.py)."""

    __tablename__ = "revoked_tokens"
    token_hash: str = Field(primary_key=True)  # SHA-256, as IssuedToken's
    issuer: str
    expires_at: int = timestamp(index=True)


class TokenCutoff(SQLModel, table=True):
    """Tokens without a record issued before `revoked_before` (the tenant's clock, seconds) are dead: a
    tenant reset (client_id "") or a client's deletion or secret rotation ends them at once."""

    __tablename__ = "token_cutoffs"
    tenant: str = Field(primary_key=True)
    client_id: str = Field(primary_key=True)  # "": every client of the tenant
    revoked_before: int = timestamp()


class LoginSession(SQLModel, table=True):
    """The SSO session behind the browser cookie: lets a second authorization skip the form."""

    __tablename__ = "login_sessions"
    __table_args__ = WITHOUT_ROWID
    id: str = Field(primary_key=True)
    tenant: str  # no index: only a tenant reset and a user's revocation filter by it, and scan
    username: str
    auth_time: int = timestamp()
    # Purged after this; the persona's Lifetimes.session when the login starts it.
    expires_at: int = timestamp(index=True, default_factory=lambda: int(time.time()) + 24 * 3600)


class SessionClient(SQLModel, table=True):
    """A client that signed in through an SSO session and is told when it ends (OpenID Connect
    Back-Channel Logout 1.0 §2.3, "Remembering Logged-In RPs"). Written only for clients with a
    logout URL (Flavor.backchannel_logout_urls): no cost to a sign-in of any other."""

    __tablename__ = "session_clients"
    __table_args__ = WITHOUT_ROWID
    id: str = Field(primary_key=True)  # "<session id> <client id>": one row however often it signs in
    session_id: str = Field(index=True)
    tenant: str
    issuer: str  # the authorization server whose ID token it got: its logout token's `iss`
    username: str
    client_id: str
    # The session's: then its clients are told (oauth/logout_token.watch_expiry takes the row).
    expires_at: int = timestamp(index=True)


class DeviceAuthorization(SQLModel, table=True):
    """RFC 8628: a device's request, from the device code to the user's decision to the tokens."""

    __tablename__ = "device_authorizations"
    device_code: str = Field(primary_key=True)
    user_code: str = Field(index=True, unique=True)  # normalised: upper case, no separators
    tenant: str = Field(index=True)  # the verification page is the tenant's, not an issuer's
    issuer: str
    client_id: str
    scope: str = ""
    audience: str | None = None
    expires_at: int = timestamp(index=True)
    interval: int  # RFC 8628 §3.5: grows by 5 s after each slow_down
    last_polled_at: float | None = None
    # pending -> approved | denied -> closed (tokens issued, or the outcome reported once)
    status: str = "pending"
    username: str | None = None
    auth_time: int | None = timestamp(default=None)
    session_id: str | None = None


class SignInToken(SQLModel, table=True):
    """Proof of a password check made through a vendor API (Okta's `sessionToken`), redeemed once
    at the authorization endpoint for a browser-less authorization and an SSO session."""

    __tablename__ = "signin_tokens"
    token_hash: str = Field(primary_key=True)  # SHA-256: the token is as good as a password
    tenant: str = Field(index=True)
    username: str
    auth_time: int = timestamp()
    expires_at: int = timestamp()
    used: bool = False
    # A challenge's answer is checked with this (an SRP session key, hex); none for a plain proof.
    challenge_key: str | None = None


class UsedAssertion(SQLModel, table=True):
    """A client assertion's `jti`, kept until the assertion expires: RFC 7523 §3 lets the server
    refuse a replay; a unique key makes one replica's use visible to every other."""

    __tablename__ = "used_assertions"
    key: str = Field(primary_key=True)  # SHA-256 of issuer, client id and jti
    issuer: str
    expires_at: int = timestamp(index=True)  # real time: the client's clock signed it


class TenantState(SQLModel, table=True):
    """What the admin API changes at run time, one row per tenant, read once per request: every
    replica sees a change on its next request (versions tell when cached data is stale)."""

    __tablename__ = "tenant_state"
    tenant: str = Field(primary_key=True)
    directory_version: int = 0  # bumped by every user or client change
    keys_version: int = 0  # bumped by every key rotation or load
    clock_offset: int = 0  # seconds added to the tenant's clock
    scenarios_version: int = 0  # bumped when scenarios are armed or disarmed
    trail_since: int = timestamp(default=0)  # microseconds: the audit trail shows requests from then on (reset)


class DirectoryEntry(SQLModel, table=True):
    """The writable layer over the seed's users and clients (dex's pattern): an entry replaces
    the seed's item of the same name, or hides it (data None: deleted)."""

    __tablename__ = "directory_entries"
    tenant: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)  # "user" or "client"
    name: str = Field(primary_key=True)  # username or client_id
    data: str | None = None  # the validated item as JSON; None hides the seed's item


class Scenario(SQLModel, table=True):
    """An armed scenario (admin API): what it matches, what it does, how many firings are left."""

    __tablename__ = "scenarios"
    id: str = Field(primary_key=True)
    tenant: str = Field(index=True)
    kind: str  # "request" (fail or delay a request) or "token" (defective tokens)
    endpoint: str | None = None  # watch.ENDPOINTS name, "discovery", or None for any
    client_id: str | None = None
    username: str | None = None
    times: int = 1
    remaining: int = 1  # decremented atomically by each firing, on any replica
    error: str | None = None
    error_description: str | None = None
    status: int | None = None
    delay_ms: int | None = None
    defect: str | None = None
    claim: str | None = None
    created_at: int = timestamp(default_factory=lambda: time.time_ns() // 1000)  # microseconds: firing order


class AuditRecord(SQLModel, table=True):
    """One protocol request as the audit trail shows it (trail.py): written in batches behind the
    requests, the newest few hundred of each endpoint of each tenant kept."""

    __tablename__ = "audit_records"
    __table_args__ = (Index("ix_audit_records_tenant_endpoint_id", "tenant", "endpoint", "id"),)
    id: int | None = Field(default=None, primary_key=True)  # insertion order, across replicas
    tenant: str
    endpoint: str
    at: int = timestamp()  # microseconds (real time) when the request came in
    record: str  # watch.Seen.record() as JSON


def partial_indexes_for(dialect: str) -> None:
    """Give the partial indexes' WHERE (written for SQLite above) to `dialect` too, before
    CREATE: PostgreSQL's partial indexes take the same clause."""
    for table in SQLModel.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_kwargs.get("sqlite_where")
            if where is not None and dialect != "sqlite":
                index.dialect_kwargs[f"{dialect}_where"] = where
