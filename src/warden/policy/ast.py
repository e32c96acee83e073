"""The policy AST: frozen, slotted nodes that remember where they came from.

Every node carries a `Position` so that validation findings and decision
explanations can point back at the policy text (a JSON path always, and a
line/column when the policy was parsed from text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "ConditionClause",
    "Effect",
    "Policy",
    "PolicyKind",
    "Position",
    "PrincipalSpec",
    "Statement",
]


class PolicyKind(str, Enum):
    """Where a policy is used; validation rules and size limits depend on it."""

    IDENTITY = "identity"  # inline or managed policy of a user, group or role
    PERMISSIONS_BOUNDARY = "permissions_boundary"  # a managed policy used as a boundary
    SESSION = "session"  # STS session policy
    RESOURCE = "resource"  # resource-based policy (bucket policy, queue policy, ...)
    TRUST = "trust"  # a role's trust policy (AssumeRolePolicyDocument)
    SCP = "scp"  # AWS Organizations service control policy
    RCP = "rcp"  # AWS Organizations resource control policy


class Effect(str, Enum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True, slots=True)
class Position:
    """Where a node is: a JSON path (`Statement[1].Condition`) and, from text, line and column (1-based)."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        return f"{self.path} (line {self.line}, column {self.column})"


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A `Principal` or `NotPrincipal` element.

    `wildcard` is true for the bare string "*". Otherwise `entries` maps the
    principal type as written (`AWS`, `Service`, `Federated`, `CanonicalUser`)
    to its values, each always a tuple even when the policy had one string.
    """

    wildcard: bool
    entries: tuple[tuple[str, tuple[str, ...]], ...]
    position: Position

    def values(self, principal_type: str) -> tuple[str, ...]:
        for name, values in self.entries:
            if name == principal_type:
                return values
        return ()


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One operator + one key + its values from a `Condition` block.

    `operator` is exactly as written (`ForAnyValue:StringLikeIfExists`), `key`
    as written (keys compare case-insensitively). Values are kept as the
    strings AWS compares: JSON booleans become "true"/"false", numbers their
    JSON text.
    """

    operator: str
    key: str
    values: tuple[str, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement. Exactly one of each pair (Action/NotAction, ...) may be set."""

    index: int
    sid: str | None
    effect: Effect
    principal: PrincipalSpec | None
    not_principal: PrincipalSpec | None
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    conditions: tuple[ConditionClause, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy document. `version` is None when the document has no Version."""

    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    kind: PolicyKind
    position: Position = field(default_factory=lambda: Position(""))

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17; otherwise they are literal text."""
        return self.version == "2012-10-17"
