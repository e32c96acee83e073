"""SQLite transactions reuse connections kept open between them, and never share one."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from warden.model import Account
from warden.store import StoreBusy, open_store
from warden.store.sqlalchemy import SqlStore
from warden.store.sqlalchemy import engine as engine_module

ACCOUNT = "111122223333"


class Boom(Exception):
    pass


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'warden.db'}")
    assert isinstance(opened, SqlStore)
    with opened.transaction() as tx:
        tx.create_account(Account(account_id=ACCOUNT, create_date=datetime(2026, 1, 1, tzinfo=UTC)))
    yield opened
    opened.close()


def _checkouts(store: SqlStore) -> list[object]:
    seen: list[object] = []
    event.listen(store.engine, "checkout", lambda *_: seen.append(None))
    return seen


def test_consecutive_transactions_take_no_pool_checkout(store: SqlStore) -> None:
    checkouts = _checkouts(store)
    for readonly in (True, False, True, False):
        with store.transaction(readonly=readonly) as tx:
            tx.get_change_counter(ACCOUNT)
    assert len(checkouts) <= 1  # at most the first, if no connection was open yet


def test_a_failed_transaction_is_rolled_back_and_its_connection_reused(store: SqlStore) -> None:
    with pytest.raises(Boom), store.transaction() as tx:
        tx.set_account_alias(ACCOUNT, "rolled-back")
        raise Boom
    checkouts = _checkouts(store)
    with store.transaction(readonly=True) as tx:
        account = tx.get_account(ACCOUNT)
        assert account is not None and account.alias is None
    assert checkouts == []


def test_an_invalidated_connection_is_not_kept(store: SqlStore) -> None:
    with store.transaction(readonly=True) as tx:
        tx.get_change_counter(ACCOUNT)
    checkouts = _checkouts(store)
    with pytest.raises(Boom), store.transaction() as tx:
        tx._conn.invalidate()  # type: ignore[attr-defined]
        raise Boom
    with store.transaction(readonly=True) as tx:
        assert tx.get_change_counter(ACCOUNT) == 0
    assert len(checkouts) == 1  # a fresh connection replaced the invalidated one


def test_concurrent_transactions_never_share_a_connection(store: SqlStore) -> None:
    together = threading.Barrier(8)
    held: list[int] = []

    def run() -> None:
        with store.transaction(readonly=True) as tx:
            held.append(id(tx._conn))  # type: ignore[attr-defined]
            together.wait(timeout=30)  # all eight are inside a transaction at once

    for _ in range(2):
        threads = [threading.Thread(target=run) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(held)) == 8
        held.clear()


def test_closing_the_store_returns_every_connection(store: SqlStore) -> None:
    with store.transaction(readonly=True) as tx:
        tx.get_change_counter(ACCOUNT)
    store.close()
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_transaction_ending_after_close_returns_its_connection(store: SqlStore) -> None:
    with store.transaction(readonly=True) as tx:
        tx.get_account(ACCOUNT)
        store.close()
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_only_a_sqlite_file_serves_short_reads_inline(store: SqlStore) -> None:
    """An in-memory database shares one connection among its users, so it keeps reads on the
    worker threads (PostgreSQL too: its contract tests check the same property)."""
    assert store.short_reads_inline
    memory = open_store("sqlite://")
    try:
        assert not memory.short_reads_inline
    finally:
        memory.close()


def test_a_writer_kept_out_past_the_busy_timeout_gets_store_busy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's "database is locked" at BEGIN IMMEDIATE is the load's fault, not the request's:
    it comes out as StoreBusy (the server answers Throttling), and the connection serves the
    next transaction once the lock is free."""
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "busy.db"
    opened = open_store(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreBusy), opened.transaction():
            pass
        with opened.transaction(readonly=True) as reader:  # WAL: readers do not wait
            assert reader.get_account(ACCOUNT) is None
        holder.execute("ROLLBACK")
        with opened.transaction() as writer:
            writer.create_account(Account(account_id=ACCOUNT, create_date=datetime(2026, 1, 1, tzinfo=UTC)))
    finally:
        holder.close()
        opened.close()


def test_a_failed_statement_does_not_carry_its_parameters(store: SqlStore) -> None:
    """The server logs unexpected store errors; SQLAlchemy would put the statement's parameters
    (a sealed secret, a password hash) in the message."""
    with pytest.raises(DBAPIError) as failed, store.engine.begin() as conn:
        conn.execute(text("INSERT INTO no_such_table VALUES (:secret)"), {"secret": "sealed-secret-value"})
    assert "sealed-secret-value" not in str(failed.value)
