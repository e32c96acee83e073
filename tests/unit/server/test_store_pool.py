"""The store's connection pool is sized by WARDEN_DATABASE_POOL_SIZE, and by default holds one
connection for each thread that can use the store at once."""

from __future__ import annotations

from pathlib import Path

import anyio
import anyio.to_thread

from warden.config import Settings
from warden.server.runtime import Runtime
from warden.store.sqlalchemy import SqlStore
from warden.store.sqlalchemy.engine import DEFAULT_POOL_SIZE


def _pool_size(settings: Settings) -> int:
    runtime = Runtime.build(settings)
    try:
        assert isinstance(runtime.store, SqlStore)
        return int(runtime.store.engine.pool.size())  # type: ignore[attr-defined]
    finally:
        runtime.close()


def test_the_default_pool_has_room_for_every_worker_thread(tmp_path: Path) -> None:
    assert _pool_size(Settings.from_environment({}, data_dir=tmp_path)) == DEFAULT_POOL_SIZE

    async def worker_threads() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert DEFAULT_POOL_SIZE > anyio.run(worker_threads)  # and room for the background threads


def test_pool_size_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_environment({"WARDEN_DATABASE_POOL_SIZE": "7"}, data_dir=tmp_path)
    assert settings.database_pool_size == 7
    assert _pool_size(settings) == 7
