"""Engine construction: SQLite (WAL, foreign keys, busy timeout, explicit BEGIN) and PostgreSQL
(psycopg 3)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import IsolationLevel
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, Connection, RootTransaction, make_url
from sqlalchemy.pool import StaticPool

__all__ = ["DEFAULT_POOL_SIZE", "WardenSQLiteDialect", "begin_transaction", "create_store_engine"]

SQLITE_BUSY_TIMEOUT_MS = 10_000
DEFAULT_POOL_SIZE = 48
"""Connections an engine keeps open: one for each thread that can use the store at once (the
server's 40 worker threads, anyio's default, and its background threads). A smaller pool makes
busy servers open and close connections: SQLAlchemy's default of 5 had a GetUser load opening
one for every 70 requests, each costing a schema read on SQLite and a new backend process on
PostgreSQL."""
_DEFERRED_BEGIN = "warden_deferred_begin"
"""Key in a pooled connection's `info`: the next BEGIN on it starts a read-only transaction."""
_SQLITE_DRIVER = "warden_pysqlite"
_HIDE_PARAMETERS = True
"""SQLAlchemy writes a failed statement's parameters into its exception's message, which the
server logs: sealed secrets, password hashes and MFA seeds must not reach a log that way."""


class WardenSQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite with the driver's implicit transaction handling replaced by an explicit BEGIN.

    pysqlite only opens a transaction at the first write, so reads before it are not isolated.
    We issue BEGIN ourselves: IMMEDIATE for writers (taking the write lock up front avoids
    deadlocking upgrades from read to write), DEFERRED for read-only transactions. Doing it in
    the dialect rather than in a `begin` event listener keeps the engine free of connection
    events, which SQLAlchemy otherwise consults around every statement it executes."""

    supports_statement_cache = True

    def do_begin(self, dbapi_connection: Any) -> None:
        readonly = dbapi_connection.info.pop(_DEFERRED_BEGIN, False)
        dbapi_connection.driver_connection.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")


registry.register(f"sqlite.{_SQLITE_DRIVER}", __name__, WardenSQLiteDialect.__name__)


def create_store_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Build an engine for `url` keeping up to `pool_size` connections open; only SQLite
    (pysqlite) and PostgreSQL over psycopg 3 are supported."""
    if pool_size < 1:
        raise ValueError(f"the connection pool needs at least 1 connection, not {pool_size}")
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.get_driver_name() not in ("pysqlite", _SQLITE_DRIVER):
            raise ValueError("SQLite URLs must use the standard library driver: sqlite:///path")
        in_memory = parsed.database in (None, "", ":memory:")
        return _sqlite_engine(parsed.set(drivername=f"sqlite+{_SQLITE_DRIVER}"), in_memory, pool_size)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ValueError("PostgreSQL URLs must use the psycopg 3 driver: postgresql+psycopg://...")
        engine = create_engine(parsed, pool_pre_ping=True, pool_size=pool_size, hide_parameters=_HIDE_PARAMETERS)
        event.listen(engine, "checkin", _plain_begin_again)
        return engine
    raise ValueError(
        f"unsupported store URL scheme {parsed.drivername!r}: use sqlite:// or postgresql+psycopg://"
    )


def begin_transaction(conn: Connection, readonly: bool) -> RootTransaction:
    """Begin the transaction a store transaction runs in.

    Read-only on SQLite: the dialect issues a DEFERRED BEGIN, which reads one consistent
    snapshot (WAL) without taking the write lock. Read-only on PostgreSQL: the transaction is
    declared REPEATABLE READ (one snapshot) and READ ONLY, so the server refuses writes in it.
    (On PostgreSQL the driver opens the transaction at the first statement.)"""
    if conn.dialect.name != "sqlite":
        if readonly:
            _declare_read_only(conn.connection.driver_connection)
        return conn.begin()
    if not readonly:
        return conn.begin()
    info = conn.connection.info
    info[_DEFERRED_BEGIN] = True
    try:
        return conn.begin()
    finally:
        info.pop(_DEFERRED_BEGIN, None)  # never left for a later writer, even if BEGIN failed


def _declare_read_only(driver: psycopg.Connection[Any]) -> None:
    """Make psycopg open the coming transaction with `BEGIN ISOLATION LEVEL REPEATABLE READ READ
    ONLY` rather than a plain BEGIN followed by a SET TRANSACTION, which cost a round trip of
    its own. REPEATABLE READ: every statement of the transaction reads the snapshot of its first
    one, as on SQLite (READ COMMITTED would let a listing mix two states); read-only
    transactions never fail serialization at this level."""
    driver.read_only = True
    driver.isolation_level = IsolationLevel.REPEATABLE_READ


def _plain_begin_again(dbapi_connection: psycopg.Connection[Any] | None, _record: Any) -> None:
    """On check-in: whoever takes the connection next (a writer, a migration, mock mode's wipe)
    gets a plain read-write BEGIN."""
    if dbapi_connection is not None and not dbapi_connection.closed and dbapi_connection.read_only is not None:
        dbapi_connection.read_only = None
        dbapi_connection.isolation_level = None


def _sqlite_engine(url: URL, in_memory: bool, pool_size: int) -> Engine:
    kwargs: dict[str, Any] = {"pool_size": pool_size}
    if in_memory:
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, hide_parameters=_HIDE_PARAMETERS, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    return engine
