"""Hypothesis strategies for operation input, read from botocore input shapes.

`shape_values(name, shape)` draws values the shape admits (lengths, ranges, patterns, enums), with
member names that mean something in IAM (user names, policy ARNs, documents) drawn mostly from the
entities the fuzz fixture created, so handlers get past their lookups. `hostile_values(...)` draws
the same and then breaks it: a required member missing, an unknown member, an over-long or oddly
encoded string, an integer out of range, a malformed policy document, a bad ARN, a duplicated
list entry. Types stay what the shape says (the wire mutations in fuzz_wire break those).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from warden.protocol.patterns import compile_model_pattern

__all__ = ["ACCOUNT_ID", "ENTITIES", "hostile_values", "policy_documents", "shape_values"]

ACCOUNT_ID = "111122223333"
_IAM = f"arn:aws:iam::{ACCOUNT_ID}"
# What the fuzz fixture creates before any example runs (see test_fuzz_operations.entities).
ENTITIES = {
    "users": ("fuzz-ana", "fuzz-ben"),
    "groups": ("fuzz-devs",),
    "roles": ("fuzz-role",),
    "policies": ("fuzz-policy",),
    "instance_profiles": ("fuzz-profile",),
    "mfa": ("fuzz-mfa",),
}
_POLICY_ARNS = (
    f"{_IAM}:policy/fuzz-policy",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    f"{_IAM}:policy/does-not-exist",
)
_PRINCIPAL_ARNS = (
    f"{_IAM}:user/fuzz-ana",
    f"{_IAM}:group/fuzz-devs",
    f"{_IAM}:role/fuzz-role",
    f"{_IAM}:root",
    f"{_IAM}:user/nobody-here",
)
BAD_ARNS = (
    "arn",
    "arn:aws",
    "arn:aws:iam::",
    "arn:aws:iam:::user/x",
    "arn:aws:iam::11112222333:user/x",
    f"{_IAM}:",
    f"{_IAM}:policy/",
    f"{_IAM}:user",
    f"{_IAM}:mfa/",
    "arn:aws:iam::aws:policy/",
    "arn:aws:s3:::bucket/key",
    "arn:aws-cn:iam::111122223333:policy/x",
    "arn:nope:iam::111122223333:role/x",
    f"{_IAM}:user/a/../b",
    f"{_IAM}:role/" + "r" * 3000,
    "arn:aws:iam::111122223333:policy/p\u0000",
    "arn:aws:iam::*:role/*",
    "*",
    "arn:::::",
    ":::::::::::",
)
ODD_STRINGS = (
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\t\n\r",
    "\ufeffname",
    "\u202eevil",
    "e\u0301",
    "\U0001f600",
    "\uffff",
    "\ud800",
    "\udcff",
    "名前",
    "Ａ",
    "<x>&amp;</x>",
    "]]>",
    "%00",
    "%zz",
    "&Action=DeleteUser",
    "${aws:username}",
    "'\"",
    "\\u0000",
    "-1",
    "1e309",
    "NaN",
    "null",
    "v0",
    "v99999999999999999999",
)
_ACTIONS = ("iam:*", "iam:Get*", "iam:CreateUser", "s3:GetObject", "sts:AssumeRole", "*", "ec2:Describe*")
_RESOURCES = ("*", f"{_IAM}:user/*", f"{_IAM}:role/fuzz-role", "arn:aws:s3:::bucket/*")
_CONDITIONS = (
    {"StringEquals": {"aws:username": "fuzz-ana"}},
    {"StringLike": {"aws:PrincipalTag/team": ["a*", "b?"]}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}},
    {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"ArnLike": {"aws:PrincipalArn": f"{_IAM}:role/*"}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
    {"Null": {"aws:TokenIssueTime": "false"}},
    {"StringEqualsIfExists": {"sts:ExternalId": "${aws:username}"}},
)
_PRINCIPALS = (
    {"AWS": f"{_IAM}:root"},
    {"AWS": ["*", ACCOUNT_ID]},
    {"Service": "ec2.amazonaws.com"},
    "*",
)
MALFORMED_DOCUMENTS = (
    "",
    "{",
    "not json",
    "[]",
    "null",
    "42",
    '"text"',
    "{}",
    '{"Version": "2012-10-17"}',
    '{"Version": "2012-10-17", "Statement": []}',
    '{"Version": "2012-10-17", "Statement": "x"}',
    '{"Version": "2012-10-17", "Statement": [null]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": 7, "Resource": "*"}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": []}]}',
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:::"}]}',
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
    ' "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "1e999"}}}}'),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
    ' "Condition": {"NumericEquals": {"k": NaN}}}}'),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
    ' "Condition": {"DateLessThan": {"aws:CurrentTime": "99999-99-99"}}}}'),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
    ' "Condition": {"IpAddress": {"aws:SourceIp": "300.1.2.3/99"}}}}'),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
    ' "Condition": {"StringEquals": {"k": {"nested": "object"}}}}}}'),
    ('{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*",'
    ' "Resource": "*"}}'),
    '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}} trailing',
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::x"},'
    ' "Action": "sts:AssumeRole"}}'),
    ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": []},'
    ' "Action": "sts:AssumeRole"}}'),
    '{"Version": "1.0", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}',
    ('{"Statement": {"Effect": "Allow", "Action": "iam:Get*?**", "Resource": "${aws:'
    'username", "Sid": "\\u0000"}}'),
    '\ufeff{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}',
    "[" * 50_000 + "]" * 50_000,
    '{"a":' * 20_000 + "1" + "}" * 20_000,
    '{"Version": "2012-10-17", "Statement": [' + ",".join(['{"Effect": "Deny", "Action": "*", "Resource": "*"}'] * 3000) + "]}",
)


def _arn_text() -> st.SearchStrategy[str]:
    return st.sampled_from(_POLICY_ARNS + _PRINCIPAL_ARNS)


@cache
def policy_documents(trust: bool = False) -> st.SearchStrategy[str]:
    """Well-formed identity (or trust) policy documents, as JSON text."""
    actions = st.one_of(st.sampled_from(_ACTIONS), st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3))
    resources = st.one_of(st.sampled_from(_RESOURCES), st.lists(st.sampled_from(_RESOURCES), min_size=1, max_size=2))
    members: dict[str, st.SearchStrategy[Any]] = {
        "Effect": st.sampled_from(("Allow", "Deny")),
        "Action": actions,
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "Sid": st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True),
        "Condition": st.sampled_from(_CONDITIONS),
    }
    if trust:
        members["Principal"] = st.sampled_from(_PRINCIPALS)
        members["Action"] = st.sampled_from(("sts:AssumeRole", "sts:TagSession", ["sts:AssumeRole", "sts:SetSourceIdentity"]))
    else:
        members["Resource"] = resources
    statement = st.fixed_dictionaries(members, optional=optional)
    document = st.fixed_dictionaries(
        {"Statement": st.one_of(statement, st.lists(statement, min_size=1, max_size=3))},
        optional={"Version": st.sampled_from(("2012-10-17", "2008-10-17")), "Id": st.just("fuzz")},
    )
    return document.map(lambda d: json.dumps(d, indent=_indent(d)))


def _indent(document: dict[str, Any]) -> int | None:
    """Some documents pretty-printed, as people paste them; chosen by content, so reproducible."""
    return 2 if len(json.dumps(document)) % 3 == 0 else None


_MEANINGFUL: dict[str, st.SearchStrategy[Any]] = {
    "UserName": st.sampled_from(ENTITIES["users"] + ("fuzz-new",)),
    "NewUserName": st.sampled_from(("fuzz-renamed", "fuzz-ben")),
    "GroupName": st.sampled_from(ENTITIES["groups"] + ("fuzz-ops",)),
    "NewGroupName": st.sampled_from(("fuzz-ops2",)),
    "RoleName": st.sampled_from(ENTITIES["roles"] + ("fuzz-role2",)),
    "PolicyName": st.sampled_from(ENTITIES["policies"] + ("inline",)),
    "InstanceProfileName": st.sampled_from(ENTITIES["instance_profiles"]),
    "VirtualMFADeviceName": st.sampled_from(("fuzz-mfa2",)),
    "SerialNumber": st.sampled_from((f"{_IAM}:mfa/fuzz-mfa", f"{_IAM}:mfa/nothing", "GAHT12345678")),
    "PolicyArn": st.sampled_from(_POLICY_ARNS),
    "PermissionsBoundary": st.sampled_from(_POLICY_ARNS),
    "PolicySourceArn": _arn_text(),
    "Arn": _arn_text(),
    "CallerArn": _arn_text(),
    "ResourceArns": st.sampled_from(("*", f"{_IAM}:user/fuzz-ana", "arn:aws:s3:::bucket/key")),
    "ResourceOwner": st.sampled_from((f"{_IAM}:root", "arn:aws:iam::444455556666:root")),
    "RoleArn": st.sampled_from((f"{_IAM}:role/fuzz-role", f"{_IAM}:role/none")),
    "VersionId": st.sampled_from(("v1", "v2", "v3", "v7")),
    "AccessKeyId": st.sampled_from(("AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE")),
    "ActionNames": st.sampled_from(_ACTIONS),
    "ContextKeyName": st.sampled_from(("aws:SourceIp", "aws:username", "aws:CurrentTime", "aws:MultiFactorAuthAge")),
    "ContextKeyValues": st.sampled_from(("10.1.2.3", "fuzz-ana", "2024-01-01T00:00:00Z", "3600", "true", "x")),
    "Password": st.sampled_from(("Correct-Horse-9-battery!", "short")),
    "NewPassword": st.sampled_from(("Another-Horse-8-battery!", "x")),
    "OldPassword": st.sampled_from(("Correct-Horse-9-battery!",)),
    "AuthenticationCode1": st.from_regex(r"\d{6}", fullmatch=True),
    "AuthenticationCode2": st.from_regex(r"\d{6}", fullmatch=True),
    "TokenCode": st.from_regex(r"\d{6}", fullmatch=True),
    "JobId": st.uuids().map(str),
    "AWSServiceName": st.sampled_from(("elasticbeanstalk.amazonaws.com", "autoscaling.amazonaws.com", "x.amazonaws.com")),
    "DeletionTaskId": st.sampled_from(
        (
            ("task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/"
            "a2b3c4d5-0000-4000-8000-000000000000"),
            "task/nonsense",
        )
    ),
    "ServiceNamespace": st.sampled_from(("iam", "s3", "sts")),
}


def _is_document(name: str) -> bool:
    return "Document" in name or name in (
        "Policy",
        "PolicyInputList",
        "PermissionsBoundaryPolicyInputList",
        "ServiceControlPolicyInputList",
        "ResourcePolicy",
    )


def _bounded(text: st.SearchStrategy[str], shape: Shape) -> st.SearchStrategy[str]:
    low = shape.metadata.get("min", 0)
    high = shape.metadata.get("max")
    return text.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))


@cache
def _pattern_text(pattern: str | None, low: int, high: int) -> st.SearchStrategy[str]:
    if pattern is None:
        return st.text(min_size=low, max_size=max(low, min(high, 40)))
    compiled = compile_model_pattern(pattern)
    try:
        found = st.from_regex(compiled, fullmatch=True)
    except Exception:  # noqa: BLE001 - any construct hypothesis cannot generate from: plain text
        found = st.text(min_size=low, max_size=max(low, min(high, 40))).filter(lambda s: compiled.fullmatch(s) is not None)
    return found.filter(lambda s: low <= len(s) <= high)


def _string(name: str, shape: Shape) -> st.SearchStrategy[str]:
    enum = shape.metadata.get("enum")
    if enum:
        return st.sampled_from(enum)
    if _is_document(name):
        return policy_documents(trust="AssumeRole" in name)
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", 64))
    generic = _pattern_text(shape.metadata.get("pattern"), low, high)
    meaningful = _MEANINGFUL.get(name)
    if meaningful is None:
        return generic
    return st.one_of(meaningful, meaningful, meaningful, generic)


def _integer(shape: Shape) -> st.SearchStrategy[int]:
    low = shape.metadata.get("min", 0)
    high = shape.metadata.get("max", max(low, 0) + 100_000)
    return st.integers(low, high)


@cache
def _strategy(name: str, shape: Shape) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        required = set(shape.required_members)
        members = {m: st.deferred(lambda m=m, s=s: _strategy(m, s)) for m, s in shape.members.items()}
        return st.fixed_dictionaries(
            {m: v for m, v in members.items() if m in required},
            optional={m: v for m, v in members.items() if m not in required},
        )
    if kind == "list":
        low = int(shape.metadata.get("min", 0))
        high = int(shape.metadata.get("max", 3))
        return st.lists(st.deferred(lambda: _strategy(name, shape.member)), min_size=low, max_size=max(low, min(high, 3)))
    if kind == "map":
        return st.dictionaries(_strategy(name, shape.key), _strategy(name, shape.value), max_size=3)
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "long"):
        return _integer(shape)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "timestamp":
        return st.datetimes(datetime(2015, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC))
    if kind == "blob":
        return st.binary(max_size=64)
    return _string(name, shape)


def shape_values(name: str, shape: Shape | None) -> st.SearchStrategy[dict[str, Any]]:
    """Input the shape admits; `name` is the operation's (documents of trust policies differ)."""
    if shape is None:
        return st.just({})
    return _strategy(name, shape)


# -- breaking valid input ---------------------------------------------------------------------

def _paths(value: Any, shape: Shape, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str, Shape]]:
    """Every (path, member name, shape) inside `value`; the member name is the last structure key."""
    found: list[tuple[tuple[Any, ...], str, Shape]] = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for member, item in value.items():
            member_shape = shape.members[member]
            found.append(((*path, member), member, member_shape))
            found.extend(_paths(item, member_shape, (*path, member)))
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            found.append(((*path, index), str(path[-1]) if path else "", shape.member))
            found.extend(_paths(item, shape.member, (*path, index)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _hostile_scalar(name: str, shape: Shape) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return st.sampled_from((-1, 0, -(2**31) - 1, 2**31, 2**63, 10**30, shape.metadata.get("max", 10) + 1))
    if kind == "string":
        high = int(shape.metadata.get("max", 256))
        odd = st.sampled_from(ODD_STRINGS)
        long = st.sampled_from((high + 1, high * 4, 200_000)).map(lambda n: "a" * n)
        options = [odd, long, st.text(max_size=30)]
        if _is_document(name):
            options.append(st.sampled_from(MALFORMED_DOCUMENTS))
            options.append(st.sampled_from(MALFORMED_DOCUMENTS))
        if "Arn" in name or name in ("PermissionsBoundary", "SerialNumber", "ResourceOwner"):
            options.append(st.sampled_from(BAD_ARNS))
        return st.one_of(*options)
    if kind == "list":
        return st.just([])
    return st.nothing()


@st.composite
def _broken(draw: st.DrawFn, name: str, shape: Shape) -> dict[str, Any]:
    value: dict[str, Any] = draw(shape_values(name, shape))
    for _ in range(draw(st.integers(1, 3))):
        choice = draw(st.sampled_from(("drop", "scalar", "scalar", "scalar", "duplicate")))
        paths = _paths(value, shape)
        if choice == "drop" and value:
            member = draw(st.sampled_from(sorted(value)))
            value = {k: v for k, v in value.items() if k != member}
        elif choice == "duplicate":
            lists = [path for path, _, _ in paths if isinstance(_get(value, path), list) and _get(value, path)]
            if lists:
                path = draw(st.sampled_from(lists))
                items = _get(value, path)
                value = _replace(value, path, [*items, items[0]])
        elif paths:
            path, member, member_shape = draw(st.sampled_from(paths))
            if member_shape.type_name in ("integer", "long", "string", "list"):
                value = _replace(value, path, draw(_hostile_scalar(member, member_shape)))
    return value


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def hostile_values(name: str, shape: Shape | None) -> st.SearchStrategy[dict[str, Any]]:
    """Input that breaks the shape (or the meaning) in one to three places."""
    if shape is None:
        return st.just({})
    return _broken(name, shape)

