"""The indexed engine against the brute-force reference, on random policy sets and requests.

Any disagreement on the decision (in both explain modes) or on the matched
statements is a bug in the index, the memo or the early exits.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from warden.policy import PolicySet, Request, compile_policy_set, decide, decide_reference
from warden.policy.ast import ConditionClause, Effect, Policy, PolicyKind, Position, PrincipalSpec, Statement

A, B = "111122223333", "444455556666"
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:RunInstances",
    "ec2:DescribeInstances",
    "iam:CreateUser",
    "iam:GetUser",
    "sts:AssumeRole",
    "kms:Decrypt",
    "dynamodb:GetItem",
]
ACTION_PATTERNS = ACTIONS + [
    "s3:*",
    "s3:Get*",
    "ec2:Describe*",
    "*",
    "iam:*User",
    "s3:?utObject",
    "*:Get*",
    "S3:GETOBJECT",
]
RESOURCES = [f"arn:aws:s3:::bucket/{n}" for n in ("a", "b/c")] + [
    f"arn:aws:ec2:us-east-1:{A}:instance/i-1",
    f"arn:aws:iam::{A}:role/admin",
    "*",
    f"arn:aws:kms:us-east-1:{B}:key/k",
]
RESOURCE_PATTERNS = RESOURCES + [
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::*/c",
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:s3:::bucket/${aws:username}",
    "arn:aws:iam::*:role/a?min",
    "arn:aws:kms:*:${aws:PrincipalAccount}:key/*",
]
PRINCIPALS = [
    f"arn:aws:iam::{A}:user/a",
    f"arn:aws:sts::{A}:assumed-role/admin/s",
    f"arn:aws:iam::{A}:root",
    f"arn:aws:iam::{B}:user/b",
    "sns.amazonaws.com",
    f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForX/s",
]
PRINCIPAL_VALUES = [
    A,
    B,
    f"arn:aws:iam::{A}:root",
    f"arn:aws:iam::{A}:user/a",
    f"arn:aws:iam::{A}:role/admin",
    f"arn:aws:sts::{A}:assumed-role/admin/s",
    f"arn:aws:iam::{B}:user/b",
    "*",
]
KEYS = ["aws:SourceVpc", "aws:PrincipalTag/team", "aws:username", "s3:prefix"]
VALUES = ["vpc-1", "dev", "a", "b*", "${aws:username}"]
POS = Position("")

conditions = st.builds(
    lambda op, key, values: ConditionClause(op, key, tuple(values), POS),
    st.sampled_from(
        [
            "StringEquals",
            "StringLike",
            "StringNotEquals",
            "StringEqualsIfExists",
            "ForAnyValue:StringEquals",
            "ForAllValues:StringLike",
        ]
    ),
    st.sampled_from(KEYS),
    st.lists(st.sampled_from(VALUES), min_size=1, max_size=2),
) | st.builds(
    lambda key, v: ConditionClause("Null", key, (v,), POS),
    st.sampled_from(KEYS),
    st.sampled_from(["true", "false"]),
)

principal_specs = st.one_of(
    st.just(PrincipalSpec(True, (), POS)),
    st.builds(
        lambda vals: PrincipalSpec(False, (("AWS", tuple(vals)),), POS),
        st.lists(st.sampled_from(PRINCIPAL_VALUES), min_size=1, max_size=3),
    ),
    st.just(PrincipalSpec(False, (("Service", ("sns.amazonaws.com",)),), POS)),
)


@st.composite
def statements(draw: st.DrawFn, index: int, with_principal: bool) -> Statement:
    actions = tuple(draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3)))
    resources = tuple(draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=3)))
    negate_action, negate_resource = draw(st.booleans()) and draw(st.booleans()), draw(st.integers(0, 5)) == 0
    principal = not_principal = None
    effect = draw(st.sampled_from([Effect.ALLOW, Effect.ALLOW, Effect.DENY]))
    if with_principal:
        spec = draw(principal_specs)
        if effect is Effect.DENY and draw(st.booleans()) and not spec.wildcard:
            not_principal = spec
        else:
            principal = spec
    return Statement(
        index=index,
        sid=draw(st.sampled_from([None, f"S{index}"])),
        effect=effect,
        principal=principal,
        not_principal=not_principal,
        actions=None if negate_action else actions,
        not_actions=actions if negate_action else None,
        resources=None if negate_resource else resources,
        not_resources=resources if negate_resource else None,
        conditions=tuple(draw(st.lists(conditions, max_size=2))),
        position=POS,
    )


@st.composite
def policies(draw: st.DrawFn, kind: PolicyKind) -> Policy:
    with_principal = kind in (PolicyKind.RESOURCE, PolicyKind.TRUST)
    count = draw(st.integers(1, 4))
    return Policy(
        version=draw(st.sampled_from(["2012-10-17", "2012-10-17", None])),
        id=None,
        statements=tuple(draw(statements(i, with_principal)) for i in range(count)),
        kind=kind,
    )


def optional(kind: PolicyKind) -> st.SearchStrategy[Policy | None]:
    return st.none() | policies(kind)


policy_sets = st.builds(
    PolicySet,
    identity=st.lists(policies(PolicyKind.IDENTITY), max_size=3).map(tuple),
    permissions_boundary=optional(PolicyKind.PERMISSIONS_BOUNDARY),
    session=optional(PolicyKind.SESSION),
    resource=optional(PolicyKind.RESOURCE),
    scps=st.lists(st.lists(policies(PolicyKind.SCP), min_size=1, max_size=2).map(tuple), max_size=2).map(
        tuple
    ),
    rcps=st.lists(st.lists(policies(PolicyKind.RCP), max_size=2).map(tuple), max_size=2).map(tuple),
)

requests = st.builds(
    lambda principal, action, resource, ctx: Request.from_dict(
        {"principal": principal, "action": action, "resource": resource, "context": ctx}
    ),
    st.sampled_from(PRINCIPALS),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    st.dictionaries(
        st.sampled_from(KEYS),
        st.sampled_from(["vpc-1", "dev", "a", "bx"])
        | st.lists(st.sampled_from(["dev", "a", "bx"]), max_size=2),
        max_size=3,
    ),
)


@settings(max_examples=400, deadline=None)
@given(policy_sets, st.lists(requests, min_size=1, max_size=4))
def test_indexed_engine_agrees_with_reference(policy_set: PolicySet, batch: list[Request]) -> None:
    compiled = compile_policy_set(policy_set)
    for request in batch:  # several requests per set also exercise the per-action memo
        expected = decide_reference(request, policy_set)
        full = decide(request, compiled, explain=True)
        fast = decide(request, compiled, explain=False)
        assert full.outcome == expected.outcome, (full.reason, expected.reason)
        assert fast.outcome == expected.outcome, fast.reason
        assert full.matched == expected.matched
        assert full.missing_context_values == expected.missing_context_values
