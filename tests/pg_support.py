"""PostgreSQL for tests: whether it can be reached, and empty schemas to run in.

Tests that need a database run on SQLite always and on PostgreSQL when it is reachable; when it
is not, they are skipped with the reason `postgres_problem()` gives."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["PG_URL", "UrlFactory", "postgres_problem", "postgres_schema"]

PG_URL = os.environ.get("WARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

_pg_problem: list[str | None] = []


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None; probed once per run."""
    if not _pg_problem:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_problem.append(None)
        except (OSError, SQLAlchemyError) as exc:  # cannot connect: skip, with the reason shown
            _pg_problem.append(f"PostgreSQL not reachable at WARDEN_TEST_POSTGRES_URL ({PG_URL}): {exc}")
    return _pg_problem[0]


class UrlFactory:
    """Hands out URLs of empty databases for one backend and removes them at the end."""

    def __init__(self, backend: str, root: Path) -> None:
        self.backend = backend
        self._root = root
        self._schemas: list[str] = []

    def new(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self._root / (secrets.token_hex(6) + '.db')}"
        schema = f"warden_test_{secrets.token_hex(6)}"
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self._schemas.append(schema)
        separator = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"

    def cleanup(self) -> None:
        if not self._schemas:
            return
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            for schema in self._schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def postgres_schema(root: Path) -> Iterator[str]:
    """The URL of an empty PostgreSQL schema, dropped afterwards; a visible skip when PostgreSQL
    cannot be reached."""
    problem = postgres_problem()
    if problem is not None:
        pytest.skip(problem)
    urls = UrlFactory("postgres", root)
    try:
        yield urls.new()
    finally:
        urls.cleanup()
