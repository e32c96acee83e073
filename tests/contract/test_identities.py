"""CRUD of accounts, users, groups, memberships and roles."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from warden.model import Account, PasswordPolicy, PrincipalKind, Tag, TaggedKind
from warden.store import AlreadyExists, ConflictDeleting, Dependent, NotFound, Store

from .factories import NOW, group, role, user


def test_account_alias_and_password_policy(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html"""
    alias = f"alias-{account}"
    with store.transaction() as tx:
        tx.set_account_alias(account, alias)
        assert tx.get_account_by_alias(alias) == Account(account, NOW, alias=alias)
        assert tx.get_password_policy(account) is None
        tx.put_password_policy(account, PasswordPolicy(minimum_password_length=14, max_password_age=90))
        tx.put_password_policy(account, PasswordPolicy(minimum_password_length=12))
        assert tx.get_password_policy(account) == PasswordPolicy(minimum_password_length=12)
        tx.delete_password_policy(account)
        with pytest.raises(NotFound):
            tx.delete_password_policy(account)
    with store.transaction() as tx:
        other = f"1{account[1:]}" if account[0] != "1" else f"2{account[1:]}"
        if tx.get_account(other) is None:
            tx.create_account(Account(other, NOW))
        with pytest.raises(AlreadyExists) as caught:
            tx.set_account_alias(other, alias)
        assert caught.value.kind == "alias"
        tx.set_account_alias(account, None)
        assert tx.get_account_by_alias(alias) is None


def test_user_crud_keeps_tags_and_aware_dates(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_User.html"""
    alice = user(account, "Alice", "/eng/", tags=(Tag("Team", "red"),))
    with store.transaction() as tx:
        tx.create_user(alice)
    with store.transaction(readonly=True) as tx:
        assert tx.get_user(account, "alice") == alice
        assert tx.get_user_by_id(alice.user_id) == alice
        fetched = tx.get_user(account, "Alice")
        assert fetched is not None and fetched.create_date.utcoffset() == timedelta(0)
        assert tx.count_users(account) == 1
    renamed = dataclasses.replace(
        alice,
        name="Alicia",
        arn=alice.arn.replace("Alice", "Alicia"),
        permissions_boundary_arn="arn:aws:iam::aws:policy/PowerUserAccess",
    )
    with store.transaction() as tx:
        tx.update_user(renamed)
        tx.record_password_use(alice.user_id, NOW + timedelta(hours=1))
        assert tx.get_user(account, "Alice") is None
        got = tx.get_user(account, "ALICIA")
        assert got == dataclasses.replace(renamed, password_last_used=NOW + timedelta(hours=1))
        tx.delete_user(account, "alicia")
        assert tx.get_user(account, "Alicia") is None
        with pytest.raises(NotFound):
            tx.delete_user(account, "Alicia")


def test_user_read_brings_its_own_tags_in_key_order(store: Store, account: str) -> None:
    """One user's tags, ordered by key case-insensitively; untagged users and tags of another
    kind of resource that happens to share the id stay apart."""
    tags = (Tag("b", "2"), Tag("A", "1"), Tag("c", ""))
    tagged = user(account, "tagged", tags=tags)
    bare = user(account, "bare")
    twin = dataclasses.replace(role(account, "twin", tags=(Tag("RoleOnly", "x"),)), role_id=tagged.user_id)
    with store.transaction() as tx:
        tx.create_user(tagged)
        tx.create_user(bare)
        tx.create_role(twin)
    in_key_order = (Tag("A", "1"), Tag("b", "2"), Tag("c", ""))
    with store.transaction(readonly=True) as tx:
        assert tx.get_user(account, "TAGGED") == dataclasses.replace(tagged, tags=in_key_order)
        assert tx.get_user_by_id(tagged.user_id) == dataclasses.replace(tagged, tags=in_key_order)
        assert tx.get_user(account, "bare") == bare
        assert tx.get_user_by_id(bare.user_id) == bare
        assert tx.get_user_by_id("AIDANOSUCHUSER000") is None
        listed = {u.name: u for u in tx.list_users(account).items}
        assert listed["tagged"].tags == in_key_order and listed["bare"].tags == ()


def test_user_in_unknown_account_is_not_found(store: Store) -> None:
    with store.transaction() as tx, pytest.raises(NotFound) as caught:
        tx.create_user(user("000000000000", "Ghost"))
    assert caught.value.kind == "account"


def test_groups_and_memberships(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html"""
    with store.transaction() as tx:
        tx.create_user(user(account, "bob"))
        tx.create_user(user(account, "carol"))
        admins = group(account, "Admins", "/ops/")
        tx.create_group(admins)
        tx.add_user_to_group(account, "admins", "BOB")
        tx.add_user_to_group(account, "Admins", "bob")  # idempotent
        tx.add_user_to_group(account, "Admins", "carol")
        assert [u.name for u in tx.list_group_members(account, "Admins").items] == ["bob", "carol"]
        assert tx.list_groups_for_user(account, "bob").items == (admins,)
        assert tx.count_groups_for_user(account, "bob") == 1
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_group(account, "Admins")
        assert caught.value.dependent is Dependent.GROUP_MEMBERS
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_user(account, "bob")
        assert caught.value.dependent is Dependent.GROUP_MEMBERSHIPS
        tx.remove_user_from_group(account, "Admins", "bob")
        tx.remove_user_from_group(account, "Admins", "carol")
        with pytest.raises(NotFound):
            tx.remove_user_from_group(account, "Admins", "carol")
        moved = dataclasses.replace(admins, name="Operators", path="/")
        tx.update_group(moved)
        assert tx.get_group(account, "operators") == moved
        tx.delete_group(account, "Operators")
        tx.delete_user(account, "bob")
        assert tx.count_groups(account) == 0


def test_role_crud_and_last_used(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html"""
    builder = role(account, "Deployer", tags=(Tag("env", "prod"),))
    with store.transaction() as tx:
        tx.create_role(builder)
        assert tx.get_role(account, "deployer") == builder
        updated = dataclasses.replace(
            builder,
            description="ci",
            max_session_duration=7200,
            assume_role_policy_document='{"Version":"2012-10-17","Statement":[]}',
        )
        tx.update_role(updated)
        tx.record_role_use(builder.role_id, NOW, "eu-west-1")
        assert tx.get_role_by_id(builder.role_id) == dataclasses.replace(
            updated, last_used_date=NOW, last_used_region="eu-west-1"
        )
        assert tx.count_roles(account) == 1
        tx.delete_role(account, "Deployer")
        assert tx.get_role(account, "Deployer") is None


def test_a_name_or_arn_holding_a_nul_names_nothing(store: Store, account: str) -> None:
    """PostgreSQL text cannot hold a NUL, so no stored name or ARN has one; looking one up finds
    nothing on both backends (PostgreSQL would refuse the query). ARNs reach the store with no
    pattern to refuse a NUL first (`PolicyArn=...%00...`)."""
    with store.transaction() as tx:
        tx.create_user(user(account, "ana"))
    arn = f"arn:aws:iam::{account}:policy/p\x00"
    with store.transaction(readonly=True) as tx:
        assert tx.get_user(account, "ana\x00") is None
        assert tx.get_group(account, "g\x00") is None
        assert tx.get_role(account, "r\x00") is None
        assert tx.get_instance_profile(account, "i\x00") is None
        assert tx.get_login_profile(account, "ana\x00") is None
        assert tx.get_mfa_device(account, f"arn:aws:iam::{account}:mfa/m\x00") is None
        assert tx.get_policy(account, arn) is None
        assert tx.get_policy_version(account, arn, "v1") is None
        with pytest.raises(NotFound):
            tx.list_tags(account, TaggedKind.POLICY, arn)
    with pytest.raises(NotFound), store.transaction() as tx:
        tx.detach_policy(account, PrincipalKind.USER, "ana", arn)
    with pytest.raises(NotFound), store.transaction() as tx:
        tx.detach_policy(account, PrincipalKind.USER, "ana\x00", "arn:aws:iam::aws:policy/ReadOnlyAccess")
