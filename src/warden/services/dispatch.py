"""Run one operation: open a transaction, call the handler, insist that it authorized.

This is steps 5 and 6 of the request pipeline (DESIGN.md) without HTTP, so handlers can be
driven by the server and by tests alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from warden.errors import AwsError, ServiceFailure
from warden.services.call import Call, RequestMeta, Services
from warden.services.caller import Caller
from warden.services.change_feed import ChangeFeed
from warden.services.partition_arns import partition_response
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
    handler = handlers[operation]
    read_only = is_read_only(operation) and operation not in _WRITING_READS
    refusal: AwsError | None = None
    with store.transaction(readonly=read_only) as tx:
        if not read_only:
            # Before the handler reads what it checks (a free name, a quota, dependents), so that
            # concurrent calls in the account cannot both pass a check only one of them may.
            tx.lock_account(caller.account_id)
        call = Call(caller=caller, meta=meta, tx=tx, services=services)
        try:
            result = handler(call, params)
        except CommitThenRaise as deferred:
            refusal, result = deferred.error, None
        if call.authorized_action is None:
            # Fail closed: a handler that skipped authorization must not answer.
            raise ServiceFailure(f"{operation} was not authorized")
        # AWS managed policies are stored once; callers in other partitions see them in their own.
        result = partition_response(result or {}, services.partition)
        if audit is not None and not read_only and refusal is None:
            audit.record_in(tx, result)
        changed = tx.changed_permissions
    if changed:
        # Only a committed change of permissions invalidates cached callers and policies;
        # AssumeRole or a "last used" update must not flush every node's caches.
        feed.bump()
    if refusal is not None:
        raise refusal
    return result
