"""Open SQLite connections kept between transactions, so a transaction does not pay for a pool
checkout and checkin.

Checking a connection out of SQLAlchemy's pool and back in (the Connection object, the pool's
queue, its return bookkeeping) cost about as much as a whole read-only transaction on SQLite,
~16 us of ~31 (see `python -m bench.read`). Connections here stay checked out and are handed
from one transaction to the next; between transactions none is open, since every transaction
ends in a commit or a rollback. SQLite only: a PostgreSQL connection the server closed while it
sat here would fail the request that drew it, which the pool's pre-ping on checkout prevents.
"""

from __future__ import annotations

from collections import deque

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

__all__ = ["OpenConnections"]


class OpenConnections:
    """A stack of open connections of one engine; never more than were in use at once.

    Last in, first out, so a light load keeps reusing the same few. `deque.append` and `pop`
    are atomic, so threads share the stack without a lock."""

    __slots__ = ("_closed", "_engine", "_idle")

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._idle: deque[Connection] = deque()
        self._closed = False

    def acquire(self) -> Connection:
        try:
            return self._idle.pop()
        except IndexError:
            return self._engine.connect()

    def release(self, conn: Connection) -> None:
        """Keep `conn` for the next transaction, or close it if it cannot serve one."""
        if self._closed or conn.closed or conn.invalidated or conn.in_transaction():
            conn.close()
        else:
            self._idle.append(conn)

    def close(self) -> None:
        """Close the idle connections; those in use are closed when their transaction ends."""
        self._closed = True
        while self._idle:
            try:
                self._idle.pop().close()
            except IndexError:  # another thread took the last one
                return
