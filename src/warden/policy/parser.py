"""Policy documents -> `Policy` ASTs, following AWS's grammar and AWS's error messages.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
SCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
RCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html

`parse_policy` raises only `MalformedPolicyDocument`, whatever it is given: the engine must never
fail open on a document it does not fully understand. Messages are the texts IAM returns where IAM
has one; otherwise one plain sentence naming the field and the value.

Choices where AWS documents nothing: element names are case-sensitive (as in the grammar);
duplicate JSON keys are rejected (see `jsontext`); an empty `Statement` list is rejected;
an empty condition value list is accepted (the validator flags it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from . import limits
from .ast import ConditionClause, Effect, Policy, PolicyKind, Position, PrincipalSpec, Statement
from .errors import MalformedPolicyDocument
from .jsontext import JsonSyntaxError, ParsedJson, from_python, join_path, parse_json

__all__ = ["ParseOutcome", "PolicyRejected", "parse_policy", "parse_policy_collecting"]

SYNTAX_ERRORS = "Syntax errors in policy."
LEGACY_PARSING = "The policy failed legacy parsing"
NO_PRINCIPAL = "Policy document should not specify a principal."
NEEDS_ACTIONS = "Policy statement must contain actions."
NEEDS_RESOURCES = "Policy statement must contain resources."
NEEDS_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
VENDOR_WILDCARD = "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards"
SID_CHARACTERS = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
RESOURCE_VENDOR = "Resource vendor must be fully qualified and cannot contain regexes."
INVALID_PRINCIPAL = "Invalid principal in policy"

PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
_IAM_KINDS = frozenset({PolicyKind.IDENTITY, PolicyKind.PERMISSIONS_BOUNDARY, PolicyKind.SESSION})
_SID = re.compile(r"[0-9A-Za-z]*")
_VENDOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_ACTION_NAME = re.compile(r"[A-Za-z0-9_*?-]+")
_ACCOUNT = re.compile(r"[0-9]{12}")
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{15,127}")
_IAM_ARN = re.compile(r"arn:[a-z0-9-]+:(?:iam|sts)::(?:[0-9]{12}|aws|cloudfront)?:[^*?]+")
_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")
_CANONICAL_USER = re.compile(r"[0-9a-fA-F]{64}")

SizeLimitChoice = limits.SizeLimit | None | Literal["default"]


class PolicyRejected(MalformedPolicyDocument):
    """A `MalformedPolicyDocument` that also carries a stable `code` naming the rule it broke."""

    def __init__(self, code: str, message: str, position: Position | None = None) -> None:
        super().__init__(message, position)
        self.code = code


def parse_policy(
    document: str | bytes | Mapping[str, Any],
    kind: PolicyKind,
    *,
    size_limit: SizeLimitChoice = "default",
) -> Policy:
    """Parse and check one policy document of `kind`; raise `MalformedPolicyDocument` if AWS would reject it.

    `size_limit` is the quota to enforce: "default" picks the kind's (`limits.DEFAULT_LIMITS`),
    None enforces only the engine's hard cap.
    """
    parsed = _load(document, kind, size_limit)
    policy = _Builder(kind, parsed, collect=None).policy()
    assert policy is not None  # without collection, failures raise
    return policy


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """What `parse_policy_collecting` found: the policy (None when rejected), every error, and the JSON read."""

    policy: Policy | None
    errors: tuple[PolicyRejected, ...]
    source: ParsedJson | None


def parse_policy_collecting(
    document: object, kind: PolicyKind, *, size_limit: SizeLimitChoice = "default"
) -> ParseOutcome:
    """Parse like `parse_policy` but gather one error per broken statement instead of stopping.

    Never raises: the validator uses it to report every broken statement at once.
    """
    errors: list[PolicyRejected] = []
    try:
        parsed = _load(document, kind, size_limit)
    except PolicyRejected as exc:
        return ParseOutcome(None, (exc,), None)
    try:
        policy = _Builder(kind, parsed, collect=errors).policy()
    except PolicyRejected as exc:
        errors.append(exc)
        policy = None
    return ParseOutcome(policy if not errors else None, tuple(errors), parsed)


def _load(document: object, kind: PolicyKind, size_limit: SizeLimitChoice) -> ParsedJson:
    """Turn any input into checked JSON data: decode, apply quotas and IAM's character set."""
    quota = limits.limit_for(kind) if size_limit == "default" else size_limit
    root = Position("")
    if isinstance(document, (bytes, bytearray)):
        try:
            document = bytes(document).decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyRejected("SYNTAX", SYNTAX_ERRORS, root) from None
    if isinstance(document, str):
        text = document
    elif isinstance(document, Mapping):
        try:
            value = from_python(document)
        except JsonSyntaxError:
            raise PolicyRejected("SYNTAX", SYNTAX_ERRORS, root) from None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        raise PolicyRejected("SYNTAX", SYNTAX_ERRORS, root)
    if len(text) > limits.MAX_DOCUMENT_CHARACTERS:
        message = quota.message if quota is not None else "Policy document is too large to read."
        raise PolicyRejected("SIZE", message, root)
    if quota is not None and quota.exceeded_by(text):
        raise PolicyRejected("SIZE", quota.message, root)
    if kind in limits.IAM_CHARACTER_KINDS and not limits.IAM_POLICY_CHARACTERS.fullmatch(text):
        raise PolicyRejected("CHARACTERS", limits.IAM_CHARACTER_MESSAGE, root)
    if not isinstance(document, str):
        return ParsedJson(value)
    try:
        return parse_json(text)
    except JsonSyntaxError as exc:
        raise PolicyRejected("SYNTAX", SYNTAX_ERRORS, Position("", exc.line, exc.column)) from None


class _Builder:
    """Walks checked JSON data of one document; every rejection names the rule and the position."""

    def __init__(self, kind: PolicyKind, parsed: ParsedJson, collect: list[PolicyRejected] | None) -> None:
        self.kind = kind
        self.parsed = parsed
        self.collect = collect

    def at(self, path: str) -> Position:
        where = self.parsed.positions.get(path)
        return Position(path) if where is None else Position(path, where[0], where[1])

    def reject(self, code: str, message: str, path: str) -> PolicyRejected:
        return PolicyRejected(code, message, self.at(path))

    def policy(self) -> Policy | None:
        document = self.parsed.value
        if not isinstance(document, dict):
            raise self.reject("SYNTAX", SYNTAX_ERRORS, "")
        if self.parsed.duplicate_keys:
            path = self.parsed.duplicate_keys[0]
            raise self.reject("DUPLICATE_KEY", SYNTAX_ERRORS, path)
        for key in document:
            if key not in ("Version", "Id", "Statement"):
                raise self.reject("UNKNOWN_FIELD", f"Unknown field {key}", key)
        version = document.get("Version")
        if "Version" in document and version not in ("2012-10-17", "2008-10-17"):
            raise self.reject("VERSION", LEGACY_PARSING, "Version")
        policy_id = document.get("Id")
        if "Id" in document and not isinstance(policy_id, str):
            raise self.reject("SYNTAX", SYNTAX_ERRORS, "Id")
        if "Statement" not in document:
            raise self.reject("MISSING_FIELD", "Missing required field Statement", "")
        raw = document["Statement"]
        if isinstance(raw, dict):
            items = [("Statement", raw)]
        elif isinstance(raw, list) and raw:
            items = [(join_path("Statement", i), item) for i, item in enumerate(raw)]
        else:
            raise self.reject("SYNTAX", SYNTAX_ERRORS, "Statement")
        statements = []
        for index, (path, item) in enumerate(items):
            try:
                statements.append(self.statement(index, path, item))
            except PolicyRejected as exc:
                if self.collect is None:
                    raise
                self.collect.append(exc)
        self.check_sids(items)
        if self.collect:
            return None
        return Policy(version, policy_id, tuple(statements), self.kind, self.at(""))

    def check_sids(self, items: list[tuple[str, Any]]) -> None:
        """IAM and Organizations require distinct Sids; resource policies are left to their service."""
        if self.kind is PolicyKind.RESOURCE:
            return
        seen: set[str] = set()
        for path, item in items:
            sid = item.get("Sid") if isinstance(item, dict) else None
            if isinstance(sid, str) and sid:
                if sid in seen:
                    error = self.reject("DUPLICATE_SID", SID_UNIQUE, join_path(path, "Sid"))
                    if self.collect is None:
                        raise error
                    self.collect.append(error)
                    return
                seen.add(sid)

    def statement(self, index: int, path: str, raw: Any) -> Statement:
        if not isinstance(raw, dict):
            raise self.reject("SYNTAX", SYNTAX_ERRORS, path)
        for key in raw:
            if key not in STATEMENT_FIELDS:
                raise self.reject("UNKNOWN_FIELD", f"Unknown field {key}", join_path(path, key))
        sid = self.sid(raw, path)
        effect = self.effect(raw, path)
        principal, not_principal = self.principals(raw, path)
        actions, not_actions = self.action_pair(raw, path)
        resources, not_resources = self.resource_pair(raw, path)
        conditions = self.conditions(raw.get("Condition"), join_path(path, "Condition"), "Condition" in raw)
        return Statement(
            index, sid, effect, principal, not_principal, actions, not_actions, resources, not_resources,
            conditions, self.at(path),
        )  # fmt: skip

    def sid(self, raw: dict[str, Any], path: str) -> str | None:
        if "Sid" not in raw:
            return None
        sid, where = raw["Sid"], join_path(path, "Sid")
        if not isinstance(sid, str):
            raise self.reject("SYNTAX", SYNTAX_ERRORS, where)
        if self.kind is not PolicyKind.RESOURCE and not _SID.fullmatch(sid):
            raise self.reject("SID_CHARACTERS", SID_CHARACTERS, where)
        return sid

    def effect(self, raw: dict[str, Any], path: str) -> Effect:
        if "Effect" not in raw:
            raise self.reject("MISSING_FIELD", "Missing required field Effect", path)
        value = raw["Effect"]
        if value == "Allow":
            return Effect.ALLOW
        if value == "Deny":
            return Effect.DENY
        message = f"Invalid effect: {value}" if self.kind is PolicyKind.RESOURCE else LEGACY_PARSING
        raise self.reject("EFFECT", message, join_path(path, "Effect"))

    def principals(self, raw: dict[str, Any], path: str) -> tuple[PrincipalSpec | None, PrincipalSpec | None]:
        present = [name for name in ("Principal", "NotPrincipal") if name in raw]
        if present and self.kind in _IAM_KINDS:
            raise self.reject("PRINCIPAL_PROHIBITED", NO_PRINCIPAL, join_path(path, present[0]))
        if present and self.kind is PolicyKind.SCP:
            name = present[0]
            raise self.reject("PRINCIPAL_PROHIBITED", f"Has prohibited field {name}", join_path(path, name))
        if self.kind is PolicyKind.RCP and "NotPrincipal" in raw:
            raise self.reject(
                "PRINCIPAL_PROHIBITED", "Has prohibited field NotPrincipal", join_path(path, "NotPrincipal")
            )
        if len(present) == 2:
            raise self.reject(
                "EXCLUSIVE_FIELDS", "A statement cannot contain both Principal and NotPrincipal.", path
            )
        if not present:
            if self.kind in (PolicyKind.RESOURCE, PolicyKind.TRUST, PolicyKind.RCP):
                raise self.reject("MISSING_FIELD", "Missing required field Principal", path)
            return None, None
        name = present[0]
        spec = self.principal(raw[name], join_path(path, name))
        if self.kind is PolicyKind.RCP and not spec.wildcard:
            raise self.reject(
                "RCP_PRINCIPAL", f'{INVALID_PRINCIPAL}: a resource control policy must use "Principal": "*".',
                join_path(path, name),
            )  # fmt: skip
        return (spec, None) if name == "Principal" else (None, spec)

    def principal(self, value: Any, path: str) -> PrincipalSpec:
        if value == "*":
            return PrincipalSpec(True, (), self.at(path))
        if not isinstance(value, dict) or not value:
            raise self.reject("PRINCIPAL", INVALID_PRINCIPAL, path)
        entries = []
        for principal_type, raw in value.items():
            where = join_path(path, principal_type)
            if principal_type not in PRINCIPAL_TYPES:
                raise self.reject("PRINCIPAL", INVALID_PRINCIPAL, where)
            values = self.strings(raw, where)
            if not values:
                raise self.reject("PRINCIPAL", INVALID_PRINCIPAL, where)
            for item in values:
                if not _valid_principal(principal_type, item):
                    raise self.reject("PRINCIPAL", f'{INVALID_PRINCIPAL}: "{principal_type}":"{item}"', where)
            entries.append((principal_type, values))
        return PrincipalSpec(False, tuple(entries), self.at(path))

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        """A string or a list of strings, as every list-valued element allows."""
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise self.reject("SYNTAX", SYNTAX_ERRORS, path)

    def action_pair(
        self, raw: dict[str, Any], path: str
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        present = [name for name in ("Action", "NotAction") if name in raw]
        if len(present) == 2:
            raise self.reject(
                "EXCLUSIVE_FIELDS", "A statement cannot contain both Action and NotAction.", path
            )
        if not present:
            raise self.reject("MISSING_FIELD", NEEDS_ACTIONS, path)
        where = join_path(path, present[0])
        values = self.strings(raw[present[0]], where)
        if not values:
            raise self.reject("MISSING_FIELD", NEEDS_ACTIONS, where)
        for i, value in enumerate(values):
            self.check_action(value, join_path(where, i) if isinstance(raw[present[0]], list) else where)
        return (values, None) if present[0] == "Action" else (None, values)

    def check_action(self, action: str, path: str) -> None:
        if action == "*":
            return
        if ":" not in action:
            raise self.reject("ACTION", NEEDS_VENDOR, path)
        if action.count(":") > 1:
            raise self.reject("ACTION", ONE_COLON, path)
        vendor, name = action.split(":")
        if "*" in vendor or "?" in vendor:
            raise self.reject("ACTION", VENDOR_WILDCARD, path)
        if not _VENDOR.fullmatch(vendor):
            raise self.reject("ACTION", f'Action "{action}" has an invalid service prefix "{vendor}".', path)
        if not _ACTION_NAME.fullmatch(name):
            raise self.reject("ACTION", f'Action "{action}" has an invalid action name "{name}".', path)

    def resource_pair(
        self, raw: dict[str, Any], path: str
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        present = [name for name in ("Resource", "NotResource") if name in raw]
        if self.kind is PolicyKind.TRUST:
            if present:
                raise self.reject(
                    "RESOURCE_PROHIBITED", f"Has prohibited field {present[0]}", join_path(path, present[0])
                )
            return None, None
        if len(present) == 2:
            raise self.reject(
                "EXCLUSIVE_FIELDS", "A statement cannot contain both Resource and NotResource.", path
            )
        if not present:
            raise self.reject("MISSING_FIELD", NEEDS_RESOURCES, path)
        where = join_path(path, present[0])
        values = self.strings(raw[present[0]], where)
        if not values:
            raise self.reject("MISSING_FIELD", NEEDS_RESOURCES, where)
        for i, value in enumerate(values):
            self.check_resource(value, join_path(where, i) if isinstance(raw[present[0]], list) else where)
        return (values, None) if present[0] == "Resource" else (None, values)

    def check_resource(self, resource: str, path: str) -> None:
        if resource == "*":
            return
        parts = resource.split(":", 5)
        if len(parts) < 6 or parts[0] != "arn":
            raise self.reject("RESOURCE", f'Resource {resource} must be in ARN format or "*".', path)
        partition, service = parts[1], parts[2]
        if not service or "*" in service or "?" in service:
            raise self.reject("RESOURCE", RESOURCE_VENDOR, path)
        if partition not in PARTITIONS and not any(mark in partition for mark in ("*", "?", "${")):
            raise self.reject(
                "RESOURCE", f'Partition "{partition}" is not valid for resource "{resource}".', path
            )

    def conditions(self, block: Any, path: str, present: bool) -> tuple[ConditionClause, ...]:
        if not present:
            return ()
        if not isinstance(block, dict):
            raise self.reject("SYNTAX", SYNTAX_ERRORS, path)
        clauses = []
        for operator, keys in block.items():
            where = join_path(path, operator)
            if not _known_operator(operator):
                raise self.reject("CONDITION_OPERATOR", f"Invalid Condition type : {operator}", where)
            if not isinstance(keys, dict):
                raise self.reject("SYNTAX", SYNTAX_ERRORS, where)
            for key, raw in keys.items():
                key_path = join_path(where, key)
                vendor, colon, _ = key.split("/", 1)[0].partition(":")
                if not colon or not vendor:
                    raise self.reject("CONDITION_KEY", NEEDS_VENDOR, key_path)
                clauses.append(
                    ConditionClause(operator, key, self.condition_values(raw, key_path), self.at(key_path))
                )
        return tuple(clauses)

    def condition_values(self, raw: Any, path: str) -> tuple[str, ...]:
        if isinstance(raw, list):
            return tuple(self.scalar(item, join_path(path, i)) for i, item in enumerate(raw))
        return (self.scalar(raw, path),)

    def scalar(self, value: Any, path: str) -> str:
        """Condition values compare as strings: booleans become true/false, numbers their JSON text."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return self.parsed.number_texts.get(path) or (
                str(value) if isinstance(value, int) else repr(value)
            )
        raise self.reject("SYNTAX", SYNTAX_ERRORS, path)


def _known_operator(name: str) -> bool:
    """Ask the conditions registry; imported here so this module loads on its own.

    Without a registry nothing is known, so conditions are rejected rather than trusted.
    """
    try:
        from .conditions import is_known_operator
    except ImportError:
        return False

    return bool(is_known_operator(name))


def _valid_principal(principal_type: str, value: str) -> bool:
    """The shapes AWS accepts per principal type; wildcards only as the whole value "*"."""
    if value == "*":
        return principal_type in ("AWS", "Service", "Federated")
    if principal_type == "AWS":
        return bool(_ACCOUNT.fullmatch(value) or _IAM_ARN.fullmatch(value) or _UNIQUE_ID.fullmatch(value))
    if principal_type == "CanonicalUser":
        return bool(_CANONICAL_USER.fullmatch(value))
    if principal_type == "Federated" and value.startswith("arn:"):
        return bool(_IAM_ARN.fullmatch(value))
    return bool(_DOMAIN.fullmatch(value))
