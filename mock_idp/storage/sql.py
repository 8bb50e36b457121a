"""The store's hot path on the DB-API connection: statements compiled once per dialect, executed
without SQLAlchemy's per-call work (building `insert().values()`, its cache key, the ORM's DML
path), which cost ~10x the SQLite write itself. Errors come back as SQLAlchemy's (IntegrityError
for a duplicate key), as they do everywhere else in the store."""

import threading
import weakref

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import DBAPIError


class Precompiled:
    """One statement, compiled for the engine's dialect: its SQL, its parameters' order and the
    values bound in it; `rows_of`: the table whose whole rows it returns (SELECT, RETURNING),
    converted as the ORM converts them (SQLite's 0/1 to bool)."""

    def __init__(self, engine, statement, rows_of: Table | None = None):
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.positional = compiled.positional  # qmark (SQLite) or named/pyformat (psycopg)
        self.names = list(compiled.positiontup or compiled.params)
        self.bound = compiled.params  # e.g. `used = false`; None for the parameters a call gives
        self.dialect = engine.dialect
        self.table = rows_of
        self.processors = None  # made from the first result's DB-API column types

    def parameters(self, values: dict):
        bound = self.bound  # the call's values first, then what the statement binds itself
        if self.positional:
            return [values[name] if name in values else bound[name] for name in self.names]
        return {**bound, **values}

    def values_of(self, row, description) -> dict:
        columns = self.table.columns
        if self.processors is None:
            self.processors = [column.type.dialect_impl(self.dialect).result_processor(self.dialect, described[1])
                               for column, described in zip(columns, description)]
        return {column.name: (convert(value) if convert else value)
                for column, convert, value in zip(columns, self.processors, row)}


class RawStatements:
    """Precompiled statements of one engine, made on first use, and one way to run them.

    On a SQLite file each thread keeps a connection of its own, out of the pool: checking one
    out and back in (and the reset on return) cost as much as the statement. PostgreSQL
    connections stay pooled and pinged (they must survive a server restart)."""

    def __init__(self, engine, own_connections: bool):
        self.engine = engine
        self._prepared: dict[tuple, Precompiled] = {}
        self._local = threading.local() if own_connections else None
        self._own = weakref.WeakSet()  # every thread's, to close with the store
        self.commits = 0  # how many writing transactions were committed here (checkpoint.py looks)

    def prepared(self, name: str, table: Table, make=None) -> Precompiled:
        """`name` of `table`: "insert", "get" (by primary key, the parameter `key`), or what
        `make(table)` builds (whole rows of `table` come back, if any)."""
        found = self._prepared.get((name, table.name))
        if found is None:
            if name == "insert":
                found = Precompiled(self.engine, insert(table))
            elif name == "get":
                (key,) = table.primary_key.columns
                found = Precompiled(self.engine, select(table).where(key == bindparam("key")), rows_of=table)
            else:
                found = Precompiled(self.engine, make(table), rows_of=table)
            self._prepared[(name, table.name)] = found
        return found

    def fetch(self, statement: Precompiled, values: dict) -> dict | None:
        """The first row `statement` gives (committed), as {column: value}."""
        row, description = self.run(statement, [values], fetch=True)
        return statement.values_of(row, description) if row is not None else None

    def run(self, statement: Precompiled, rows: list[dict], fetch: bool = False):
        """Execute once per row in ONE transaction (committed, or rolled back on error); with
        `fetch`, the first row of the last result and its DB-API description."""
        return self.run_rows([(statement, values) for values in rows], fetch)

    def run_rows(self, rows: list[tuple[Precompiled, dict]], fetch: bool = False, gate: bool = False):
        """run() of (statement, values) pairs, in ONE transaction. `gate`: the first statement
        must give a row (an UPDATE ... RETURNING that matched), else nothing is written (rolled
        back); then whether it gave one."""
        statement = params = None
        try:
            connection = self._connection()
        except self.engine.dialect.dbapi.Error as error:  # the database server is gone
            raise self._as_engine_error(error, "", None) from error
        try:
            cursor = connection.cursor()
            for index, (statement, values) in enumerate(rows):
                params = statement.parameters(values)
                cursor.execute(statement.sql, params)
                if gate and index == 0 and cursor.fetchone() is None:
                    cursor.close()
                    connection.rollback()
                    return False
            found = (cursor.fetchone(), cursor.description) if fetch else None
            cursor.close()
            connection.commit()
            self.commits += not fetch  # a read (fetch) wrote nothing
            return True if gate else found
        except self.engine.dialect.dbapi.Error as error:
            try:
                connection.rollback()
            except self.engine.dialect.dbapi.Error:  # the server ended it (its transaction went with it)
                self._discard(connection)
            raise self._as_engine_error(error, statement.sql if statement else "", params) from error
        finally:
            if self._local is None:
                connection.close()  # back to the pool

    def _as_engine_error(self, error, sql: str, params) -> DBAPIError:
        """`error` of the driver as the engine raises its own (OperationalError for a database
        gone, IntegrityError for a duplicate key), its values hidden when the engine hides them."""
        return DBAPIError.instance(sql, params, error, self.engine.dialect.dbapi.Error,
                                   hide_parameters=self.engine.hide_parameters, dialect=self.engine.dialect)

    def changed_elsewhere(self) -> bool:
        """Has another connection (another thread's, another process's) committed to the SQLite
        file since this thread last asked? Its `PRAGMA data_version` (no table read); True the
        first time. Only with a connection per thread (a file)."""
        self._connection()
        version = self._local.sqlite.execute("PRAGMA data_version").fetchone()[0]
        last, self._local.data_version = getattr(self._local, "data_version", None), version
        return version != last

    def _connection(self):
        if self._local is None:
            return self.engine.raw_connection()
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self.engine.raw_connection()  # made by the pool: the engine's pragmas ran
            connection.detach()  # ... and now this thread's, never returned
            self._local.connection = connection
            self._local.sqlite = connection.dbapi_connection
            self._own.add(connection)
        return connection

    def _discard(self, connection) -> None:
        """Close a connection that cannot be used again; the next call makes a new one."""
        connection.invalidate()  # pooled: the pool forgets it (no reset, no traceback in the log)
        if self._local is not None:
            self._local.connection = None
            self._own.discard(connection)

    def close(self) -> None:
        for connection in list(self._own):
            connection.close()
        self._own.clear()
        self._local = threading.local() if self._local is not None else None
