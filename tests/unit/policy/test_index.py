"""The resource index: a selection equals matching every statement's Resource element one by one.

The index may only skip statements that cannot match; anything else would
change decisions. ARN patterns match component by component (wildcards in the
first five components never cross a colon):
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from warden.policy import PolicySet, compile_policy_set
from warden.policy.ast import Effect, Policy, PolicyKind, Position, Statement
from warden.policy.compile import Entry
from warden.policy.resource_index import Bucket

POS = Position("")
COMPONENT = st.text(alphabet="ab1*?", max_size=3)
TAIL = st.text(alphabet="ab1/:*?", max_size=6)
ARN_LIKE = st.builds(
    lambda service, region, account, tail: f"arn:aws:{service}:{region}:{account}:{tail}",
    st.sampled_from(["s3", "ec2", "*", "e?2"]),
    COMPONENT,
    COMPONENT,
    TAIL,
)
OTHER = st.text(alphabet="ab:*?/", max_size=6)
PATTERN = st.one_of(ARN_LIKE, OTHER, st.just("*"))
RESOURCE = st.one_of(
    st.builds(
        lambda service, region, account, tail: f"arn:aws:{service}:{region}:{account}:{tail}",
        st.sampled_from(["s3", "ec2"]),
        st.text(alphabet="ab1", max_size=3),
        st.text(alphabet="ab1", max_size=3),
        st.text(alphabet="ab1/:", max_size=6),
    ),
    st.text(alphabet="ab:/", max_size=6),
)


def _entries(elements: list[tuple[bool, tuple[str, ...]]]) -> tuple[Entry, ...]:
    statements = tuple(
        Statement(
            i,
            None,
            Effect.ALLOW,
            None,
            None,
            ("s3:GetObject",),
            None,
            None if negated else values,
            values if negated else None,
            (),
            POS,
        )
        for i, (negated, values) in enumerate(elements)
    )
    policy = Policy("2012-10-17", None, statements, PolicyKind.IDENTITY)
    return compile_policy_set(PolicySet(identity=(policy,))).entries


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.lists(PATTERN, min_size=1, max_size=3).map(tuple)), max_size=8),
    st.lists(RESOURCE, min_size=1, max_size=6),
)
def test_selection_equals_matching_each_statement(
    elements: list[tuple[bool, tuple[str, ...]]], resources: list[str]
) -> None:
    entries = _entries(elements)
    bucket = Bucket(entries)
    for resource in resources:
        expected = [e.order for e in entries if e.compiled.resource.matches(resource, {})]
        assert [e.order for e in bucket.select(resource)] == expected


def test_region_wildcards_are_screened_by_the_resource_part() -> None:
    entries = _entries(
        [
            (False, ("arn:aws:ec2:*:111122223333:thing/r1*",)),
            (False, ("arn:aws:ec2:*:111122223333:thing/r2*",)),
            (False, ("arn:aws:ec2:us-east-1:111122223333:thing/r1*", "arn:aws:ec2:*:111122223333:thing/r1*")),
        ]
    )
    bucket = Bucket(entries)
    assert len(bucket.values) == 3  # distinct values, each matched once for all its statements
    assert [e.order for e in bucket.select("arn:aws:ec2:eu-west-1:111122223333:thing/r12")] == [0, 2]
    assert [e.order for e in bucket.select("arn:aws:ec2:us-east-1:111122223333:thing/r2")] == [1]
    assert bucket.select("arn:aws:ec2:us-east-1:111122223333:other/r1") == ()


def test_resources_matching_the_same_values_share_a_signature() -> None:
    """Two objects under one bucket pattern select the same statements, so they share one selection."""
    entries = _entries(
        [
            (False, ("arn:aws:s3:::bucket/*",)),
            (False, ("arn:aws:s3:::bucket/key",)),
            (True, ("arn:aws:s3:::other/*",)),
        ]
    )
    bucket = Bucket(entries)
    first = bucket.signature("arn:aws:s3:::bucket/a")
    assert bucket.signature("arn:aws:s3:::bucket/b") == first
    assert bucket.signature("arn:aws:s3:::bucket/key") != first  # the literal adds a statement
    assert sorted(bucket.hits(first)) == [0, 2]
    assert [e.order for e in bucket.select("arn:aws:s3:::bucket/key")] == [0, 1, 2]
