"""Engine construction: SQLite (WAL, foreign keys, busy timeout, explicit BEGIN) and PostgreSQL
(psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import StaticPool

__all__ = ["READONLY_OPTION", "create_store_engine"]

READONLY_OPTION = "warden_readonly"
"""Connection execution option asking for a read-only transaction."""

SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_store_engine(url: str) -> Engine:
    """Build an engine for `url`; only SQLite and PostgreSQL over psycopg 3 are supported."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ValueError("PostgreSQL URLs must use the psycopg 3 driver: postgresql+psycopg://...")
        return create_engine(parsed, pool_pre_ping=True)
    raise ValueError(
        f"unsupported store URL scheme {parsed.drivername!r}: use sqlite:// or postgresql+psycopg://"
    )


def _sqlite_engine(url: str, in_memory: bool) -> Engine:
    """SQLite with the driver's implicit transaction handling switched off.

    pysqlite only opens a transaction at the first write, so reads before it are not isolated.
    We issue BEGIN ourselves: IMMEDIATE for writers (taking the write lock up front avoids
    deadlocking upgrades from read to write), DEFERRED for read-only transactions."""
    kwargs: dict[str, Any] = {}
    if in_memory:
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, **kwargs)

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

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get(READONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine
