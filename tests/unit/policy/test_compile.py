"""Compilation, caching and the action index."""

from __future__ import annotations

from warden.policy import PolicyKind, PolicySet, compile_policy, compile_policy_set, parse_policy


def policy(*statements: dict[str, object]) -> object:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.IDENTITY)


def test_same_content_compiles_once() -> None:
    doc = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert compile_policy(policy(doc)) is compile_policy(policy(doc))  # type: ignore[arg-type]


def test_candidates_only_hold_statements_that_can_match_the_action() -> None:
    p = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Action": "S3:Get*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:Put*", "s3:GetObject"], "Resource": "*"},
    )
    compiled = compile_policy_set(PolicySet(identity=(p,)))  # type: ignore[arg-type]
    found = compiled.candidates("s3:getobject")
    assert [e.compiled.statement.index for e in found.ordered] == [0, 1, 4, 5]
    assert compiled.candidates("s3:getobject") is found  # memoised
    ec2 = compiled.candidates("ec2:runinstances")
    assert [e.compiled.statement.index for e in ec2.ordered] == [2, 3, 4]
    plan = ec2.plan("x", None, compiled.group_on[False, False])
    assert [e.compiled.statement.index for e in plan.denies] == [2]
    assert [e.compiled.statement.index for e in plan.allows[0]] == [3, 4]


def test_selections_are_exact_except_for_context_dependent_resources() -> None:
    """NotResource without variables is decided at selection; `${...}` needs the request context."""
    p = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/key"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::c/k", "arn:aws:s3:::d/*"]},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::a/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:username}/*"},
    )
    compiled = compile_policy_set(PolicySet(identity=(p,)))  # type: ignore[arg-type]
    found = compiled.candidates("s3:getobject")

    def selected(resource: str) -> list[int]:
        return [e.compiled.statement.index for e in found.select_all(resource)]

    assert selected("arn:aws:s3:::a/key") == [0, 3, 5]
    assert selected("arn:aws:s3:::b/x") == [1, 3, 4, 5]
    assert selected("arn:aws:s3:::c/k") == [2, 3, 4, 5]
    assert selected("arn:aws:s3:::d/z") == [2, 3, 4, 5]
    assert selected("arn:aws:s3:::e/k") == [3, 4, 5]
    on = compiled.group_on[False, False]
    assert found.plan("arn:aws:s3:::a/key", None, on) is found.plan(
        "arn:aws:s3:::a/key", None, on
    )  # memoised
    assert [e.dynamic for e in found.ordered] == [False] * 5 + [True]


def test_reads_keep_the_case_first_written() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::b/${aws:UserName}/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/Team": "${aws:PrincipalTag/Team}"}},
        }
    )
    statement = compile_policy(p).statements[0]  # type: ignore[arg-type]
    assert set(statement.reads) == {
        ("aws:principaltag/team", "aws:PrincipalTag/Team"),
        ("aws:username", "aws:UserName"),
    }
