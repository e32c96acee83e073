"""The policy documents that govern a caller, read from the store.

A user is governed by its inline and attached policies and those of its groups, capped by its
permissions boundary; a role session by the role's policies, its boundary and the session
policies carried in its token. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from warden.model import PrincipalKind
from warden.services.partition_arns import STORED_PARTITION, partition_document, wire_policy_arn
from warden.store import Page, Transaction

T = TypeVar("T")

__all__ = ["PolicyDocuments", "all_pages", "load_policy_documents", "managed_policy_document", "policies_of"]


@dataclass(frozen=True, slots=True)
class PolicyDocuments:
    """Policy texts by type; `identity` are labelled for explanations ("user bob inline policy p")."""

    identity: tuple[tuple[str, str], ...]
    permissions_boundary: str | None


def managed_policy_document(
    tx: Transaction, account_id: str, arn: str, partition: str = STORED_PARTITION
) -> str | None:
    """The default version's document of a managed policy (stored `arn`), or None when it does
    not exist; an AWS managed policy's document names `partition` in its ARNs."""
    policy = tx.get_policy(account_id, arn)
    if policy is None:
        return None
    version = tx.get_policy_version(account_id, arn, policy.default_version_id)
    if version is None:
        return None
    return partition_document(version.document, partition) if policy.aws_managed else version.document


def all_pages(fetch: Callable[[str | None], Page[T]]) -> Iterator[T]:
    """Every item of a paged store listing, page after page."""
    marker = None
    while True:
        page = fetch(marker)
        yield from page.items
        if not page.is_truncated:
            return
        marker = page.marker


def policies_of(
    tx: Transaction, account_id: str, kind: PrincipalKind, name: str, partition: str
) -> Iterator[tuple[str, str]]:
    """(label, document) of the inline and attached policies of a user, group or role."""
    for inline in all_pages(
        lambda m: tx.list_inline_policies(account_id, kind, name, marker=m, max_items=1000)
    ):
        yield f"{kind.value} {name} inline policy {inline.policy_name}", inline.document
    for attached in all_pages(
        lambda m: tx.list_attached_policies(account_id, kind, name, marker=m, max_items=1000)
    ):
        document = managed_policy_document(tx, account_id, attached.policy_arn, partition)
        if document is not None:
            yield f"managed policy {wire_policy_arn(attached.policy_arn, partition)}", document


def load_policy_documents(
    tx: Transaction, account_id: str, kind: PrincipalKind, name: str, partition: str = STORED_PARTITION
) -> PolicyDocuments | None:
    """Documents governing the user or role `name` for a caller in `partition`; None when it no
    longer exists."""
    if kind is PrincipalKind.USER:
        entity = tx.get_user(account_id, name)
    elif kind is PrincipalKind.ROLE:
        entity = tx.get_role(account_id, name)
    else:
        raise ValueError(f"only users and roles act as principals, not {kind}")
    if entity is None:
        return None
    identity = list(policies_of(tx, account_id, kind, entity.name, partition))
    if kind is PrincipalKind.USER:
        for group in all_pages(
            lambda m: tx.list_groups_for_user(account_id, entity.name, marker=m, max_items=1000)
        ):
            identity.extend(policies_of(tx, account_id, PrincipalKind.GROUP, group.name, partition))
    boundary = None
    if entity.permissions_boundary_arn:
        boundary = managed_policy_document(tx, account_id, entity.permissions_boundary_arn, partition)
    return PolicyDocuments(tuple(identity), boundary)
