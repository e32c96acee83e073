"""warden's policy engine: parse, validate, compile and decide, exactly as AWS documents.

Pure standard library, no I/O. The usual path is
`parse_policy` -> `PolicySet` -> `compile_policy_set` -> `decide(Request, ...)`,
or `authorize(dict)` for the spec's request/answer objects in one call.
"""

from __future__ import annotations

from .ast import ConditionClause, Effect, Policy, PolicyKind, Position, PrincipalSpec, Statement
from .authorize import authorize
from .compile import CompiledPolicy, CompiledPolicySet, PolicySet, compile_policy, compile_policy_set
from .decision import Decision, MatchedStatement, Outcome, decide
from .errors import InvalidAuthorizationRequest, MalformedPolicyDocument, PolicyError
from .parser import parse_policy
from .reference import decide_reference
from .request import Request
from .validate import Finding, validate_policy

__all__ = [
    "CompiledPolicy",
    "CompiledPolicySet",
    "ConditionClause",
    "Decision",
    "Effect",
    "Finding",
    "InvalidAuthorizationRequest",
    "MalformedPolicyDocument",
    "MatchedStatement",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "PolicySet",
    "Position",
    "PrincipalSpec",
    "Request",
    "Statement",
    "authorize",
    "compile_policy",
    "compile_policy_set",
    "decide",
    "decide_reference",
    "parse_policy",
    "validate_policy",
]
