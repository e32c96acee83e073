"""Shared fixture for the condition operator tests: compile one clause."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from warden.policy.ast import ConditionClause, Position
from warden.policy.conditions import CompiledClause, compile_clause

Build = Callable[..., CompiledClause]


def _build(operator: str, key: str, *values: str, variables: bool = True) -> CompiledClause:
    return compile_clause(
        ConditionClause(operator, key, tuple(values), Position("Statement[0].Condition")),
        variables_enabled=variables,
    )


@pytest.fixture
def clause() -> Build:
    """`clause("StringEquals", "aws:username", "alice")` -> CompiledClause."""
    return _build
