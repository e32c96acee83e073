"""Checking a submitted policy document the way IAM does before it stores (or simulates) it.

Grammar errors, and condition values an operator cannot read, become `MalformedPolicyDocument`
with the engine's AWS message; size quotas become `LimitExceeded`.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
"""

from __future__ import annotations

from collections.abc import Iterable

from warden.errors import LimitExceeded, MalformedPolicyDocument
from warden.model import PrincipalKind
from warden.policy import MalformedPolicyDocument as PolicyGrammarError
from warden.policy import Policy, PolicyKind, compile_policy, parse_policy
from warden.policy.limits import INLINE_GROUP, INLINE_ROLE, INLINE_USER, MANAGED_POLICY, SizeLimit
from warden.policy.parser import PolicyRejected, SizeLimitChoice

__all__ = ["check_inline_policy", "check_managed_policy", "checked_policy", "inline_limit"]

_INLINE_LIMITS = {
    PrincipalKind.USER: INLINE_USER,
    PrincipalKind.GROUP: INLINE_GROUP,
    PrincipalKind.ROLE: INLINE_ROLE,
}


def inline_limit(kind: PrincipalKind) -> SizeLimit:
    return _INLINE_LIMITS[kind]


def checked_policy(document: str, kind: PolicyKind, *, size_limit: SizeLimitChoice = None) -> Policy:
    """The parsed policy, if IAM would accept it: grammar, and a condition value each operator
    can read (a date for DateLessThan, a number for NumericEquals...), since the engine could not
    evaluate a stored policy without them and every request it applies to would fail. A size over
    `size_limit` is `LimitExceeded`, anything else `MalformedPolicyDocument`."""
    try:
        policy = parse_policy(document, kind, size_limit=size_limit)
        compile_policy(policy)
    except PolicyRejected as rejected:
        if rejected.code == "SIZE":
            raise LimitExceeded(rejected.message) from None
        raise MalformedPolicyDocument(rejected.message) from None
    except PolicyGrammarError as error:
        raise MalformedPolicyDocument(error.message) from None
    return policy


def check_managed_policy(document: str) -> None:
    """A managed policy (or a new version of one): grammar, then the 6,144-character quota."""
    checked_policy(document, PolicyKind.IDENTITY)
    if MANAGED_POLICY.exceeded_by(document):
        raise LimitExceeded(MANAGED_POLICY.message)


def check_inline_policy(
    kind: PrincipalKind, owner_name: str, document: str, other_documents: Iterable[str]
) -> None:
    """An inline policy: grammar, then the quota on all of the identity's inline policies together
    (whitespace not counted), which is how IAM measures it."""
    checked_policy(document, PolicyKind.IDENTITY)
    limit = inline_limit(kind)
    total = limit.measure(document) + sum(limit.measure(text) for text in other_documents)
    if total > limit.maximum:
        raise LimitExceeded(f"{limit.message} {owner_name}")
