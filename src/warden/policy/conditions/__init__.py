"""Condition operators: the registry that turns a `ConditionClause` into a `CompiledClause`.

One module per operator family (strings, numeric, dates, boolean, binary,
ipaddr, arns) compiles the policy values into a positive test; `clause.py`
adds negation, `IfExists` and the set qualifiers uniformly; `Null` is handled
here. Unknown operators and values an operator cannot accept raise
`MalformedPolicyDocument`, so the engine never fails open.
"""

from __future__ import annotations

from ..ast import ConditionClause
from ..errors import MalformedPolicyDocument
from ..variables import Context
from .arns import build_arn
from .base import FamilyBuild, invalid_value
from .binary import build_binary
from .boolean import build_bool
from .clause import CompiledClause, make_evaluator, make_null_evaluator
from .dates import build_date
from .ipaddr import build_ip
from .numeric import build_numeric
from .operators import Family, OperatorName, Qualifier, parse_operator
from .strings import build_string

__all__ = [
    "CompiledClause",
    "OperatorName",
    "Qualifier",
    "compile_clause",
    "is_known_operator",
    "parse_operator",
]


def is_known_operator(name: str) -> bool:
    """True when IAM knows `name` (case-sensitive, optional qualifier prefix and IfExists suffix)."""
    return parse_operator(name) is not None


def _build(spec: OperatorName, clause: ConditionClause, key: str, variables_enabled: bool) -> FamilyBuild:
    family = spec.family
    values = clause.values
    if family is Family.STRING:
        return build_string(spec.positive, values, variables_enabled=variables_enabled)
    if family is Family.NUMERIC:
        relation = spec.positive[len("Numeric") :]
        return build_numeric(spec.written, clause.key, relation, values, clause.position)
    if family is Family.DATE:
        relation = spec.positive[len("Date") :]
        return build_date(spec.written, clause.key, relation, values, clause.position)
    if family is Family.BOOL:
        return build_bool(
            spec.written, clause.key, values, variables_enabled=variables_enabled, position=clause.position
        )
    if family is Family.BINARY:
        return build_binary(spec.written, clause.key, values, clause.position)
    if family is Family.IP:
        return build_ip(spec.written, clause.key, values, clause.position)
    return build_arn(values, variables_enabled=variables_enabled)


def _no_value(value: str, ctx: Context) -> bool:
    return False


def _compile_null(clause: ConditionClause, key: str) -> CompiledClause:
    accepted: set[bool] = set()
    for value in clause.values:
        folded = value.lower()
        if folded not in ("true", "false"):
            raise invalid_value(clause.operator, clause.key, value, "true or false", clause.position)
        accepted.add(folded == "true")
    return CompiledClause(
        clause.operator, key, frozenset({key}), make_null_evaluator(key, frozenset(accepted))
    )


def compile_clause(clause: ConditionClause, *, variables_enabled: bool) -> CompiledClause:
    """Compile one clause; raises MalformedPolicyDocument for an unknown operator or an unusable value."""
    spec = parse_operator(clause.operator)
    if spec is None:
        raise MalformedPolicyDocument(f"Invalid Condition type : {clause.operator}", clause.position)
    key = clause.key.lower()
    if spec.family is Family.NULL:
        return _compile_null(clause, key)
    # An empty value list matches no request value (so only the negated form can hold).
    build = _build(spec, clause, key, variables_enabled) if clause.values else FamilyBuild(_no_value)
    evaluate = make_evaluator(
        key, build.test, negated=spec.negated, qualifier=spec.qualifier, if_exists=spec.if_exists
    )
    return CompiledClause(clause.operator, key, frozenset({key}) | build.variable_keys, evaluate)
