"""The IAM policy simulator through the engine: SimulatePrincipalPolicy, SimulateCustomPolicy,
GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy.

Each result names the decision, the statements that decided it (with their start and end
positions in the policy text) and the context keys the policies needed but were not given.
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_testing-policies.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from warden.errors import InvalidInput
from warden.model import PrincipalKind
from warden.policy import (
    Decision,
    Effect,
    MatchedStatement,
    Outcome,
    Policy,
    PolicyError,
    PolicyKind,
    PolicySet,
    Request,
    compile_policy_set,
    decide,
)
from warden.policy.variables import SegmentKind, compile_template
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.effective_policies import all_pages, managed_policy_document
from warden.services.iam.common import no_such_entity
from warden.services.iam.pages import computed_page
from warden.services.iam.policy_text import checked_policy

__all__ = ["HANDLERS"]


@dataclass(frozen=True, slots=True)
class _Source:
    """One policy under simulation: AWS's SourcePolicyId and SourcePolicyType, and its text."""

    policy_id: str
    policy_type: str
    text: str


def _parse(source: _Source, kind: PolicyKind) -> Policy:
    return checked_policy(source.text, kind)


def _statement_end(text: str, line: int, column: int) -> tuple[int, int]:
    """Where the statement object that opens at (line, column) closes, by brace matching."""
    lines = text.split("\n")
    offset = sum(len(row) + 1 for row in lines[: line - 1]) + column - 1
    depth, in_string, escaped = 0, False, False
    for index in range(offset, len(text)):
        char = text[index]
        if in_string:
            escaped = not escaped and char == "\\"
            if char == '"' and not escaped:
                in_string = False
            continue
        if char == '"':
            in_string, escaped = True, False
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                before = text[: index + 1]
                return before.count("\n") + 1, index + 1 - (before.rfind("\n") + 1)
    return line, column


def _position(source: _Source, policy: Policy, statement_index: int) -> dict[str, Any]:
    position = policy.statements[statement_index].position
    line, column = position.line or 1, position.column or 1
    end_line, end_column = _statement_end(source.text, line, column)
    return {
        "SourcePolicyId": source.policy_id,
        "SourcePolicyType": source.policy_type,
        "StartPosition": {"Line": line, "Column": column},
        "EndPosition": {"Line": end_line, "Column": end_column},
    }


def _identity_sources(call: Call, kind: PrincipalKind, name: str) -> list[_Source]:
    tx, account = call.tx, call.account_id
    found: list[_Source] = []
    owners = [(kind, name)]
    if kind is PrincipalKind.USER:
        owners += [
            (PrincipalKind.GROUP, g.name)
            for g in all_pages(lambda m: tx.list_groups_for_user(account, name, marker=m, max_items=1000))
        ]
    for owner_kind, owner in owners:
        for inline in all_pages(
            lambda m, k=owner_kind, o=owner: tx.list_inline_policies(account, k, o, marker=m, max_items=1000)
        ):
            found.append(_Source(inline.policy_name, owner_kind.value, inline.document))
        for attached in all_pages(
            lambda m, k=owner_kind, o=owner: tx.list_attached_policies(account, k, o, marker=m, max_items=1000)
        ):
            document = managed_policy_document(tx, account, attached.policy_arn, call.partition)
            if document is not None:
                managed_type = "aws-managed" if ":iam::aws:" in attached.policy_arn else "user-managed"
                found.append(_Source(attached.policy_name, managed_type, document))
    return found


def _principal_of(call: Call, arn: str, action: str) -> tuple[PrincipalKind, str, Any]:
    """The user, group or role a PolicySourceArn names (`action` authorized on that ARN first)."""
    parts = arn.split(":", 5)
    resource = parts[5] if len(parts) == 6 else ""
    kind_text, _, path_name = resource.partition("/")
    kinds = {"user": PrincipalKind.USER, "group": PrincipalKind.GROUP, "role": PrincipalKind.ROLE}
    if kind_text not in kinds or len(parts) != 6 or parts[4] != call.account_id:
        call.authorize(action, arn)
        raise InvalidInput(f"Invalid ARN {arn}: must be a user, group or role of this account.")
    kind, name = kinds[kind_text], path_name.rsplit("/", 1)[-1]
    getter = {PrincipalKind.USER: call.tx.get_user, PrincipalKind.GROUP: call.tx.get_group,
              PrincipalKind.ROLE: call.tx.get_role}[kind]
    entity = getter(call.account_id, name)
    call.authorize(action, arn, resource_tags=getattr(entity, "tags", ()) or ())
    if entity is None:
        raise no_such_entity(kind.value, name)
    return kind, entity.name, entity


def _context(entries: Sequence[Mapping[str, Any]]) -> dict[str, str | tuple[str, ...]]:
    context: dict[str, str | tuple[str, ...]] = {}
    for index, entry in enumerate(entries, 1):
        name = entry.get("ContextKeyName")
        if name is None:  # the model leaves every member of a ContextEntry optional
            raise InvalidInput(f"Invalid input: context entry {index} has no ContextKeyName.")
        values = tuple(entry.get("ContextKeyValues") or ())
        key_type = entry.get("ContextKeyType", "string")
        context[name] = values if key_type.endswith("List") else (values[0] if values else "")
    return context


def _caller(params: Mapping[str, Any], default: str) -> str:
    """The simulated caller: CallerArn, which can only be the ARN of an IAM user ("You cannot
    specify the ARN of an assumed role, federated user, or a service principal"), else `default`.
    CallerArn is required with a ResourcePolicy unless PolicySourceArn is a user.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html"""
    arn = params.get("CallerArn")
    if not arn:
        return default
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or not parts[4].isdigit() \
            or not parts[5].startswith("user/") or parts[5].endswith("/"):
        raise InvalidInput(f"Invalid input: CallerArn {arn} is not the ARN of an IAM user.")
    return str(arn)


def _resource_account(owner: str) -> str:
    """The account of a ResourceOwner ARN (`arn:aws:iam::123456789012:root`)."""
    parts = owner.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[4]:
        raise InvalidInput(f"Invalid input: ResourceOwner {owner} is not the ARN of an account.")
    return parts[4]


def _deciding(decision: Decision) -> tuple[MatchedStatement, ...]:
    """The statements AWS names in MatchedStatements: after an explicit deny, the deny statements
    only ("the deny statement is the only entry included in the result").
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html"""
    if decision.outcome is Outcome.EXPLICIT_DENY:
        return tuple(s for s in decision.matched if s.effect is Effect.DENY)
    return decision.matched


def _page(results: list[dict[str, Any]], params: Mapping[str, Any]) -> dict[str, Any]:
    chunk, following = computed_page(results, params)
    out: dict[str, Any] = {"EvaluationResults": list(chunk), "IsTruncated": following is not None}
    if following:
        out["Marker"] = following
    return out


def _simulate(
    call: Call,
    params: Mapping[str, Any],
    identity: list[_Source],
    boundary: list[_Source],
    caller_arn: str,
    principal_arn: str | None = None,
) -> dict[str, Any]:
    identity_policies = [_parse(s, PolicyKind.IDENTITY) for s in identity]
    boundary_policies = [_parse(s, PolicyKind.PERMISSIONS_BOUNDARY) for s in boundary]
    resource_source = (
        _Source("ResourcePolicy", "resource", params["ResourcePolicy"]) if params.get("ResourcePolicy") else None
    )
    resource_policy = _parse(resource_source, PolicyKind.RESOURCE) if resource_source else None
    boundary_policy = boundary_policies[0] if boundary_policies else None
    compiled = compile_policy_set(
        PolicySet(identity=tuple(identity_policies), permissions_boundary=boundary_policy, resource=resource_policy)
    )
    context = _context(params.get("ContextEntries") or ())
    if principal_arn and "aws:principalarn" not in {key.lower() for key in context}:
        context["aws:PrincipalArn"] = principal_arn
    resource_account = _resource_account(params["ResourceOwner"]) if params.get("ResourceOwner") else None
    results: list[dict[str, Any]] = []
    for action in params["ActionNames"]:
        for resource in params.get("ResourceArns") or ["*"]:
            request_dict: dict[str, Any] = {
                "principal": caller_arn,
                "action": action,
                "resource": resource,
                "context": context,
            }
            if resource_account:
                request_dict["resource_account"] = resource_account
            try:
                request = Request.from_dict(request_dict, now=call.now)
            except PolicyError as error:
                raise InvalidInput(str(error)) from None
            decision = decide(request, compiled, explain=True)
            matched = []
            for statement in _deciding(decision):
                if statement.policy_type == "identity":
                    source, policy = identity[statement.policy_index], identity_policies[statement.policy_index]
                elif statement.policy_type == "permissions_boundary" and boundary_policy is not None:
                    source, policy = boundary[0], boundary_policy
                elif statement.policy_type == "resource" and resource_source and resource_policy:
                    source, policy = resource_source, resource_policy
                else:
                    continue
                matched.append(_position(source, policy, statement.statement_index))
            result: dict[str, Any] = {
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": decision.outcome.value,
                "MatchedStatements": matched,
                "MissingContextValues": list(decision.missing_context_values),
            }
            details = decision.details or {}
            if boundary_policy is not None:
                result["PermissionsBoundaryDecisionDetail"] = {
                    "AllowedByPermissionsBoundary": details.get("permissions_boundary") == "allowed"
                }
            if resource_policy is not None:
                result["EvalDecisionDetails"] = {
                    "IAM Policy": details.get("identity") or "implicitDeny",
                    "Resource Policy": details.get("resource") or "implicitDeny",
                }
            results.append(result)
    return _page(results, params)


def _input_sources(params: Mapping[str, Any], member: str, prefix: str) -> list[_Source]:
    return [_Source(f"{prefix}{i + 1}", "IAM Policy", text) for i, text in enumerate(params.get(member) or ())]


def simulate_principal_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    kind, name, entity = _principal_of(call, params["PolicySourceArn"], "iam:SimulatePrincipalPolicy")
    identity = _identity_sources(call, kind, name) + _input_sources(params, "PolicyInputList", "PolicyInputList.")
    boundary = _input_sources(params, "PermissionsBoundaryPolicyInputList", "PermissionsBoundaryPolicyInputList.")
    boundary_arn = getattr(entity, "permissions_boundary_arn", None)
    if not boundary and boundary_arn:
        text = managed_policy_document(call.tx, call.account_id, boundary_arn, call.partition)
        if text is not None:
            boundary = [_Source(boundary_arn.rsplit("/", 1)[-1], "IAM Policy", text)]
    if params.get("CallerArn") or kind is PrincipalKind.USER:
        return _simulate(call, params, identity, boundary, _caller(params, entity.arn))
    if params.get("ResourcePolicy"):
        raise InvalidInput(
            "Invalid input: CallerArn is required when ResourcePolicy is given and PolicySourceArn is not a user."
        )
    if kind is PrincipalKind.ROLE:  # the role's policies act through a session of the role
        session = f"arn:{call.partition}:sts::{call.account_id}:assumed-role/{entity.name}/SimulatedSession"
        return _simulate(call, params, identity, boundary, session, principal_arn=entity.arn)
    return _simulate(call, params, identity, boundary, call.iam_arn("user", "/", "SimulatedUser"))


def simulate_custom_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:SimulateCustomPolicy", "*")
    identity = _input_sources(params, "PolicyInputList", "PolicyInputList.")
    boundary = _input_sources(params, "PermissionsBoundaryPolicyInputList", "PermissionsBoundaryPolicyInputList.")
    if params.get("ResourcePolicy") and not params.get("CallerArn"):
        raise InvalidInput("Invalid input: CallerArn is required when ResourcePolicy is given.")
    # With no CallerArn the simulated caller is an IAM user of this account (not the root user,
    # whom identity policies would not limit).
    return _simulate(call, params, identity, boundary, _caller(params, call.iam_arn("user", "/", "SimulatedUser")))


def _variables(policy: Policy, texts: Sequence[str]) -> list[str]:
    """The context keys that policy variables in `texts` name (`${aws:username}` -> aws:username)."""
    templates = (compile_template(text, variables_enabled=policy.variables_enabled) for text in texts)
    return [seg.text for template in templates for seg in template.segments if seg.kind is SegmentKind.VARIABLE]


def _context_keys(sources: Sequence[_Source]) -> list[str]:
    """Every context key the policies reference: the keys their conditions test and the keys their
    policy variables name, in the order they appear. AWS's example lists `aws:username` from a
    Resource `${aws:username}` before the condition's `aws:CurrentTime`.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/iam_example_iam_GetContextKeysForCustomPolicy_section.html
    """
    seen: dict[str, str] = {}
    for source in sources:
        policy = _parse(source, PolicyKind.IDENTITY)
        for statement in policy.statements:
            keys = _variables(policy, (statement.resources or ()) + (statement.not_resources or ()))
            for clause in statement.conditions:
                keys += [clause.key, *_variables(policy, clause.values)]
            for key in keys:
                seen.setdefault(key.lower(), key)
    return list(seen.values())


def get_context_keys_for_principal_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    arn = params["PolicySourceArn"]
    kind, name, _ = _principal_of(call, arn, "iam:GetContextKeysForPrincipalPolicy")
    sources = _identity_sources(call, kind, name) + _input_sources(params, "PolicyInputList", "")
    return {"ContextKeyNames": _context_keys(sources)}


def get_context_keys_for_custom_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetContextKeysForCustomPolicy", "*")
    return {"ContextKeyNames": _context_keys(_input_sources(params, "PolicyInputList", ""))}


HANDLERS: dict[str, Handler] = {
    "SimulatePrincipalPolicy": simulate_principal_policy,
    "SimulateCustomPolicy": simulate_custom_policy,
    "GetContextKeysForPrincipalPolicy": get_context_keys_for_principal_policy,
    "GetContextKeysForCustomPolicy": get_context_keys_for_custom_policy,
}
