"""The store's narrow, transactional interface.

A `Store` hands out `Transaction`s; everything done through one transaction commits or rolls
back together (an exception leaving the `with` block rolls back). The transaction API is split
into one protocol per area (`warden.store.protocols`) and combined here.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from warden.store.protocols import (
    AccessKeyOps,
    AccountOps,
    AttachmentOps,
    AuditOps,
    GroupOps,
    InlinePolicyOps,
    InstanceProfileOps,
    LoginProfileOps,
    ManagedPolicyOps,
    MfaDeviceOps,
    RoleOps,
    TagOps,
    UserOps,
)

__all__ = ["Store", "Transaction"]


class Transaction(
    AccountOps,
    UserOps,
    GroupOps,
    RoleOps,
    ManagedPolicyOps,
    AttachmentOps,
    InlinePolicyOps,
    AccessKeyOps,
    LoginProfileOps,
    InstanceProfileOps,
    TagOps,
    MfaDeviceOps,
    AuditOps,
    Protocol,
):
    """Every store operation, inside one database transaction."""

    @property
    def changed_permissions(self) -> bool:
        """Whether this transaction changed anything authorization depends on (it bumped an
        account's change counter); "last used" bookkeeping does not count."""


class Store(Protocol):
    @property
    def short_reads_inline(self) -> bool:
        """Whether a short read-only transaction is cheaper run on the calling thread than
        handed to a worker thread: true for a local SQLite file, whose reads (WAL) neither
        wait for writers nor cross a network."""

    def transaction(self, readonly: bool = False) -> AbstractContextManager[Transaction]:
        """One database transaction. `readonly=True` lets SQLite readers run alongside a
        writer; writing through a read-only transaction is an error of the backend."""

    def close(self) -> None:
        """Release connections."""

    def wipe(self) -> None:
        """Delete all data, keeping the schema (mock mode's `POST /moto-api/reset`)."""
