"""SQLAlchemy 2 (Core) backend of the store, for SQLite and PostgreSQL."""

from __future__ import annotations

from warden.store.sqlalchemy.store import SqlStore, open_store

__all__ = ["SqlStore", "open_store"]
