"""Case-insensitive uniqueness, rollback, and the change counter."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from warden.model import AccessKey, AccessKeyStatus, PrincipalKind
from warden.store import AlreadyExists, Store, open_store
from warden.store.sqlalchemy import SqlStore

from .conftest import PG_URL, UrlFactory
from .factories import DOC, NOW, group, instance_profile, new_account, policy, role, user


class Boom(Exception):
    pass


@pytest.mark.parametrize(
    ("make", "create", "kind"),
    [
        (user, "create_user", "user"),
        (group, "create_group", "group"),
        (role, "create_role", "role"),
        (instance_profile, "create_instance_profile", "instance profile"),
    ],
)
def test_names_are_unique_case_insensitively(store: Store, account: str, make, create, kind) -> None:  # type: ignore[no-untyped-def]
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names"""
    with store.transaction() as tx:
        getattr(tx, create)(make(account, "Build"))
        with pytest.raises(AlreadyExists) as caught:
            getattr(tx, create)(make(account, "bUILD"))
        assert caught.value.kind == kind
        # the transaction stays usable after the refused insert (savepoint)
        getattr(tx, create)(make(account, "Other"))


def test_policy_names_unique_and_rename_clash(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html"""
    with store.transaction() as tx:
        tx.create_policy(policy(account, "P"), DOC)
        with pytest.raises(AlreadyExists):
            tx.create_policy(policy(account, "p"), DOC)
        tx.create_user(user(account, "one"))
        two = user(account, "two")
        tx.create_user(two)
        with pytest.raises(AlreadyExists):
            tx.update_user(dataclasses.replace(two, name="ONE"))


def test_exception_rolls_back_everything(store: Store, account: str) -> None:
    with store.transaction() as tx:
        before = tx.get_change_counter(account)
    with pytest.raises(Boom), store.transaction() as tx:
        tx.create_user(user(account, "temp"))
        tx.create_group(group(account, "temp"))
        tx.add_user_to_group(account, "temp", "temp")
        raise Boom
    with store.transaction() as tx:
        assert tx.get_user(account, "temp") is None
        assert tx.get_group(account, "temp") is None
        assert tx.get_change_counter(account) == before


def test_change_counter_bumps_on_authorization_changes_only(store: Store, account: str) -> None:
    def counter() -> int:
        with store.transaction(readonly=True) as tx:
            return tx.get_change_counter(account)

    start = counter()
    with store.transaction() as tx:
        tx.create_user(user(account, "c"))
        tx.create_policy(policy(account, "cp"), DOC)
    assert counter() == start + 1  # once per transaction
    arn = f"arn:aws:iam::{account}:policy/cp"
    steps = [
        lambda tx: tx.attach_policy(account, PrincipalKind.USER, "c", arn),
        lambda tx: tx.put_inline_policy(account, PrincipalKind.USER, "c", "i", DOC),
        lambda tx: tx.create_policy_version(account, arn, DOC, True, NOW),
        lambda tx: tx.create_access_key(
            AccessKey(f"AKIA{account}CC", account, "c", AccessKeyStatus.ACTIVE, NOW, b"x")
        ),
    ]
    for number, step in enumerate(steps, start=2):
        with store.transaction() as tx:
            step(tx)
        assert counter() == start + number
    with store.transaction() as tx:
        tx.record_access_key_use(f"AKIA{account}CC", NOW, "iam", "us-east-1")
    assert counter() == start + len(steps) + 1


def test_postgres_notifies_on_commit_only(urls: UrlFactory, store: Store, account: str) -> None:
    if urls.backend != "postgres":
        pytest.skip("LISTEN/NOTIFY exists on PostgreSQL only")
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute("LISTEN warden_changes")
        with pytest.raises(Boom), store.transaction() as tx:
            tx.create_user(user(account, "rolled-back"))
            raise Boom
        with store.transaction() as tx:
            tx.create_user(user(account, "committed"))
        # The channel is the database's: other test runs on the same server notify it too.
        payloads = [n.payload for n in listener.notifies(timeout=1.0) if n.payload == account]
    assert payloads == [account]


def _sqlite_file(urls: UrlFactory, store: Store) -> str:
    if urls.backend != "sqlite":
        pytest.skip("about SQLite's locking; PostgreSQL has row-level locks and READ ONLY transactions")
    assert isinstance(store, SqlStore) and store.engine.url.database
    return store.engine.url.database


def test_read_only_transaction_reads_one_snapshot(store: Store, account: str) -> None:
    """A read-only transaction keeps seeing what it first saw while a writer commits, and does
    not hold a lock that writer needs (SQLite: WAL snapshot; PostgreSQL: REPEATABLE READ)."""
    with store.transaction(readonly=True) as reader:
        assert reader.get_user(account, "late") is None
        counter = reader.get_change_counter(account)
        with store.transaction() as writer:
            writer.create_user(user(account, "late"))
        assert reader.get_user(account, "late") is None
        assert reader.get_change_counter(account) == counter
    with store.transaction(readonly=True) as after:
        assert after.get_user(account, "late") is not None
        assert after.get_change_counter(account) == counter + 1


def test_readers_and_writers_take_turns_on_one_pooled_connection(urls: UrlFactory) -> None:
    """A connection that served a read-only transaction serves a writer next, and back: on
    PostgreSQL the reader's BEGIN declares REPEATABLE READ and READ ONLY (the server refuses its
    writes), and whoever checks the connection out next, through the store or the engine,
    writes."""
    opened = open_store(urls.new(), pool_size=1)
    postgres = urls.backend == "postgres"
    try:
        account = new_account(opened)
        for name in ("first", "second"):
            with opened.transaction(readonly=True) as reader:
                assert reader.get_user(account, name) is None
                if postgres:
                    conn = reader._conn  # type: ignore[attr-defined]
                    shown = [conn.exec_driver_sql(f"SHOW {key}").scalar() for key in ("transaction_isolation", "transaction_read_only")]
                    assert shown == ["repeatable read", "on"]
            if postgres:
                with pytest.raises(DBAPIError, match="read-only transaction"), opened.transaction(readonly=True) as reader:
                    reader.create_user(user(account, name))
                assert isinstance(opened, SqlStore)
                with opened.engine.begin() as raw:  # as mock mode's wipe and migrations use it
                    assert raw.exec_driver_sql("SHOW transaction_read_only").scalar() == "off"
            with opened.transaction() as writer:
                writer.create_user(user(account, name))
                if postgres:
                    conn = writer._conn  # type: ignore[attr-defined]
                    assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "off"
            with opened.transaction(readonly=True) as reader:
                assert reader.get_user(account, name) is not None
    finally:
        opened.close()


def test_writers_locking_one_account_take_turns(urls: UrlFactory, store: Store, account: str) -> None:
    """A writer that locks an account waits while another holds it, then reads what that one
    committed: a check it makes (a free name, room under a quota) holds when it writes. On
    PostgreSQL (READ COMMITTED) nothing else would make it wait."""
    started = threading.Event()
    seen: list[bool] = []

    def second() -> None:
        started.set()
        with store.transaction() as tx:
            tx.lock_account(account)
            seen.append(tx.get_user(account, "first") is not None)

    with store.transaction() as tx:
        tx.lock_account(account)
        thread = threading.Thread(target=second)
        thread.start()
        started.wait(timeout=10)
        time.sleep(0.2)  # time for the second writer to reach its lock and wait there
        assert not seen
        tx.create_user(user(account, "first"))
    thread.join(timeout=30)
    assert seen == [True]


def test_postgres_account_locks_leave_other_accounts_alone(urls: UrlFactory, store: Store, account: str) -> None:
    """The lock is the account's: a writer in another account does not wait for it."""
    if urls.backend != "postgres":
        pytest.skip("SQLite has one write lock for the whole database")
    other = new_account(store)
    with store.transaction() as holder:
        holder.lock_account(account)
        with store.transaction() as elsewhere:
            elsewhere._conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")  # type: ignore[attr-defined]
            elsewhere.lock_account(other)
            elsewhere.create_user(user(other, "free"))


def test_short_reads_run_inline_on_a_local_file_only(urls: UrlFactory, store: Store) -> None:
    """The server runs a short read on its event loop only where that cannot wait on a network
    or a writer: a SQLite file (WAL), not PostgreSQL."""
    assert store.short_reads_inline == (urls.backend == "sqlite")


def test_sqlite_writers_take_the_write_lock_at_begin(urls: UrlFactory, store: Store, account: str) -> None:
    """BEGIN IMMEDIATE for writers (even right after a read-only transaction on the same pooled
    connection), a plain deferred BEGIN for readers."""
    path = _sqlite_file(urls, store)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with store.transaction(readonly=True) as tx:
            tx.get_change_counter(account)
            other.execute("BEGIN IMMEDIATE")  # a reader leaves the write lock free
            other.execute("ROLLBACK")
        with store.transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # held by the writer before its first statement
    finally:
        other.close()


def test_concurrent_transactions_reuse_pooled_connections(urls: UrlFactory, account: str) -> None:
    """Once as many connections are open as transactions run at once, a busy server opens no
    more: each thread that can use the store at once has a pooled connection to come back to."""
    opened = open_store(urls.new(), pool_size=12)
    connects: list[object] = []
    event.listen(opened.engine, "connect", lambda *_: connects.append(None))
    together = threading.Barrier(12)

    def read() -> None:
        with opened.transaction(readonly=True) as tx:
            together.wait(timeout=30)  # all twelve hold a connection at the same moment
            tx.get_user(account, "nobody")

    def round_of_twelve() -> None:
        threads = [threading.Thread(target=read) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    try:
        round_of_twelve()
        warmed = len(connects)
        round_of_twelve()
        round_of_twelve()
        assert len(connects) == warmed  # a pool of 5 (SQLAlchemy's default) opens 7 more each round
    finally:
        opened.close()
