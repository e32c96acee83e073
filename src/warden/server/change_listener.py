"""Cross-node cache invalidation on PostgreSQL: LISTEN for the store's change notifications.

Every transaction that changes permissions sends `NOTIFY warden_changes` (delivered on commit);
each node bumps its change feed when one arrives, so its cached callers and compiled policies
are re-read on the next request. After a lost connection the feed is bumped too, since
notifications may have been missed.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy.engine import make_url

from warden.services.change_feed import ChangeFeed

__all__ = ["PostgresChangeListener", "is_postgres_url"]

CHANNEL = "warden_changes"
_logger = logging.getLogger("warden.server")


def is_postgres_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _libpq_uri(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresChangeListener:
    def __init__(self, database_url: str, feed: ChangeFeed) -> None:
        self._uri = _libpq_uri(database_url)
        self._feed = feed
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="warden-change-listener", daemon=True)

    def start(self, wait_seconds: float = 10.0) -> None:
        """Start listening; returns once LISTEN is in place (or after `wait_seconds`)."""
        self._thread.start()
        self._ready.wait(wait_seconds)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._uri, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._feed.bump()  # anything missed while not listening
                    self._ready.set()
                    delay = 0.5
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self._feed.bump()
            except psycopg.Error as error:
                _logger.warning("change listener lost its connection (%s); retrying", error.__class__.__name__)
                self._stopping.wait(delay)
                delay = min(delay * 2, 10.0)
