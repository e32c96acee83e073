"""Run one operation: open a transaction, call the handler, insist that it authorized.

This is steps 5 and 6 of the request pipeline (DESIGN.md) without HTTP, so handlers can be
driven by the server and by tests alike. A staged operation (`warden.services.staged`: the
password operations) runs its argon2 work between a read-only transaction and its write one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from warden.errors import AwsError
from warden.services.call import Call, RequestMeta, Services
from warden.services.caller import Caller
from warden.services.change_feed import ChangeFeed
from warden.services.partition_arns import partition_response
from warden.services.staged import Staged, insist_authorized
from warden.store import Store, Transaction

__all__ = [
    "CommitThenRaise",
    "Handler",
    "HandlerTable",
    "TransactionalAudit",
    "dispatch",
    "is_point_read",
    "is_read_only",
]

Handler = Callable[[Call, dict[str, Any]], Mapping[str, Any] | None]
HandlerTable = Mapping[str, Handler]

_READ_ONLY_PREFIXES = ("Get", "List", "Simulate", "Decode", "Lookup", "Describe")
# Named like reads, but they record something: a session token consumes an MFA code.
_WRITING_READS = frozenset({"GetSessionToken"})
# Staged runs (read, compute, write) before one falls back to holding the lock throughout.
_STAGED_ATTEMPTS = 3


_IAM_POINT_READS = (
    "GetUser", "GetRole", "GetPolicy", "GetPolicyVersion", "GetUserPolicy", "GetRolePolicy",
    "GetGroupPolicy", "GetAccessKeyLastUsed", "GetLoginProfile", "GetInstanceProfile",
    "GetAccountPasswordPolicy", "GetServiceLinkedRoleDeletionStatus",
    "ListAccessKeys", "ListMFADevices", "ListAccountAliases", "ListGroupsForUser",
    "ListUserTags", "ListRoleTags", "ListPolicyTags", "ListInstanceProfileTags", "ListMFADeviceTags",
    "ListPolicyVersions", "ListUserPolicies", "ListRolePolicies", "ListGroupPolicies",
    "ListAttachedUserPolicies", "ListAttachedRolePolicies", "ListAttachedGroupPolicies",
)  # fmt: skip
_POINT_READS = frozenset({("iam", name) for name in _IAM_POINT_READS} | {("sts", "GetAccessKeyInfo")})
"""Reads whose work AWS's quotas bound to one entity and a few dozen rows at most (2 access
keys, 8 MFA devices, 50 tags, 5 versions, 10 groups, 20 attached policies...). Listings that
grow with the account (ListUsers, GetGroup's members, GetAccountSummary's counts,
GetAccountAuthorizationDetails) and simulations are not among them."""


class CommitThenRaise(Exception):
    """Raised by a handler whose refusal must keep what it wrote: a wrong MFA code is counted
    toward throttling even though the call fails. Dispatch commits, then raises `error` (the
    call is audited as failed, like any other error)."""

    def __init__(self, error: AwsError) -> None:
        super().__init__(error.message)
        self.error = error


def is_read_only(operation: str) -> bool:
    """Reads and simulations change nothing: they run in a read-only transaction."""
    return operation.startswith(_READ_ONLY_PREFIXES)


def is_point_read(service: str, operation: str) -> bool:
    """A read short enough to run on the event loop when the store allows it
    (`Store.short_reads_inline`): on SQLite, handing one to a worker thread and back costs
    about twice the read itself (`python -m bench.read`)."""
    return (service, operation) in _POINT_READS


class TransactionalAudit(Protocol):
    def record_in(self, tx: Transaction, result: Mapping[str, Any]) -> None:
        """Store the call's audit event inside the transaction of its change."""


def dispatch(
    *,
    store: Store,
    services: Services,
    feed: ChangeFeed,
    handlers: HandlerTable,
    operation: str,
    caller: Caller,
    meta: RequestMeta,
    params: dict[str, Any],
    audit: TransactionalAudit | None = None,
) -> Mapping[str, Any]:
    """The handler's result. Raises AwsError (rolling the transaction back); a handler that
    returns without having authorized is refused, failing closed. A call that may change
    something records its audit event in the same transaction (DESIGN.md, principle 4)."""
    run = _Run(store, services, feed, operation, caller, meta, params, audit)
    handler = handlers[operation]
    if isinstance(handler, Staged):
        return run.staged(handler)
    return run.in_transaction(handler, read_only=is_read_only(operation) and operation not in _WRITING_READS)


class _StateChanged(Exception):
    """What a staged operation computed no longer matches the store: roll back, start over."""


@dataclass(slots=True)  # not frozen: a frozen dataclass is slower to build, and reads build one too
class _Run:
    """One call's dispatch: its parts, and the transaction (or staged transactions) it runs in."""

    store: Store
    services: Services
    feed: ChangeFeed
    operation: str
    caller: Caller
    meta: RequestMeta
    params: dict[str, Any]
    audit: TransactionalAudit | None

    def in_transaction(self, handler: Handler, *, read_only: bool) -> Mapping[str, Any]:
        refusal: AwsError | None = None
        with self.store.transaction(readonly=read_only) as tx:
            if not read_only:
                # Before the handler reads what it checks (a free name, a quota, dependents), so
                # that concurrent calls in the account cannot both pass a check only one may.
                tx.lock_account(self.caller.account_id)
            call = Call(caller=self.caller, meta=self.meta, tx=tx, services=self.services)
            try:
                result = handler(call, self.params)
            except CommitThenRaise as deferred:
                refusal, result = deferred.error, None
            insist_authorized(call, self.operation)
            # AWS managed policies are stored once; callers in other partitions see them in theirs.
            result = partition_response(result or {}, self.services.partition)
            if self.audit is not None and not read_only and refusal is None:
                self.audit.record_in(tx, result)
            changed = tx.changed_permissions
        if changed:
            # Only a committed change of permissions invalidates cached callers and policies;
            # AssumeRole or a "last used" update must not flush every node's caches.
            self.feed.bump()
        if refusal is not None:
            raise refusal
        return result

    def staged(self, staged: Staged[Any, Any]) -> Mapping[str, Any]:
        """`staged.compute` runs between a read-only transaction that prepared (and authorized)
        and the write transaction, which prepares again and writes only if nothing `compute`
        read has changed (see `warden.services.staged`)."""
        for _ in range(_STAGED_ATTEMPTS):
            with self.store.transaction(readonly=True) as tx:
                call = Call(caller=self.caller, meta=self.meta, tx=tx, services=self.services)
                prepared = staged.prepare(call, self.params)
                insist_authorized(call, self.operation)
            computed = staged.compute(self.services, prepared)
            try:
                return self.in_transaction(_write_if_unchanged(staged, prepared, computed), read_only=False)
            except _StateChanged:
                continue
        # The state keeps changing under us: all of it in one transaction, the lock held throughout.
        return self.in_transaction(staged, read_only=False)


def _write_if_unchanged(staged: Staged[Any, Any], prepared: Any, computed: Any) -> Handler:
    def write(call: Call, params: dict[str, Any]) -> Mapping[str, Any] | None:
        # Prepared again, so the write is authorized and validated against the state it changes.
        if staged.prepare(call, params) != prepared:
            raise _StateChanged
        return staged.write(call, prepared, computed)

    return write
