"""The per-resource plan memo of compiled candidates: same answers, bounded size."""

from __future__ import annotations

from warden.policy import PolicyKind, PolicySet, Request, compile_policy_set, decide, parse_policy
from warden.policy import compile as compile_module


def _policy_set() -> PolicySet:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-a/*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-a/secret/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-b/*"},
        ],
    }
    return PolicySet(identity=(parse_policy(document, PolicyKind.IDENTITY),))


def _request(resource: str) -> Request:
    return Request.from_dict(
        {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": resource}
    )


def test_repeated_decisions_agree_and_memo_stays_bounded() -> None:
    compiled = compile_policy_set(_policy_set())
    resources = ["arn:aws:s3:::bucket-a/x", "arn:aws:s3:::bucket-a/secret/y", "arn:aws:s3:::bucket-c/z"]
    first = [decide(_request(r), compiled, explain=True) for r in resources]
    again = [decide(_request(r), compiled, explain=True) for r in resources]
    fast = [decide(_request(r), compiled, explain=False) for r in resources]
    assert [d.outcome.value for d in first] == ["allowed", "explicitDeny", "implicitDeny"]
    assert [d.matched for d in first] == [d.matched for d in again]
    assert [d.outcome for d in fast] == [d.outcome for d in first]
    limit = compile_module.PLAN_MEMO_SIZE
    for index in range(limit + 10):
        decide(_request(f"arn:aws:s3:::bucket-a/{index}"), compiled, explain=True)
    candidates = compiled.candidates("s3:getobject")
    assert 0 < len(candidates.memo) <= limit
    assert 0 < len(candidates.by_signature) <= limit
