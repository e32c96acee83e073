"""Decisions per second and per-decision latency of `decide()` against the reference evaluator.

Worst case on purpose: realistic actions across many services, wildcards in
actions and resources, ~10% Deny, ~20% conditions, all attached to one
principal; requests drawn from the same action vocabulary; seeded RNG.
About a fifth of the requests name a resource no earlier request named (a
fresh S3 object key, a fresh instance suffix), so per-resource memos cannot
hide the cost of matching; the warm-up uses its own batch, not the measured one.
Fast (`explain=False`) and explained decisions are measured against the same
targets.
Run: python -m bench.engine [--quick]
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import dataclass

from warden.policy import PolicySet, Request, compile_policy_set, decide, decide_reference
from warden.policy.ast import ConditionClause, Effect, Policy, PolicyKind, Position, Statement

ACCOUNT = "111122223333"
SERVICES = {
    "s3": [
        "GetObject",
        "PutObject",
        "DeleteObject",
        "ListBucket",
        "GetObjectTagging",
        "PutBucketPolicy",
        "GetBucketLocation",
        "ListAllMyBuckets",
    ],
    "ec2": [
        "RunInstances",
        "TerminateInstances",
        "DescribeInstances",
        "DescribeVpcs",
        "CreateTags",
        "StartInstances",
        "StopInstances",
        "AttachVolume",
    ],
    "iam": ["CreateUser", "GetUser", "ListUsers", "AttachRolePolicy", "PassRole", "GetRole", "CreateRole"],
    "dynamodb": ["GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem", "DescribeTable"],
    "lambda": ["InvokeFunction", "CreateFunction", "GetFunction", "UpdateFunctionCode", "ListFunctions"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "CreateQueue"],
    "kms": ["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "CreateGrant"],
    "sns": ["Publish", "Subscribe", "CreateTopic", "ListTopics"],
    "logs": ["PutLogEvents", "CreateLogGroup", "CreateLogStream", "DescribeLogGroups"],
    "cloudwatch": ["PutMetricData", "GetMetricData", "DescribeAlarms"],
}
POS = Position("")


def _resource(rng: random.Random, service: str, wildcard: bool) -> str:
    name = f"r{rng.randrange(50)}"
    if service == "s3":
        return f"arn:aws:s3:::bucket-{name}/*" if wildcard else f"arn:aws:s3:::bucket-{name}/key"
    region = "*" if wildcard and rng.random() < 0.5 else "us-east-1"
    tail = f"{name[:2]}*" if wildcard else name
    return f"arn:aws:{service}:{region}:{ACCOUNT}:thing/{tail}"


def _statement(rng: random.Random, index: int) -> Statement:
    service = rng.choice(list(SERVICES))
    roll = rng.random()
    if roll < 0.6:
        actions = tuple(f"{service}:{a}" for a in rng.sample(SERVICES[service], rng.randint(1, 3)))
    elif roll < 0.9:
        actions = (f"{service}:{rng.choice(SERVICES[service])[: rng.randint(3, 6)]}*",)
    else:
        actions = (f"{service}:*",)
    resources = tuple(_resource(rng, service, rng.random() < 0.4) for _ in range(rng.randint(1, 2)))
    if rng.random() < 0.03:
        resources = ("*",)
    conditions: tuple[ConditionClause, ...] = ()
    if rng.random() < 0.2:
        conditions = (
            ConditionClause("StringEquals", "aws:PrincipalTag/team", (rng.choice(["a", "b", "c"]),), POS),
            ConditionClause("IpAddress", "aws:SourceIp", ("10.0.0.0/8",), POS),
        )[: rng.randint(1, 2)]
    effect = Effect.DENY if rng.random() < 0.1 else Effect.ALLOW
    return Statement(index, f"S{index}", effect, None, None, actions, None, resources, None, conditions, POS)


def policy_set(rng: random.Random, statements: int) -> PolicySet:
    """`statements` statements split into identity policies of at most 100 statements each."""
    policies = []
    for start in range(0, statements, 100):
        count = min(100, statements - start)
        body = tuple(_statement(rng, i) for i in range(count))
        policies.append(Policy("2012-10-17", None, body, PolicyKind.IDENTITY))
    return PolicySet(identity=tuple(policies))


def _request_resource(rng: random.Random, service: str) -> str:
    """A concrete resource; some are new every time (S3 object keys, suffixed names)."""
    plain = _resource(rng, service, False)
    if service == "s3":
        return plain if rng.random() < 0.5 else plain.replace("/key", f"/obj/{rng.randrange(10**9)}")
    return plain if rng.random() < 0.8 else f"{plain}-{rng.randrange(10**9)}"


def requests(rng: random.Random, count: int) -> list[Request]:
    out = []
    for _ in range(count):
        service = rng.choice(list(SERVICES))
        out.append(
            Request.from_dict(
                {
                    "principal": f"arn:aws:iam::{ACCOUNT}:user/alice",
                    "action": f"{service}:{rng.choice(SERVICES[service])}",
                    "resource": _request_resource(rng, service),
                    "context": {"aws:PrincipalTag/team": rng.choice(["a", "b"]), "aws:SourceIp": "10.1.2.3"},
                }
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Figures:
    per_second: float
    p50_us: float
    p99_us: float


def measure(call: object, batch: list[Request]) -> Figures:
    fn = call  # a callable taking one request
    samples = []
    clock = time.perf_counter_ns
    start = clock()
    for request in batch:
        t0 = clock()
        fn(request)  # type: ignore[operator]
        samples.append(clock() - t0)
    total = clock() - start
    samples.sort()
    return Figures(
        len(batch) / (total / 1e9),
        samples[len(samples) // 2] / 1000,
        samples[min(len(samples) - 1, int(len(samples) * 0.99))] / 1000,
    )


TARGETS = {10: (150_000, 20.0), 1000: (150_000, 20.0), 10000: (50_000, 100.0)}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass
    rng = random.Random(20260501)
    print(
        f"{'statements':>10} {'engine/s':>10} {'p50 µs':>8} {'p99 µs':>8} {'ref/s':>9} {'ref p99 µs':>11} "
        f"{'speed-up':>9}  targets"
    )
    all_met = True
    all_explained_met = True
    for size in (10, 1000, 10000):
        ps = policy_set(rng, size)
        compiled = compile_policy_set(ps)
        batch = requests(rng, 2000 if quick else 20000)
        for request in requests(rng, 2000):  # warm the per-action memos and caches on other requests
            decide(request, compiled, explain=False)
        engine = measure(lambda r, c=compiled: decide(r, c, explain=False), batch)
        ref_count = {10: 2000, 1000: 200, 10000: 20}[size] // (4 if quick else 1)
        reference = measure(lambda r, p=ps: decide_reference(r, p), batch[:ref_count])
        want_rate, want_p99 = TARGETS[size]
        met = engine.per_second >= want_rate and engine.p99_us <= want_p99
        all_met = all_met and met
        print(
            f"{size:>10} {engine.per_second:>10,.0f} {engine.p50_us:>8.1f} {engine.p99_us:>8.1f} "
            f"{reference.per_second:>9,.0f} {reference.p99_us:>11.1f} {engine.per_second / reference.per_second:>8.0f}x"
            f"  {'met' if met else 'NOT met'} (>= {want_rate:,}/s, p99 <= {want_p99:g} µs)"
        )
        explained = measure(lambda r, c=compiled: decide(r, c, explain=True), batch[:5000])
        explained_met = explained.per_second >= want_rate and explained.p99_us <= want_p99
        all_explained_met = all_explained_met and explained_met
        print(
            f"{'':>10} explain=True: {explained.per_second:,.0f}/s, p50 {explained.p50_us:.1f} µs, "
            f"p99 {explained.p99_us:.1f} µs  {'met' if explained_met else 'NOT met'}"
        )
    print("all targets met" if all_met else "targets NOT all met")
    print(
        "all targets met with explain=True" if all_explained_met else "targets NOT all met with explain=True"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
