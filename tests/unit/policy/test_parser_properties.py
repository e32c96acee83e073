"""Properties: parse_policy only ever raises MalformedPolicyDocument; validate_policy never raises."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from warden.policy.ast import PolicyKind
from warden.policy.errors import MalformedPolicyDocument
from warden.policy.parser import parse_policy
from warden.policy.validate import Severity, validate_policy

KINDS = st.sampled_from(list(PolicyKind))

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["*", "Allow", "Deny", "s3:GetObject", "arn:aws:s3:::b/*", "2012-10-17", "aws:SourceIp", ""]
    )
    | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["Statement", "Effect", "Action", "Resource", "Principal", "Condition", "Sid", "AWS"]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=25,
)

VALID = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "One",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ec2.amazonaws.com"},
            "Action": ["s3:GetObject", "s3:List*"],
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {
                "StringEquals": {"aws:PrincipalTag/team": ["a", "b"]},
                "NumericLessThan": {"s3:max-keys": 10},
                "Bool": {"aws:SecureTransport": True},
            },
        },
        {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "NotAction": "iam:*", "NotResource": "*"},
    ],
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated_policies(draw: st.DrawFn) -> Any:
    """The valid policy above with one to three nodes replaced, deleted or renamed."""
    document = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        if not path:
            return draw(json_values)
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "rename"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = parent.pop(path[-1])
    return document


def _parse_only_malformed(document: Any, kind: PolicyKind) -> None:
    try:
        parse_policy(document, kind)
    except MalformedPolicyDocument as error:
        assert error.message and error.position is not None
    findings = validate_policy(document, kind)
    assert all(isinstance(finding.severity, Severity) for finding in findings)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=100), KINDS)
def test_arbitrary_text(text: str | bytes, kind: PolicyKind) -> None:
    _parse_only_malformed(text, kind)


@settings(max_examples=300, deadline=None)
@given(json_values, KINDS, st.booleans())
def test_arbitrary_json_values(value: Any, kind: PolicyKind, as_text: bool) -> None:
    _parse_only_malformed(json.dumps(value) if as_text else value, kind)


@settings(max_examples=400, deadline=None)
@given(mutated_policies(), KINDS, st.booleans())
def test_mutated_valid_policies(document: Any, kind: PolicyKind, as_text: bool) -> None:
    _parse_only_malformed(json.dumps(document, indent=1) if as_text else document, kind)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet='{}[]":,0123456789.eE+-tfrulnasx \n\\', max_size=300), KINDS)
def test_json_shaped_noise(text: str, kind: PolicyKind) -> None:
    _parse_only_malformed(text, kind)


def test_the_seed_policy_is_valid() -> None:
    assert parse_policy(VALID, PolicyKind.RESOURCE).statements
    assert not [f for f in validate_policy(VALID, PolicyKind.RESOURCE) if f.severity is Severity.ERROR]
