"""Where a statement that applies to a request sits in its policy set.

Lives apart from `decision` so that compilation can build each statement's
location once, and a decision reuses it instead of building a new object.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ast import Effect

__all__ = ["MatchedStatement"]


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement that applies to the request, located in the policy set."""

    policy_type: str
    policy_index: int
    statement_index: int
    sid: str | None
    effect: Effect
    level: int | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "policy_type": self.policy_type,
            "policy_index": self.policy_index,
            "statement_index": self.statement_index,
            "sid": self.sid,
            "effect": self.effect.value,
        }
        if self.level is not None:
            out["level"] = self.level
        return out

    def describe(self) -> str:
        name = self.sid if self.sid else str(self.statement_index)
        where = f"{self.policy_type} policy {self.policy_index}"
        if self.level is not None:
            where += f" at level {self.level}"
        return f"statement {name} of {where}"
