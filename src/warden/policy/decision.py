"""AWS's policy evaluation logic over a compiled policy set.

The order and the rules follow AWS's documentation:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html

1. An applicable Deny in any policy type is final.
2. Every SCP level, then every RCP level, must have an applicable Allow (when they apply).
3. Same account: a resource-policy grant naming the caller itself allows; one naming the
   role of a session allows unless a permissions boundary or session policy implicitly
   denies; one naming only the account delegates to the identity side. Otherwise the
   identity side (identity Allow, within the boundary and the session policy) decides.
   Role trust policies must always grant.
4. Cross-account: both the identity side and the resource policy must allow.
5. The account root user is not limited by identity-based policies in its own account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from .compile import (
    GROUP_BOUNDARY,
    GROUP_IDENTITY,
    GROUP_RESOURCE,
    GROUP_SESSION,
    PRINCIPAL_EXCEPT,
    PRINCIPAL_LISTED,
    CompiledPolicySet,
    Entry,
)
from .matched import MatchedStatement
from .plan import PLAIN, Plan
from .principals import Caller, CallerKind, Grant, not_principal_applies, principal_grant
from .request import Request

__all__ = ["POLICY_TYPES", "Decision", "MatchedStatement", "Outcome", "decide", "statement_applies"]

POLICY_TYPES = ("identity", "permissions_boundary", "session", "resource", "scps", "rcps")
_LABELS = {
    "identity": "identity-based policy",
    "permissions_boundary": "permissions boundary",
    "session": "session policy",
    "resource": "resource-based policy",
    "scps": "service control policy",
    "rcps": "resource control policy",
}


class Outcome(str, Enum):
    """AWS's EvalDecision values."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer and why. `matched`, `missing_context_values` and `details` are filled in explain mode."""

    outcome: Outcome
    reason: str
    matched: tuple[MatchedStatement, ...] = ()
    missing_context_values: tuple[str, ...] = ()
    details: Mapping[str, str | None] | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED


def _located(entry: Entry) -> MatchedStatement:
    return entry.located


def statement_applies(entry: Entry, request: Request, has_boundary: bool) -> int:
    """0 if the statement does not apply, else the `Grant` with which it names the caller.

    Statements without a principal element apply with DIRECT (the value only
    matters for resource policies, where a missing principal never applies).
    """
    if not entry.compiled.resource.matches(request.resource, request.context):
        return 0
    return _principal_and_conditions(entry, request, has_boundary)


def _applies_selected(entry: Entry, request: Request, has_boundary: bool) -> int:
    """`statement_applies` for an entry a bucket selected for `request.resource`.

    A selection is exact unless the Resource element reads the context, so the
    resource is matched again only for those (`Entry.dynamic`).
    """
    if entry.plain:
        return _DIRECT
    if entry.dynamic and not entry.compiled.resource.matches(request.resource, request.context):
        return 0
    return _principal_and_conditions(entry, request, has_boundary)


_DIRECT = int(Grant.DIRECT)


def _principal_and_conditions(entry: Entry, request: Request, has_boundary: bool) -> int:
    compiled = entry.compiled
    mode = compiled.principal_mode
    if mode == PRINCIPAL_LISTED:
        grant = principal_grant(compiled.principal, request.caller)  # type: ignore[arg-type]
        if not grant:
            return 0
    elif mode == PRINCIPAL_EXCEPT:
        if not not_principal_applies(compiled.principal, request.caller, has_boundary=has_boundary):  # type: ignore[arg-type]
            return 0
        grant = Grant.DIRECT
    elif entry.group == GROUP_RESOURCE:
        return 0
    else:
        grant = Grant.DIRECT
    ctx = request.context
    for clause in compiled.conditions:
        if not clause.evaluate(ctx):
            return 0
    return int(grant)


def _org_policies_apply(policies: CompiledPolicySet, caller: Caller) -> tuple[bool, bool]:
    """SCPs govern IAM principals of member accounts; neither SCPs nor RCPs restrict service-linked roles."""
    scps = policies.scp_levels > 0 and caller.is_iam and not caller.service_linked
    rcps = policies.rcp_levels > 0 and not caller.service_linked
    return scps, rcps


@dataclass(slots=True)
class _Tally:
    """What evaluation found, per group; enough to combine into a decision."""

    allow: list[Entry | None]
    deny: list[Entry | None]
    grant: int = 0
    grant_entry: Entry | None = None


def _scp_groups(policies: CompiledPolicySet) -> range:
    start = GROUP_RESOURCE + 1
    return range(start, start + policies.scp_levels)


def _rcp_groups(policies: CompiledPolicySet) -> range:
    start = GROUP_RESOURCE + 1 + policies.scp_levels
    return range(start, start + policies.rcp_levels)


def _type_of_group(group: int, policies: CompiledPolicySet) -> str:
    if group <= GROUP_RESOURCE:
        return POLICY_TYPES[group]
    return "scps" if group < GROUP_RESOURCE + 1 + policies.scp_levels else "rcps"


def _combine(
    request: Request, policies: CompiledPolicySet, tally: _Tally, scps_on: bool, rcps_on: bool
) -> tuple[Outcome, str]:
    """Steps 2-5 of the module docstring, once no explicit Deny applies."""
    action = request.action
    for groups, on, kind in (
        (_scp_groups(policies), scps_on, "scps"),
        (_rcp_groups(policies), rcps_on, "rcps"),
    ):
        if on:
            for group in groups:
                if tally.allow[group] is None:
                    return Outcome.IMPLICIT_DENY, _implicit(kind, action)
    caller = request.caller
    grant = tally.grant
    grant_reason = f"Allowed by {_located(tally.grant_entry).describe()}." if tally.grant_entry else ""
    if not caller.is_iam:
        if grant:
            return Outcome.ALLOWED, grant_reason
        return Outcome.IMPLICIT_DENY, _implicit("resource", action)
    limits_ok = (not policies.has_boundary or tally.allow[GROUP_BOUNDARY] is not None) and (
        not policies.has_session or tally.allow[GROUP_SESSION] is not None
    )
    identity_entry = tally.allow[GROUP_IDENTITY]
    root = caller.kind is CallerKind.ACCOUNT
    identity_ok = root or (identity_entry is not None and limits_ok)
    if request.is_trust_action or request.cross_account:
        if not grant:
            return Outcome.IMPLICIT_DENY, _implicit("resource", action)
        if request.cross_account:
            if not identity_ok:
                return Outcome.IMPLICIT_DENY, _identity_blame(policies, tally, action)
            return Outcome.ALLOWED, _identity_reason(identity_entry, root) + " " + grant_reason
    if grant == Grant.DIRECT or (grant == Grant.ROLE and limits_ok):
        return Outcome.ALLOWED, grant_reason
    if identity_ok:
        return Outcome.ALLOWED, _identity_reason(identity_entry, root)
    return Outcome.IMPLICIT_DENY, _identity_blame(policies, tally, action)


def _implicit(policy_type: str, action: str) -> str:
    return f"Implicitly denied: no {_LABELS[policy_type]} allows the {action} action."


def _identity_reason(entry: Entry | None, root: bool) -> str:
    if root:
        return "Allowed: the account root user is not limited by identity-based policies."
    assert entry is not None
    return f"Allowed by {_located(entry).describe()}."


def _identity_blame(policies: CompiledPolicySet, tally: _Tally, action: str) -> str:
    if tally.allow[GROUP_IDENTITY] is None:
        return _implicit("identity", action)
    if policies.has_boundary and tally.allow[GROUP_BOUNDARY] is None:
        return _implicit("permissions_boundary", action)
    return _implicit("session", action)


def _deny_reason(entry: Entry) -> str:
    return f"Explicitly denied by {_located(entry).describe()}."


def decide(request: Request, policies: CompiledPolicySet, *, explain: bool = True) -> Decision:
    """Decide one request. `explain=False` stops as soon as the outcome is certain."""
    candidates = policies.candidates(request.action_key)
    scps_on, rcps_on = _org_policies_apply(policies, request.caller)
    resource = request.resource
    if policies.scp_levels or policies.rcp_levels:
        plan = candidates.plan(resource, (scps_on, rcps_on), policies.group_on[scps_on, rcps_on])
    else:
        plan = candidates.plan(resource, None, policies.group_on[False, False])
    count = policies.group_count
    tally = _Tally([None] * count, [None] * count)
    if not explain:
        return _decide_fast(request, policies, plan, tally, scps_on, rcps_on)
    has_boundary = policies.has_boundary
    # Each distinct check once; PLAIN reads the direct grant.
    results = {entry.check: _applies_selected(entry, request, has_boundary) for entry in plan.checks}
    results[PLAIN] = _DIRECT
    matched = tuple([located for located, check in plan.items if results[check]])
    deny, allow = tally.deny, tally.allow
    first_deny: Entry | None = None
    for entry in plan.denies:
        if results[entry.check]:
            if first_deny is None:
                first_deny = entry
            if deny[entry.group] is None:
                deny[entry.group] = entry
    for group, entries in plan.allow_groups:
        for entry in entries:
            if results[entry.check]:
                allow[group] = entry
                break
    for entry in plan.allows[GROUP_RESOURCE]:
        grant = results[entry.check]
        if grant > tally.grant:
            tally.grant, tally.grant_entry = grant, entry
    if first_deny is not None:
        outcome, reason = Outcome.EXPLICIT_DENY, _deny_reason(first_deny)
    else:
        outcome, reason = _combine(request, policies, tally, scps_on, rcps_on)
    return Decision(
        outcome,
        reason,
        matched,
        _missing(plan, request),
        _details(policies, tally, scps_on, rcps_on),
    )


def _missing(plan: Plan, request: Request) -> tuple[str, ...]:
    """Context keys read by statements whose action and resource match, absent from the context."""
    ctx = request.context
    if plan.ordered_reads is None:
        written = [name for lower, name in plan.reads if lower not in ctx]
    else:
        found: dict[str, str] = {}
        resource = request.resource
        for entry in plan.ordered_reads:
            matcher = entry.compiled.resource
            if entry.dynamic and not (
                matcher.matches(resource, ctx)
                or (bool(matcher.keys) and not matcher.keys.issubset(ctx.keys()))
            ):
                continue
            for lower, name in entry.compiled.reads:
                if lower not in ctx:
                    found.setdefault(lower, name)
        written = list(found.values())
    if not written:
        return ()
    return tuple(sorted(written, key=lambda s: (s.lower(), s)))


def _decide_fast(
    request: Request,
    policies: CompiledPolicySet,
    plan: Plan,
    tally: _Tally,
    scps_on: bool,
    rcps_on: bool,
) -> Decision:
    has_boundary = policies.has_boundary
    for entry in plan.denies:
        if entry.plain or _applies_selected(entry, request, has_boundary):
            return Decision(Outcome.EXPLICIT_DENY, _deny_reason(entry))
    allows = plan.allows
    groups: list[int] = []
    if scps_on:
        groups.extend(_scp_groups(policies))
    if rcps_on:
        groups.extend(_rcp_groups(policies))
    groups.extend((GROUP_IDENTITY, GROUP_BOUNDARY, GROUP_SESSION))
    for group in groups:
        for entry in allows[group]:
            if entry.plain or _applies_selected(entry, request, has_boundary):
                tally.allow[group] = entry
                break
        else:
            if group > GROUP_RESOURCE:  # an organization level without an Allow is final
                kind = _type_of_group(group, policies)
                return Decision(Outcome.IMPLICIT_DENY, _implicit(kind, request.action))
    for entry in allows[GROUP_RESOURCE]:
        grant = _applies_selected(entry, request, has_boundary)
        if grant > tally.grant:
            tally.grant, tally.grant_entry = grant, entry
            if grant == Grant.DIRECT:
                break
    if tally.grant:
        tally.allow[GROUP_RESOURCE] = tally.grant_entry
    outcome, reason = _combine(request, policies, tally, scps_on, rcps_on)
    return Decision(outcome, reason)


_ALLOWED = Outcome.ALLOWED.value
_EXPLICIT = Outcome.EXPLICIT_DENY.value
_IMPLICIT = Outcome.IMPLICIT_DENY.value


def _single(tally: _Tally, group: int, present: bool) -> str | None:
    if not present:
        return None
    if tally.deny[group] is not None:
        return _EXPLICIT
    return _ALLOWED if tally.allow[group] is not None else _IMPLICIT


def _levels(tally: _Tally, groups: range, on: bool) -> str | None:
    if not on:
        return None
    if any(tally.deny[g] is not None for g in groups):
        return _EXPLICIT
    if all(tally.allow[g] is not None for g in groups):
        return _ALLOWED
    return _IMPLICIT


def _details(
    policies: CompiledPolicySet, tally: _Tally, scps_on: bool, rcps_on: bool
) -> dict[str, str | None]:
    """Each policy type's own outcome, or None where that type is absent or does not apply."""
    return {
        "identity": _single(tally, GROUP_IDENTITY, policies.has_identity),
        "permissions_boundary": _single(tally, GROUP_BOUNDARY, policies.has_boundary),
        "session": _single(tally, GROUP_SESSION, policies.has_session),
        "resource": _single(tally, GROUP_RESOURCE, policies.has_resource),
        "scps": _levels(tally, _scp_groups(policies), scps_on) if scps_on else None,
        "rcps": _levels(tally, _rcp_groups(policies), rcps_on) if rcps_on else None,
    }
