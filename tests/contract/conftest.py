"""One contract suite, run against SQLite (always) and PostgreSQL (when reachable).

PostgreSQL runs use a schema of their own (dropped afterwards) so concurrent runs do not meet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pg_support import PG_URL, UrlFactory, postgres_problem
from warden.store import Store, open_store

from .factories import new_account

__all__ = ["PG_URL", "UrlFactory"]


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def urls(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UrlFactory]:
    if request.param == "postgres":
        problem = postgres_problem()
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
