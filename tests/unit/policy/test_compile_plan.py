"""Plans: each distinct check is evaluated once and shared plans answer like fresh ones.

Evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
"""

from __future__ import annotations

from warden.policy import PolicyKind, PolicySet, Request, compile_policy_set, decide, parse_policy

TEAM = {"StringEquals": {"aws:PrincipalTag/team": "a"}}


def _compiled() -> object:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "A",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": TEAM,
            },
            {
                "Sid": "B",
                "Effect": "Allow",
                "Action": "s3:Get*",
                "Resource": "arn:aws:s3:::b/*",
                "Condition": TEAM,
            },
            {"Sid": "C", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "D", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/secret*"},
        ],
    }
    return compile_policy_set(PolicySet(identity=(parse_policy(document, PolicyKind.IDENTITY),)))


def _request(resource: str, team: str | None) -> Request:
    context = {} if team is None else {"aws:PrincipalTag/team": team}
    return Request.from_dict(
        {
            "principal": "arn:aws:iam::111122223333:user/a",
            "action": "s3:GetObject",
            "resource": resource,
            "context": context,
        }
    )


def test_statements_with_equal_conditions_share_one_check() -> None:
    compiled = _compiled()
    candidates = compiled.candidates("s3:getobject")  # type: ignore[attr-defined]
    plan = candidates.plan("arn:aws:s3:::b/x", None, compiled.group_on[False, False])  # type: ignore[attr-defined]
    assert [e.compiled.statement.sid for e in plan.checks] == ["A"]
    assert [check for _, check in plan.items][2] == -1  # statement C applies unchecked


def test_a_shared_plan_answers_like_a_fresh_one() -> None:
    compiled = _compiled()
    for team in ("a", "b", None):
        for resource in (
            "arn:aws:s3:::b/x",
            "arn:aws:s3:::b/y",
            "arn:aws:s3:::b/secret1",
            "arn:aws:s3:::c/z",
        ):
            shared = decide(_request(resource, team), compiled)  # type: ignore[arg-type]
            fresh = decide(_request(resource, team), _compiled())  # type: ignore[arg-type]
            assert shared == fresh
    same = compiled.candidates("s3:getobject")  # type: ignore[attr-defined]
    on = compiled.group_on[False, False]  # type: ignore[attr-defined]
    assert same.plan("arn:aws:s3:::b/x", None, on) is same.plan("arn:aws:s3:::b/y", None, on)
    matched = decide(_request("arn:aws:s3:::b/x", "a"), compiled).matched  # type: ignore[arg-type]
    assert [m.sid for m in matched] == ["A", "B", "C"]
    missing = decide(_request("arn:aws:s3:::b/x", None), compiled).missing_context_values  # type: ignore[arg-type]
    assert missing == ("aws:PrincipalTag/team",)
