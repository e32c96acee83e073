"""Policy findings in the style of IAM Access Analyzer's policy checks; never raises.

Errors are everything `parse_policy` rejects (one per broken statement). When the document
parses, a few cheap, exact checks follow: security warnings for grants that are broader than they
look, warnings for constructs that likely do not mean what the author thinks, and suggestions for
redundancy. See https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .ast import Effect, Policy, PolicyKind, Position, Statement
from .compile import compile_policy
from .errors import MalformedPolicyDocument
from .jsontext import ParsedJson, join_path
from .parser import SizeLimitChoice, parse_policy_collecting

__all__ = ["Finding", "Severity", "validate_policy"]

_MAX_WILDCARD_PATTERNS = 256
_CONDITION_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*:[A-Za-z0-9_.-]+(?:/.+)?", re.DOTALL)


class Severity(str, Enum):
    ERROR = "error"
    SECURITY_WARNING = "security_warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: how serious, a stable code, a sentence for people, and where."""

    severity: Severity
    code: str
    message: str
    position: Position


def validate_policy(
    document: str | bytes | Mapping[str, Any] | object,
    kind: PolicyKind,
    *,
    size_limit: SizeLimitChoice = "default",
) -> list[Finding]:
    """Every finding for `document` as a policy of `kind`, errors first; an empty list means clean."""
    outcome = parse_policy_collecting(document, kind, size_limit=size_limit)
    if outcome.policy is None:
        return [
            Finding(Severity.ERROR, error.code, error.message, error.position or Position(""))
            for error in outcome.errors
        ]
    try:  # a condition value its operator cannot read: IAM refuses the document as malformed
        compile_policy(outcome.policy)
    except MalformedPolicyDocument as error:
        return [Finding(Severity.ERROR, "CONDITION_VALUE", error.message, error.position or Position(""))]
    findings = list(_document_findings(outcome.policy))
    for statement in outcome.policy.statements:
        findings.extend(_statement_findings(statement))
    if outcome.source is not None:
        findings.extend(_empty_findings(outcome.source, outcome.policy))
    return findings


def _document_findings(policy: Policy) -> Iterator[Finding]:
    root = policy.position
    if policy.version is None:
        yield Finding(
            Severity.SUGGESTION,
            "MISSING_VERSION",
            'The policy has no Version; add "Version": "2012-10-17" to use every policy feature.',
            root,
        )
    if not policy.variables_enabled:
        for statement in policy.statements:
            texts = (statement.resources or ()) + (statement.not_resources or ())
            texts += tuple(value for clause in statement.conditions for value in clause.values)
            if any("${" in text for text in texts):
                yield Finding(
                    Severity.WARNING,
                    "VARIABLES_WITHOUT_VERSION",
                    'Policy variables are substituted only under "Version": "2012-10-17"; '
                    "here they are matched as literal text.",
                    statement.position,
                )
    if policy.kind is PolicyKind.RESOURCE:
        seen: set[str] = set()
        for statement in policy.statements:
            if statement.sid:
                if statement.sid in seen:
                    yield Finding(
                        Severity.WARNING,
                        "DUPLICATE_SID",
                        f"The Sid {statement.sid} is used by more than one statement.",
                        statement.position,
                    )
                seen.add(statement.sid)


def _statement_findings(statement: Statement) -> Iterator[Finding]:
    where = statement.position
    if statement.effect is Effect.ALLOW:
        if statement.not_actions is not None:
            yield Finding(
                Severity.SECURITY_WARNING,
                "ALLOW_WITH_NOT_ACTION",
                "Allow with NotAction grants every action not listed, including actions added to AWS later; "
                "list the allowed actions instead.",
                where,
            )
        if statement.not_resources is not None:
            yield Finding(
                Severity.SECURITY_WARNING,
                "ALLOW_WITH_NOT_RESOURCE",
                "Allow with NotResource grants access to every resource not listed, including resources "
                "created later; list the allowed resources instead.",
                where,
            )
        if statement.not_principal is not None:
            yield Finding(
                Severity.SECURITY_WARNING,
                "ALLOW_WITH_NOT_PRINCIPAL",
                "Allow with NotPrincipal grants access to every principal not listed, including anonymous "
                "users; name the allowed principals instead.",
                where,
            )
        actions = statement.actions or ()
        resources = statement.resources or ()
        if "*" in actions and "*" in resources and not statement.conditions:
            yield Finding(
                Severity.SECURITY_WARNING,
                "FULL_ACCESS",
                'The statement allows every action ("*") on every resource ("*") without conditions.',
                where,
            )
        broad_resource = "*" in resources or statement.not_resources is not None
        if broad_resource and any(_pattern(a, ignore_case=True)("iam:PassRole") for a in actions):
            yield Finding(
                Severity.SECURITY_WARNING,
                "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                'iam:PassRole with "Resource": "*" lets the caller pass any role, including more '
                "privileged ones, to a service; name the roles.",
                where,
            )
    for field, values, ignore_case in (
        ("Action", statement.actions, True),
        ("NotAction", statement.not_actions, True),
        ("Resource", statement.resources, False),
        ("NotResource", statement.not_resources, False),
    ):
        listed = values or ()
        for index in _redundant(listed, ignore_case=ignore_case):
            yield Finding(
                Severity.SUGGESTION,
                "REDUNDANT_ACTION" if "Action" in field else "REDUNDANT_RESOURCE",
                f"{field} value {listed[index]} is already covered by another value in the same statement.",
                _child(where, field, index, len(listed)),
            )
    for clause in statement.conditions:
        if not _CONDITION_KEY.fullmatch(clause.key):
            yield Finding(
                Severity.WARNING,
                "INVALID_CONDITION_KEY_FORMAT",
                f"Condition key {clause.key} is not of the form service:name or service:name/qualifier.",
                clause.position,
            )


def _empty_findings(source: ParsedJson, policy: Policy) -> Iterator[Finding]:
    """Empty condition blocks and empty value lists: legal, but they never do what was meant."""
    for statement in policy.statements:
        path = statement.position.path
        raw = _lookup(source.value, path)
        block = raw.get("Condition") if isinstance(raw, dict) else None
        if not isinstance(block, dict):
            continue
        condition_path = join_path(path, "Condition")
        if not block:
            yield _empty(source, condition_path, "EMPTY_OBJECT_CONDITION", "The Condition block is empty.")
        for operator, keys in block.items():
            operator_path = join_path(condition_path, operator)
            if isinstance(keys, dict) and not keys:
                message = f"The condition operator {operator} has no keys."
                yield _empty(source, operator_path, "EMPTY_OBJECT_CONDITION", message)
            for key, values in keys.items() if isinstance(keys, dict) else ():
                if values == []:
                    message = f"The condition key {key} has an empty list of values, so it can never match."
                    yield _empty(source, join_path(operator_path, key), "EMPTY_ARRAY_CONDITION", message)


def _empty(source: ParsedJson, path: str, code: str, message: str) -> Finding:
    where = source.positions.get(path)
    position = Position(path) if where is None else Position(path, where[0], where[1])
    return Finding(Severity.SUGGESTION, code, message, position)


def _lookup(value: Any, path: str) -> Any:
    """The raw statement at a path the parser produced (`Statement` or `Statement[3]`)."""
    statements = value.get("Statement") if isinstance(value, dict) else None
    match = re.fullmatch(r"Statement\[(\d+)\]", path)
    if match is not None and isinstance(statements, list):
        return statements[int(match.group(1))]
    return statements


def _child(where: Position, field: str, index: int, count: int) -> Position:
    path = join_path(where.path, field)
    return Position(join_path(path, index) if count > 1 else path)


def _redundant(values: tuple[str, ...], *, ignore_case: bool) -> list[int]:
    """Indexes of values that another value of the list already covers (exact repeats: the later one).

    Only values holding a wildcard can cover others, so the quadratic part runs over those alone,
    and is skipped past `_MAX_WILDCARD_PATTERNS` to keep validation fast on huge documents.
    """

    def fold(text: str) -> str:
        return text.lower() if ignore_case else text

    first: dict[str, int] = {}
    for index, value in enumerate(values):
        first.setdefault(fold(value), index)
    wildcards = [(i, v) for i, v in enumerate(values) if ("*" in v or "?" in v) and first[fold(v)] == i]
    if len(wildcards) > _MAX_WILDCARD_PATTERNS:
        wildcards = []
    matchers = [(i, _pattern(v, ignore_case=ignore_case, subsumes=True)) for i, v in wildcards]
    result = []
    for index, value in enumerate(values):
        if first[fold(value)] != index or any(
            j != index and fold(values[j]) != fold(value) and covers(value) for j, covers in matchers
        ):
            result.append(index)
    return result


def _pattern(text: str, *, ignore_case: bool, subsumes: bool = False) -> Callable[[str], bool]:
    """A matcher for AWS wildcards (`*` any run, `?` one character), in O(len * len) time.

    With `subsumes`, a `?` does not match a `*` of the candidate, so matching one pattern's
    text against another proves that the first covers the second.
    """
    pattern = text.lower() if ignore_case else text

    def match(candidate: str) -> bool:
        value = candidate.lower() if ignore_case else candidate
        p = v = 0
        star, resume = -1, 0
        while v < len(value):
            if p < len(pattern) and pattern[p] == "*":
                star, resume = p, v
                p += 1
            elif p < len(pattern) and (
                pattern[p] == value[v]
                and pattern[p] != "?"
                or pattern[p] == "?"
                and not (subsumes and value[v] == "*")
            ):
                p += 1
                v += 1
            elif star >= 0:
                resume += 1
                p, v = star + 1, resume
            else:
                return False
        return all(char == "*" for char in pattern[p:])

    return match
