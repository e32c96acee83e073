"""Keyset pagination under concurrent change; migrations; restart."""

from __future__ import annotations

import base64
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from warden.model import PrincipalKind
from warden.store import InvalidMarker, Store, open_store
from warden.store.sqlalchemy import SqlStore
from warden.store.sqlalchemy.schema import metadata

from .conftest import UrlFactory
from .factories import DOC, NOW, policy, user


def test_pages_stay_stable_while_rows_come_and_go(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html (Marker, IsTruncated)"""
    with store.transaction() as tx:
        for name in ("b", "d", "f", "h", "j"):
            tx.create_user(user(account, name))
    with store.transaction(readonly=True) as tx:
        first = tx.list_users(account, max_items=2)
    assert [u.name for u in first.items] == ["b", "d"] and first.is_truncated and first.marker
    with store.transaction() as tx:
        tx.create_user(user(account, "a"))  # before the marker: not seen
        tx.create_user(user(account, "E"))  # after the marker: seen
        tx.delete_user(account, "d")  # the marker row itself may go
        tx.delete_user(account, "h")  # an unseen row goes
    seen = [u.name for u in first.items]
    marker = first.marker
    while marker is not None:
        with store.transaction(readonly=True) as tx:
            page = tx.list_users(account, marker=marker, max_items=2)
        seen += [u.name for u in page.items]
        marker = page.marker
        assert page.is_truncated == (marker is not None)
    assert seen == ["b", "d", "E", "f", "j"]


def test_path_prefix_and_bad_markers(store: Store, account: str) -> None:
    with store.transaction() as tx:
        tx.create_user(user(account, "x", "/a_b/"))
        tx.create_user(user(account, "y", "/aXb/"))
        assert [u.name for u in tx.list_users(account, path_prefix="/a_b/").items] == ["x"]
        # Forged keys holding a NUL or an unpaired surrogate made the query fail (a 500).
        forged = [base64.urlsafe_b64encode(json.dumps([1, part, "x"]).encode()).decode() for part in ("a\x00", "a\ud800")]
        for bad in ("!!!", "bm90LWpzb24", "WzEsMl0", *forged):
            with pytest.raises(InvalidMarker):
                tx.list_users(account, marker=bad)
        with pytest.raises(ValueError):
            tx.list_users(account, max_items=0)


def test_path_prefix_is_case_sensitive(store: Store, account: str) -> None:
    """A path is part of the ARN, which is case-sensitive; PathPrefix is "starts with" on both
    stores (SQLite's LIKE ignored ASCII case, PostgreSQL's did not).
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html"""
    with store.transaction() as tx:
        tx.create_user(user(account, "upper", "/Team/"))
        tx.create_user(user(account, "lower", "/team/"))
        assert [u.name for u in tx.list_users(account, path_prefix="/team/").items] == ["lower"]
        assert [u.name for u in tx.list_users(account, path_prefix="/Te").items] == ["upper"]


def test_union_listing_paginates(store: Store, account: str) -> None:
    managed = policy(account, "Wide")
    with store.transaction() as tx:
        tx.create_policy(managed, DOC)
        for index in range(5):
            tx.create_user(user(account, f"u{index}"))
            tx.attach_policy(account, PrincipalKind.USER, f"u{index}", managed.arn)
    names: list[str] = []
    marker = None
    while True:
        with store.transaction(readonly=True) as tx:
            page = tx.list_entities_for_policy(account, managed.arn, marker=marker, max_items=2)
        names += [entity.name for entity in page.items]
        marker = page.marker
        if marker is None:
            break
    assert names == [f"u{index}" for index in range(5)]


def test_migrations_are_idempotent_and_match_the_schema(urls: UrlFactory) -> None:
    url = urls.new()
    first = open_store(url)
    first.close()
    second = open_store(url)  # second run finds the schema at head
    assert isinstance(second, SqlStore)
    with second.engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"version_table": "warden_alembic_version"}), metadata
        )
    second.close()
    assert differences == []


def test_data_survives_restart(urls: UrlFactory) -> None:
    url = urls.new()
    from .factories import new_account

    store = open_store(url)
    account = new_account(store)
    with store.transaction() as tx:
        tx.create_user(user(account, "persistent"))
        tx.put_inline_policy(account, PrincipalKind.USER, "persistent", "p", DOC)
    store.close()
    reopened = open_store(url)
    with reopened.transaction(readonly=True) as tx:
        got = tx.get_user(account, "persistent")
        assert got is not None and got.create_date == NOW
        assert tx.get_inline_policy(account, PrincipalKind.USER, "persistent", "p") is not None
        assert tx.get_change_counter(account) == 1
    reopened.close()
