"""Managed policies, versions, attachments, boundaries and inline policies."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from warden.model import AttachedPolicy, PolicyEntity, PolicyScope, PolicyUsage, PrincipalKind
from warden.store import ConflictDeleting, Dependent, NotFound, Store

from .factories import DOC, NOW, aws_policy, group, policy, role, user


def test_policy_versions_lifecycle(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html"""
    managed = policy(account, "ReadOnly", "/team/")
    later = NOW + timedelta(days=1)
    with store.transaction() as tx:
        first = tx.create_policy(managed, DOC)
        assert (first.version_id, first.is_default) == ("v1", True)
        second = tx.create_policy_version(account, managed.arn, '{"v":2}', True, later)
        third = tx.create_policy_version(account, managed.arn, '{"v":3}', False, later)
        assert (second.version_id, third.version_id) == ("v2", "v3")
        got = tx.get_policy(account, managed.arn)
        assert got is not None and got.default_version_id == "v2" and got.update_date == later
        assert [v.version_id for v in tx.list_policy_versions(account, managed.arn)] == ["v3", "v2", "v1"]
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_policy_version(account, managed.arn, "v2")
        assert caught.value.dependent is Dependent.DEFAULT_VERSION
        tx.delete_policy_version(account, managed.arn, "v3")
        assert tx.create_policy_version(account, managed.arn, "{}", False, later).version_id == "v4"
        tx.set_default_policy_version(account, managed.arn, "v1")
        version = tx.get_policy_version(account, managed.arn, "v1")
        assert version is not None and version.is_default and version.document == DOC
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_policy(account, managed.arn)
        assert caught.value.dependent is Dependent.POLICY_VERSIONS
        for version_id in ("v2", "v4"):
            tx.delete_policy_version(account, managed.arn, version_id)
        assert tx.count_policies(account) == 1
        tx.delete_policy(account, managed.arn)
        assert tx.get_policy(account, managed.arn) is None


def test_attachments_counts_and_entities(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html"""
    managed = policy(account, "Ops")
    with store.transaction() as tx:
        tx.create_policy(managed, DOC)
        dev = user(account, "dev")
        tx.create_user(dev)
        ops = group(account, "ops")
        tx.create_group(ops)
        runner = dataclasses.replace(role(account, "runner"), permissions_boundary_arn=managed.arn)
        tx.create_role(runner)
        for kind, name in (
            (PrincipalKind.USER, "dev"),
            (PrincipalKind.GROUP, "ops"),
            (PrincipalKind.ROLE, "runner"),
        ):
            tx.attach_policy(account, kind, name, managed.arn)
        tx.attach_policy(account, PrincipalKind.USER, "DEV", managed.arn)  # idempotent
        got = tx.get_policy(account, managed.arn)
        assert got is not None
        assert (got.attachment_count, got.permissions_boundary_usage_count) == (3, 1)
        assert tx.list_attached_policies(account, PrincipalKind.USER, "dev").items == (
            AttachedPolicy("Ops", managed.arn),
        )
        assert tx.count_attached_policies(account, PrincipalKind.ROLE, "runner") == 1
        entities = tx.list_entities_for_policy(account, managed.arn).items
        assert entities == (
            PolicyEntity(PrincipalKind.GROUP, "ops", ops.group_id),
            PolicyEntity(PrincipalKind.ROLE, "runner", runner.role_id),
            PolicyEntity(PrincipalKind.USER, "dev", dev.user_id),
        )
        # runner is bounded by the policy too, and listed once.
        assert tx.list_entities_for_policy(account, managed.arn, usage=PolicyUsage.PERMISSIONS_POLICY).items == entities
        only_roles = tx.list_entities_for_policy(account, managed.arn, kind=PrincipalKind.ROLE).items
        assert [e.name for e in only_roles] == ["runner"]
        bounded = tx.list_entities_for_policy(account, managed.arn, usage=PolicyUsage.PERMISSIONS_BOUNDARY)
        assert bounded.items == (PolicyEntity(PrincipalKind.ROLE, "runner", runner.role_id),)
        assert not tx.list_entities_for_policy(
            account, managed.arn, kind=PrincipalKind.GROUP, usage=PolicyUsage.PERMISSIONS_BOUNDARY
        ).items
        attached = tx.list_policies(account, scope=PolicyScope.LOCAL, only_attached=True).items
        assert [p.arn for p in attached] == [managed.arn]
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_policy(account, managed.arn)
        assert caught.value.dependent is Dependent.POLICY_ATTACHMENTS
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_user(account, "dev")
        assert caught.value.dependent is Dependent.ATTACHED_POLICIES
        tx.detach_policy(account, PrincipalKind.USER, "dev", managed.arn)
        with pytest.raises(NotFound):
            tx.detach_policy(account, PrincipalKind.USER, "dev", managed.arn)
        tx.delete_user(account, "dev")


def test_aws_managed_policies_are_visible_with_per_account_counts(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html"""
    shared = aws_policy(f"Shared{account}")
    with store.transaction() as tx:
        tx.create_policy(shared, DOC)
        tx.create_user(user(account, "u"))
        tx.attach_policy(account, PrincipalKind.USER, "u", shared.arn)
        got = tx.get_policy(account, shared.arn)
        assert got is not None and got.aws_managed and got.attachment_count == 1
        listed = tx.list_policies(account, scope=PolicyScope.AWS, only_attached=True).items
        assert [p.arn for p in listed] == [shared.arn]
        assert tx.list_policies(account, scope=PolicyScope.LOCAL).items == ()
        assert tx.count_policies(account) == 0


def test_inline_policies(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"""
    with store.transaction() as tx:
        tx.create_role(role(account, "Builder"))
        tx.put_inline_policy(account, PrincipalKind.ROLE, "builder", "b", DOC)
        tx.put_inline_policy(account, PrincipalKind.ROLE, "builder", "a", "{}")
        tx.put_inline_policy(account, PrincipalKind.ROLE, "Builder", "a", DOC)  # replaces
        inline = tx.get_inline_policy(account, PrincipalKind.ROLE, "BUILDER", "a")
        assert inline is not None and (inline.owner_name, inline.document) == ("Builder", DOC)
        page = tx.list_inline_policies(account, PrincipalKind.ROLE, "Builder")
        assert [p.policy_name for p in page.items] == ["a", "b"]
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_role(account, "Builder")
        assert caught.value.dependent is Dependent.INLINE_POLICIES
        tx.delete_inline_policy(account, PrincipalKind.ROLE, "Builder", "a")
        tx.delete_inline_policy(account, PrincipalKind.ROLE, "Builder", "b")
        with pytest.raises(NotFound):
            tx.delete_inline_policy(account, PrincipalKind.ROLE, "Builder", "b")
        assert tx.get_inline_policy(account, PrincipalKind.ROLE, "Builder", "a") is None
        tx.delete_role(account, "Builder")
        with pytest.raises(NotFound):
            tx.put_inline_policy(account, PrincipalKind.GROUP, "nobody", "p", DOC)


def test_usage_filters_apply_before_paging(store: Store, account: str) -> None:
    """PolicyUsageFilter and OnlyAttached select before paging: full pages, then the rest.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html"""
    policies = [policy(account, f"usage{index}") for index in range(6)]
    with store.transaction() as tx:
        tx.create_user(user(account, "attacher"))
        for index, managed in enumerate(policies):
            tx.create_policy(managed, DOC)
            if index % 2:
                tx.attach_policy(account, PrincipalKind.USER, "attacher", managed.arn)
            else:
                tx.create_user(dataclasses.replace(user(account, f"bounded{index}"), permissions_boundary_arn=managed.arn))

    def pages(**filters: Any) -> list[list[str]]:
        found, marker = [], None
        with store.transaction(readonly=True) as tx:
            while True:
                page = tx.list_policies(account, scope=PolicyScope.LOCAL, marker=marker, max_items=2, **filters)
                found.append([p.name for p in page.items])
                if not page.is_truncated:
                    return found
                marker = page.marker

    assert pages(usage=PolicyUsage.PERMISSIONS_POLICY) == [["usage1", "usage3"], ["usage5"]]
    assert pages(only_attached=True) == [["usage1", "usage3"], ["usage5"]]
    assert pages(usage=PolicyUsage.PERMISSIONS_BOUNDARY) == [["usage0", "usage2"], ["usage4"]]
