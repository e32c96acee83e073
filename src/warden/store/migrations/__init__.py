"""Alembic migrations of the SQL store, run programmatically by `warden.store.sqlalchemy.migrate`."""
