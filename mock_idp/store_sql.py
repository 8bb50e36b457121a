"""The store's hot path on the DB-API connection: statements compiled once per dialect, executed
without SQLAlchemy's per-call work (building `insert().values()`, its cache key, the ORM's DML
path), which cost ~10x the SQLite write itself. Errors come back as SQLAlchemy's (IntegrityError
for a duplicate key), as they do everywhere else in the store."""

import threading
import weakref

from sqlalchemy import Table, insert
from sqlalchemy.exc import DBAPIError


class Precompiled:
    """One statement, compiled for the engine's dialect: its SQL and its parameters' order."""

    def __init__(self, engine, statement):
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.positional = compiled.positional  # qmark (SQLite) or named/pyformat (psycopg)
        self.names = list(compiled.positiontup or compiled.params)

    def parameters(self, values: dict):
        return [values[name] for name in self.names] if self.positional else values


class RawStatements:
    """Cached Precompiled statements of one engine, and one way to run them.

    On a SQLite file each thread keeps a connection of its own, out of the pool: checking one
    out and back in (and the reset on return) cost as much as the statement. PostgreSQL
    connections stay pooled and pinged (they must survive a server restart)."""

    def __init__(self, engine, own_connections: bool):
        self.engine = engine
        self._inserts: dict[str, Precompiled] = {}
        self._local = threading.local() if own_connections else None
        self._own = weakref.WeakSet()  # every thread's, to close with the store

    def insert(self, table: Table) -> Precompiled:
        found = self._inserts.get(table.name)
        if found is None:
            found = self._inserts[table.name] = Precompiled(self.engine, insert(table))
        return found

    def run(self, statement: Precompiled, rows: list[dict], fetch: bool = False):
        """Execute once per row in ONE transaction (committed, or rolled back on error); the first
        row of the last result when `fetch`."""
        connection = self._connection()
        params = None
        try:
            cursor = connection.cursor()
            for values in rows:
                params = statement.parameters(values)
                cursor.execute(statement.sql, params)
            found = cursor.fetchone() if fetch else None
            cursor.close()
            connection.commit()
            return found
        except self.engine.dialect.dbapi.Error as error:
            connection.rollback()
            raise DBAPIError.instance(statement.sql, params, error, self.engine.dialect.dbapi.Error,
                                      dialect=self.engine.dialect) from error
        finally:
            if self._local is None:
                connection.close()  # back to the pool

    def _connection(self):
        if self._local is None:
            return self.engine.raw_connection()
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self.engine.raw_connection()  # made by the pool: the engine's pragmas ran
            connection.detach()  # ... and now this thread's, never returned
            self._local.connection = connection
            self._own.add(connection)
        return connection

    def close(self) -> None:
        for connection in list(self._own):
            connection.close()
        self._own.clear()
        self._local = threading.local() if self._local is not None else None
