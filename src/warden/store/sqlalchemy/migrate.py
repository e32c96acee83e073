"""Run the Alembic migrations to head, programmatically (no alembic.ini)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

__all__ = ["upgrade_to_head"]

_PG_MIGRATION_LOCK = 0x77617264656E  # "warden": one migrator at a time across nodes


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("warden.store") / "migrations"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there.

    On PostgreSQL a transaction-scoped advisory lock serialises nodes starting together; on
    SQLite the migration's BEGIN IMMEDIATE does the same."""
    config = _config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
