"""One contract suite, run against SQLite (always) and PostgreSQL (when reachable).

PostgreSQL runs use a schema of their own (dropped afterwards) so concurrent runs do not meet."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from warden.store import Store, open_store

from .factories import new_account

PG_URL = os.environ.get("WARDEN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

_pg_problem: list[str | None] = []


def _postgres_problem() -> str | None:
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


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def urls(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UrlFactory]:
    if request.param == "postgres":
        problem = _postgres_problem()
        if problem is not None:
            pytest.skip(problem)
    factory = UrlFactory(request.param, tmp_path_factory.mktemp("stores"))
    yield factory
    factory.cleanup()


@pytest.fixture(scope="session")
def store(urls: UrlFactory) -> Iterator[Store]:
    opened = open_store(urls.new())
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> str:
    """A fresh account per test, so tests sharing a store never see each other's rows."""
    return new_account(store)
