"""Case-insensitive uniqueness, rollback, and the change counter."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from warden.model import AccessKey, AccessKeyStatus, PrincipalKind
from warden.store import AlreadyExists, Store

from .conftest import PG_URL, UrlFactory
from .factories import DOC, NOW, group, instance_profile, policy, role, user


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
        payloads = [n.payload for n in listener.notifies(timeout=1.0)]
    assert payloads == [account]
