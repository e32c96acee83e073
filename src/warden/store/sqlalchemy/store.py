"""The SQL store: engine, migrations on open, and transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from warden.store.errors import StoreBusy, StoreUnavailable
from warden.store.interface import Store, Transaction
from warden.store.sqlalchemy import schema
from warden.store.sqlalchemy.connections import OpenConnections
from warden.store.sqlalchemy.engine import DEFAULT_POOL_SIZE, begin_transaction, create_store_engine
from warden.store.sqlalchemy.migrate import upgrade_to_head
from warden.store.sqlalchemy.transaction import SqlTransaction

__all__ = ["SqlStore", "open_store"]


class SqlStore:
    """A `Store` over SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # SQLite files only (see connections.py); an in-memory database has one connection.
        file_sqlite = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
        self._open = OpenConnections(engine) if file_sqlite else None

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def short_reads_inline(self) -> bool:
        # A file: an in-memory database shares one connection among all its users.
        return self._open is not None

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[Transaction]:
        if self._open is None:
            with self._engine.connect() as conn, _begin(conn, readonly):
                yield SqlTransaction(conn)
            return
        conn = self._open.acquire()
        try:
            with _begin(conn, readonly):
                yield SqlTransaction(conn)
        finally:
            self._open.release(conn)

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._engine.dispose()

    def wipe(self) -> None:
        """Delete every row of every table, children first (mock mode's reset)."""
        with self._engine.begin() as conn:
            for table in reversed(schema.metadata.sorted_tables):
                conn.execute(table.delete())


def _begin(conn: Connection, readonly: bool) -> RootTransaction:
    """`begin_transaction`, with SQLite's "database is locked" (a writer's BEGIN IMMEDIATE
    waited out the busy timeout behind other writers) raised as StoreBusy."""
    try:
        return begin_transaction(conn, readonly)
    except OperationalError as error:
        code = getattr(error.orig, "sqlite_errorcode", None)
        if isinstance(error.orig, sqlite3.OperationalError) and code is not None and code & 0xFF == sqlite3.SQLITE_BUSY:
            raise StoreBusy("the database stayed locked by other writers") from error
        raise


def open_store(url: str, pool_size: int | None = None) -> Store:
    """Open the store at `url` (`sqlite:///path`, `postgresql+psycopg://...`), migrating it to
    the newest schema first; up to `pool_size` connections (default `DEFAULT_POOL_SIZE`) stay
    open."""
    try:
        engine = create_store_engine(url, DEFAULT_POOL_SIZE if pool_size is None else pool_size)
    except (ValueError, ArgumentError) as error:
        raise StoreUnavailable(str(error)) from None
    try:
        upgrade_to_head(engine)
    except (OperationalError, InterfaceError) as error:
        engine.dispose()
        shown = engine.url.render_as_string(hide_password=True)
        raise StoreUnavailable(f"cannot open the store at {shown}: {error.orig}") from None
    return SqlStore(engine)
