"""A deliberately plain evaluator: every statement of every policy, no index, no cache.

It exists to be obviously right, so that the indexed `decide()` can be tested
against it (see tests/unit/policy/test_differential.py). It shares only the
matching primitives (wildcards, ARNs, variables, conditions, principals) and
restates AWS's combination rules in the most direct form:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import arn, conditions, variables, wildcard
from .ast import Effect, Policy, Statement
from .compile import PolicySet
from .decision import Decision, MatchedStatement, Outcome
from .principals import CallerKind, Grant, not_principal_applies, principal_grant
from .request import Request

__all__ = ["decide_reference"]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True, slots=True)
class _Hit:
    where: MatchedStatement
    grant: Grant


def _action_matches(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return any(wildcard.compile_pattern(p, ignore_case=True)(action) for p in statement.actions)
    return not any(wildcard.compile_pattern(p, ignore_case=True)(action) for p in statement.not_actions or ())


def _value_matches(value: str, request: Request, enabled: bool) -> bool:
    if enabled and variables.has_variables(value):
        matcher = arn.compile_arn_template(value, variables_enabled=True, resource_element=True)
        return matcher.matches(request.resource, request.context)
    return arn.compile_resource_pattern(value)(request.resource)


def _resource_matches(statement: Statement, request: Request, enabled: bool) -> bool:
    if statement.resources is not None:
        return any(_value_matches(v, request, enabled) for v in statement.resources)
    return not any(_value_matches(v, request, enabled) for v in statement.not_resources or ())


def _resource_keys(statement: Statement, enabled: bool) -> set[str]:
    keys: set[str] = set()
    if enabled:
        for value in statement.resources or statement.not_resources or ():
            keys |= variables.compile_template(value).keys
    return keys


def _grant(statement: Statement, policy_type: str, request: Request, has_boundary: bool) -> Grant:
    if statement.principal is not None:
        return principal_grant(statement.principal, request.caller)
    if statement.not_principal is not None:
        applies = not_principal_applies(statement.not_principal, request.caller, has_boundary=has_boundary)
        return Grant.DIRECT if applies else Grant.NONE
    return Grant.NONE if policy_type == "resource" else Grant.DIRECT


def _documents(policy_set: PolicySet, request: Request) -> list[tuple[str, int, int | None, Policy]]:
    caller = request.caller
    docs: list[tuple[str, int, int | None, Policy]] = []
    docs += [("identity", i, None, p) for i, p in enumerate(policy_set.identity)]
    if policy_set.permissions_boundary is not None:
        docs.append(("permissions_boundary", 0, None, policy_set.permissions_boundary))
    if policy_set.session is not None:
        docs.append(("session", 0, None, policy_set.session))
    if policy_set.resource is not None:
        docs.append(("resource", 0, None, policy_set.resource))
    if caller.is_iam and not caller.service_linked:
        for level, policies in enumerate(policy_set.scps):
            docs += [("scps", i, level, p) for i, p in enumerate(policies)]
    if not caller.service_linked:
        for level, policies in enumerate(policy_set.rcps):
            docs += [("rcps", i, level, p) for i, p in enumerate(policies)]
    return docs


def _missing(statement: Statement, request: Request, enabled: bool, found: dict[str, str]) -> None:
    written: dict[str, str] = {}
    for clause in statement.conditions:
        written.setdefault(clause.key.lower(), clause.key)
    texts = list(statement.resources or statement.not_resources or ())
    texts += [v for c in statement.conditions for v in c.values]
    for text in texts:
        for inner in _VARIABLE.findall(text):
            name = inner.split(",", 1)[0].strip()
            written.setdefault(name.lower(), name)
    keys: list[str] = []
    for clause in statement.conditions:
        keys += sorted(conditions.compile_clause(clause, variables_enabled=enabled).keys)
    keys += sorted(_resource_keys(statement, enabled))
    for key in keys:
        if key not in request.context:
            found.setdefault(key, written.get(key, key))


def decide_reference(request: Request, policy_set: PolicySet) -> Decision:
    """Evaluate by brute force; same answer as `decide(..., explain=True)` by construction of the tests."""
    has_boundary = policy_set.permissions_boundary is not None
    hits: list[_Hit] = []
    missing: dict[str, str] = {}
    for policy_type, policy_index, level, policy in _documents(policy_set, request):
        enabled = policy.variables_enabled
        for statement in policy.statements:
            if not _action_matches(statement, request.action):
                continue
            resource_ok = _resource_matches(statement, request, enabled)
            needed = _resource_keys(statement, enabled)
            if resource_ok or any(k not in request.context for k in needed):
                _missing(statement, request, enabled, missing)
            if not resource_ok:
                continue
            grant = _grant(statement, policy_type, request, has_boundary)
            if grant is Grant.NONE:
                continue
            clauses = [conditions.compile_clause(c, variables_enabled=enabled) for c in statement.conditions]
            if not all(c.evaluate(request.context) for c in clauses):
                continue
            where = MatchedStatement(
                policy_type, policy_index, statement.index, statement.sid, statement.effect, level
            )
            hits.append(_Hit(where, grant))
    outcome = _outcome(request, policy_set, hits)
    return Decision(
        outcome,
        f"Reference evaluation: {outcome.value}.",
        tuple(h.where for h in hits),
        tuple(sorted(missing.values(), key=lambda s: (s.lower(), s))),
    )


def _allows(hits: list[_Hit], policy_type: str, level: int | None = None) -> list[_Hit]:
    return [
        h
        for h in hits
        if h.where.policy_type == policy_type and h.where.effect is Effect.ALLOW and h.where.level == level
    ]


def _outcome(request: Request, policy_set: PolicySet, hits: list[_Hit]) -> Outcome:
    caller = request.caller
    if any(h.where.effect is Effect.DENY for h in hits):
        return Outcome.EXPLICIT_DENY
    if caller.is_iam and not caller.service_linked:
        for level in range(len(policy_set.scps)):
            if not _allows(hits, "scps", level):
                return Outcome.IMPLICIT_DENY
    if not caller.service_linked:
        for level in range(len(policy_set.rcps)):
            if not _allows(hits, "rcps", level):
                return Outcome.IMPLICIT_DENY
    resource_grants = [h.grant for h in _allows(hits, "resource")]
    best = max(resource_grants, default=Grant.NONE)
    if not caller.is_iam:
        return Outcome.ALLOWED if best is not Grant.NONE else Outcome.IMPLICIT_DENY
    boundary_ok = policy_set.permissions_boundary is None or bool(_allows(hits, "permissions_boundary"))
    session_ok = policy_set.session is None or bool(_allows(hits, "session"))
    if caller.kind is CallerKind.ACCOUNT:
        identity_ok = True
    else:
        identity_ok = bool(_allows(hits, "identity")) and boundary_ok and session_ok
    if request.cross_account:
        both = best is not Grant.NONE and identity_ok
        return Outcome.ALLOWED if both else Outcome.IMPLICIT_DENY
    if request.is_trust_action and best is Grant.NONE:
        return Outcome.IMPLICIT_DENY
    if best is Grant.DIRECT:
        return Outcome.ALLOWED
    if best is Grant.ROLE and boundary_ok and session_ok:
        return Outcome.ALLOWED
    return Outcome.ALLOWED if identity_ok else Outcome.IMPLICIT_DENY
