"""Policies -> compiled statements; policy sets -> an index by action.

Compiling does every piece of constant work once (lowercasing, wildcard
compilation, condition compilation, variable parsing) so that `decide()` only
does what depends on the request. A compiled policy is cached by content (the
AST is frozen and hashable), and a compiled set remembers, per action, which
statements can match it, so a decision never looks at statements for other
actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from . import arn, conditions, variables, wildcard
from .ast import Effect, Policy, PolicyKind, PrincipalSpec, Statement
from .matched import MatchedStatement
from .plan import Plan, Planner
from .resource_index import Bucket

__all__ = [
    "GROUP_BOUNDARY",
    "GROUP_IDENTITY",
    "GROUP_RESOURCE",
    "GROUP_SESSION",
    "PLAN_MEMO_SIZE",
    "Bucket",
    "Candidates",
    "CompiledPolicy",
    "CompiledPolicySet",
    "CompiledStatement",
    "Entry",
    "PolicySet",
    "ResourceMatcher",
    "compile_policy",
    "compile_policy_set",
]

Context = Mapping[str, "str | tuple[str, ...]"]

GROUP_IDENTITY = 0
GROUP_BOUNDARY = 1
GROUP_SESSION = 2
GROUP_RESOURCE = 3  # the first SCP level follows, then the RCP levels

PRINCIPAL_NONE = 0
PRINCIPAL_LISTED = 1
PRINCIPAL_EXCEPT = 2

_VARIABLE_RE = re.compile(r"\$\{([^}]*)\}")
_MEMO_SIZE = 8192
PLAN_MEMO_SIZE = 2048  # plans kept per action; a flood of distinct resources cannot grow it


class ResourceMatcher:
    """The `Resource` / `NotResource` element, split by how each value must be matched."""

    __slots__ = ("keys", "literals", "negated", "pattern_values", "patterns", "templates")

    def __init__(self, values: tuple[str, ...], *, negated: bool, variables_enabled: bool) -> None:
        literals: set[str] = set()
        patterns: list[Callable[[str], bool]] = []
        pattern_values: list[str] = []
        templates: list[arn.ArnTemplateMatcher] = []
        keys: set[str] = set()
        for value in values:
            if variables_enabled and variables.has_variables(value):
                template = arn.compile_arn_template(value, variables_enabled=True, resource_element=True)
                templates.append(template)
                keys.update(template.keys)
            elif "*" in value or "?" in value:
                patterns.append(arn.compile_resource_pattern(value))
                pattern_values.append(value)
            else:
                literals.add(value)
        self.literals = frozenset(literals)
        self.patterns = tuple(patterns)
        self.pattern_values = tuple(pattern_values)  # the source of each of `patterns`
        self.templates = tuple(templates)
        self.negated = negated
        self.keys = frozenset(keys)

    def any_value_matches(self, resource: str, ctx: Context) -> bool:
        """Whether some value of the element matches (before applying `negated`)."""
        if resource in self.literals:
            return True
        for pattern in self.patterns:
            if pattern(resource):
                return True
        for template in self.templates:
            if template.matches(resource, ctx):
                return True
        return False

    def matches(self, resource: str, ctx: Context) -> bool:
        return self.any_value_matches(resource, ctx) is not self.negated


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """One statement with everything constant precomputed; independent of where it is attached."""

    statement: Statement
    deny: bool
    action_patterns: tuple[str, ...]  # lowercased Action or NotAction values
    negated_action: bool
    action_match: Callable[[str], bool]  # any pattern matches a lowercased action
    resource: ResourceMatcher
    principal_mode: int
    principal: PrincipalSpec | None
    conditions: tuple[conditions.CompiledClause, ...]
    reads: tuple[tuple[str, str], ...]  # (lowercased key, key as first written) read by conditions/variables
    # What decides whether the statement applies once action and resource match: equal keys,
    # equal answers for any caller and context (None: no Principal element and no Condition).
    check_key: object


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    kind: PolicyKind
    statements: tuple[CompiledStatement, ...]


def _any_of(matchers: tuple[Callable[[str], bool], ...]) -> Callable[[str], bool]:
    if len(matchers) == 1:
        return matchers[0]
    return lambda action: any(m(action) for m in matchers)


def _written_names(texts: list[str]) -> dict[str, str]:
    """Map lowercased variable names to how the policy first wrote them."""
    names: dict[str, str] = {}
    for text in texts:
        for inner in _VARIABLE_RE.findall(text):
            name = inner.split(",", 1)[0].strip()
            if name and name not in ("*", "?", "$"):
                names.setdefault(name.lower(), name)
    return names


def _compile_statement(statement: Statement, variables_enabled: bool) -> CompiledStatement:
    negated_action = statement.actions is None
    patterns = tuple(
        p.lower() for p in (statement.not_actions if negated_action else statement.actions) or ()
    )
    action_match = _any_of(tuple(wildcard.compile_pattern(p, ignore_case=True) for p in patterns))
    negated_resource = statement.resources is None
    resource_values = (statement.not_resources if negated_resource else statement.resources) or ()
    resource = ResourceMatcher(resource_values, negated=negated_resource, variables_enabled=variables_enabled)
    clauses = tuple(
        conditions.compile_clause(c, variables_enabled=variables_enabled) for c in statement.conditions
    )
    if statement.principal is not None:
        mode, principal = PRINCIPAL_LISTED, statement.principal
    elif statement.not_principal is not None:
        mode, principal = PRINCIPAL_EXCEPT, statement.not_principal
    else:
        mode, principal = PRINCIPAL_NONE, None
    written: dict[str, str] = {}
    for clause in statement.conditions:
        written.setdefault(clause.key.lower(), clause.key)
    scanned = list(resource_values) + [v for c in statement.conditions for v in c.values]
    for lower, name in _written_names(scanned).items():
        written.setdefault(lower, name)
    read_keys: list[str] = []
    for compiled_clause in clauses:
        read_keys.extend(sorted(compiled_clause.keys))
    read_keys.extend(sorted(resource.keys))
    reads = tuple(dict.fromkeys((k, written.get(k, k)) for k in read_keys))
    check_key: object = None
    if principal is not None or clauses:
        check_key = (
            mode,
            None if principal is None else (principal.wildcard, principal.entries),
            tuple((c.operator, c.key, c.values) for c in statement.conditions),
            variables_enabled,
        )
    return CompiledStatement(
        statement=statement,
        deny=statement.effect is Effect.DENY,
        action_patterns=patterns,
        negated_action=negated_action,
        action_match=action_match,
        resource=resource,
        principal_mode=mode,
        principal=principal,
        conditions=clauses,
        reads=reads,
        check_key=check_key,
    )


@lru_cache(maxsize=1024)
def compile_policy(policy: Policy) -> CompiledPolicy:
    """Compile a parsed policy; the same content compiles once (bounded LRU keyed by the frozen AST)."""
    enabled = policy.variables_enabled
    return CompiledPolicy(policy.kind, tuple(_compile_statement(s, enabled) for s in policy.statements))


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that applies to one request, by type (see the authorization-request spec).

    `scps` and `rcps` hold one tuple of policies per organization level, root first;
    empty means the account is not governed by that policy type.
    """

    identity: tuple[Policy, ...] = ()
    permissions_boundary: Policy | None = None
    session: Policy | None = None
    resource: Policy | None = None
    scps: tuple[tuple[Policy, ...], ...] = ()
    rcps: tuple[tuple[Policy, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """A compiled statement placed in a set: its type, policy index, level and evaluation group."""

    order: int
    policy_type: str
    policy_index: int
    level: int | None
    group: int
    compiled: CompiledStatement
    # Derived once here so the decision loop reads plain slots.
    deny: bool
    dynamic: bool  # the Resource element reads the context: selections include it unchecked
    plain: bool  # applies whenever its action and resource match (no Principal, no Condition)
    located: MatchedStatement
    check: int  # -1 when `plain`, else a number shared by entries of the set with equal checks (see `plan`)
    item: tuple[MatchedStatement, int]  # (located, check), built once for every plan that holds the entry


def _entry(
    order: int,
    policy_type: str,
    policy_index: int,
    level: int | None,
    group: int,
    compiled: CompiledStatement,
    check_ids: dict[object, int],
) -> Entry:
    """Place one statement; `check_ids` numbers the distinct checks of the set being compiled."""
    statement = compiled.statement
    dynamic = bool(compiled.resource.templates)
    plain = (
        not dynamic
        and compiled.principal_mode == PRINCIPAL_NONE
        and not compiled.conditions
        and group != GROUP_RESOURCE
    )
    located = MatchedStatement(
        policy_type, policy_index, statement.index, statement.sid, statement.effect, level
    )
    if plain:
        check = -1
    else:
        key = (
            ("context-dependent resource", order)
            if dynamic
            else (group == GROUP_RESOURCE, compiled.check_key)
        )
        check = check_ids.setdefault(key, len(check_ids))
    return Entry(
        order,
        policy_type,
        policy_index,
        level,
        group,
        compiled,
        compiled.deny,
        dynamic,
        plain,
        located,
        check,
        (located, check),
    )


class Candidates:
    """The statements whose Action/NotAction matches one action, in order, indexed by resource.

    Plans are memoised per resource (and, when organization policies are present,
    per which of them apply to the caller); the entries are immutable, so a plan
    never goes stale, and the memo is bounded by `PLAN_MEMO_SIZE`.
    """

    __slots__ = ("by_signature", "index", "memo", "ordered", "planner")

    def __init__(self, ordered: tuple[Entry, ...], group_count: int) -> None:
        self.ordered = ordered
        self.index = Bucket(ordered)
        self.planner = Planner(ordered, group_count)
        self.memo: dict[object, Plan] = {}  # by resource (and organization switches)
        self.by_signature: dict[object, Plan] = {}  # by what the resource matched (and switches)

    def select_all(self, resource: str) -> tuple[Entry, ...]:
        """Every entry whose Resource element matches `resource` (or depends on the context), in order."""
        return self.index.select(resource)

    def plan(self, resource: str, switches: tuple[bool, bool] | None, group_on: tuple[bool, ...]) -> Plan:
        """The plan for `resource` over the groups `group_on` marks.

        `switches` is None when the set has no organization policies, else whether
        SCPs and RCPs apply to the caller (`group_on` follows from it). A resource
        seen before costs one lookup; a new resource that matches the same Resource
        values as an earlier one (another object in the same bucket) shares its plan.
        """
        memo = self.memo
        key = resource if switches is None else (resource, switches)
        found = memo.get(key)
        if found is None:
            signature = self.index.signature(resource)
            shared_key = signature if switches is None else (signature, switches)
            shared = self.by_signature
            found = shared.get(shared_key)
            if found is None:
                found = self.planner.build(self.index.hits(signature), group_on)
                if len(shared) >= PLAN_MEMO_SIZE:
                    shared.clear()
                shared[shared_key] = found
            if len(memo) >= PLAN_MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return found


@dataclass(slots=True)
class _ActionIndex:
    exact: dict[str, list[Entry]] = field(default_factory=dict)
    by_service: dict[str, list[Entry]] = field(default_factory=dict)
    generic: list[Entry] = field(default_factory=list)  # wildcard in the service part, "*", NotAction


class CompiledPolicySet:
    """A policy set ready to decide: entries in order, an action index and a bounded per-action memo."""

    __slots__ = (
        "_index",
        "_memo",
        "entries",
        "group_count",
        "group_on",
        "has_boundary",
        "has_identity",
        "has_resource",
        "has_session",
        "rcp_levels",
        "scp_levels",
    )

    def __init__(self, entries: tuple[Entry, ...], policy_set: PolicySet) -> None:
        self.entries = entries
        self.scp_levels = len(policy_set.scps)
        self.rcp_levels = len(policy_set.rcps)
        self.group_count = GROUP_RESOURCE + 1 + self.scp_levels + self.rcp_levels
        self.has_identity = bool(policy_set.identity)
        self.has_boundary = policy_set.permissions_boundary is not None
        self.has_session = policy_set.session is not None
        self.has_resource = policy_set.resource is not None
        self._index = _ActionIndex()
        self._memo: dict[str, Candidates] = {}
        # Which groups take part, by (SCPs apply, RCPs apply) to the caller.
        self.group_on = {
            (scps, rcps): tuple(
                group <= GROUP_RESOURCE or (scps if group < GROUP_RESOURCE + 1 + self.scp_levels else rcps)
                for group in range(self.group_count)
            )
            for scps in (False, True)
            for rcps in (False, True)
        }
        for entry in entries:
            self._add(entry)

    def _add(self, entry: Entry) -> None:
        compiled = entry.compiled
        index = self._index
        if compiled.negated_action:
            index.generic.append(entry)
            return
        for pattern in dict.fromkeys(compiled.action_patterns):
            service, _, name = pattern.partition(":")
            if "*" in service or "?" in service or not _:
                index.generic.append(entry)
            elif "*" in name or "?" in name:
                index.by_service.setdefault(service, []).append(entry)
            else:
                index.exact.setdefault(pattern, []).append(entry)

    def candidates(self, action_key: str) -> Candidates:
        """Statements whose action element matches `action_key` (lowercased); memoised per action."""
        found = self._memo.get(action_key)
        if found is not None:
            return found
        index = self._index
        seen: dict[int, Entry] = {}
        for entry in index.exact.get(action_key, ()):
            seen[entry.order] = entry
        service = action_key.partition(":")[0]
        for entry in (*index.by_service.get(service, ()), *index.generic):
            if entry.order not in seen:
                c = entry.compiled
                if c.action_match(action_key) is not c.negated_action:
                    seen[entry.order] = entry
        found = Candidates(tuple(seen[k] for k in sorted(seen)), self.group_count)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.pop(next(iter(self._memo)))
        self._memo[action_key] = found
        return found


def compile_policy_set(policy_set: PolicySet) -> CompiledPolicySet:
    """Place every compiled statement in evaluation order with its type, index, level and group."""
    entries: list[Entry] = []
    check_ids: dict[object, int] = {}

    def place(policy_type: str, policies: tuple[Policy, ...], group: int, level: int | None) -> None:
        for policy_index, policy in enumerate(policies):
            for compiled in compile_policy(policy).statements:
                entries.append(
                    _entry(len(entries), policy_type, policy_index, level, group, compiled, check_ids)
                )

    place("identity", policy_set.identity, GROUP_IDENTITY, None)
    if policy_set.permissions_boundary is not None:
        place("permissions_boundary", (policy_set.permissions_boundary,), GROUP_BOUNDARY, None)
    if policy_set.session is not None:
        place("session", (policy_set.session,), GROUP_SESSION, None)
    if policy_set.resource is not None:
        place("resource", (policy_set.resource,), GROUP_RESOURCE, None)
    for level, policies in enumerate(policy_set.scps):
        place("scps", policies, GROUP_RESOURCE + 1 + level, level)
    for level, policies in enumerate(policy_set.rcps):
        place("rcps", policies, GROUP_RESOURCE + 1 + len(policy_set.scps) + level, level)
    return CompiledPolicySet(tuple(entries), policy_set)
