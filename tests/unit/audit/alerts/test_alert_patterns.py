"""EventBridge event patterns against CloudTrail-shaped records.

Sources (the behaviour each test checks is cited in its docstring):
- OPERATORS: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
- SYNTAX: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
- ARRAYS: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
- NULLS: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
"""

from __future__ import annotations

import enum
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warden.audit.alerts.patterns import PatternError, compile_pattern

ROOT_LOGIN: dict[str, Any] = {
    "eventVersion": "1.09",
    "userIdentity": {
        "type": "Root",
        "principalId": "111122223333",
        "arn": "arn:aws:iam::111122223333:root",
        "accountId": "111122223333",
        "sessionContext": {
            "attributes": {"mfaAuthenticated": "false", "creationDate": "2026-01-01T00:00:00Z"}
        },
    },
    "eventTime": "2026-01-01T10:00:00Z",
    "eventSource": "iam.amazonaws.com",
    "eventName": "AttachUserPolicy",
    "awsRegion": "us-east-1",
    "sourceIPAddress": "10.0.0.7",
    "userAgent": "aws-cli/2.15.0",
    "requestParameters": {"userName": "alice", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    "responseElements": None,
    "requestID": "req-1",
    "eventID": "ev-1",
    "readOnly": False,
    "eventType": "AwsApiCall",
    "managementEvent": True,
    "recipientAccountId": "111122223333",
    "resources": ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::aws:policy/AdministratorAccess"],
    "count": 3,
    "ratio": 0.25,
}


def matches(pattern: Any, event: dict[str, Any] = ROOT_LOGIN) -> bool:
    return compile_pattern(pattern).matches(event)


def test_fields_are_anded_and_array_values_ored() -> None:
    """SYNTAX: all fields named must match; the values in a field's array are alternatives."""
    assert matches({"eventSource": ["iam.amazonaws.com"], "eventName": ["CreateUser", "AttachUserPolicy"]})
    assert not matches({"eventSource": ["iam.amazonaws.com"], "eventName": ["CreateUser"]})
    assert not matches({"eventSource": ["sts.amazonaws.com"], "eventName": ["AttachUserPolicy"]})


def test_nested_fields_follow_the_event_structure() -> None:
    """SYNTAX: field names must appear in the event with the same nesting structure."""
    assert matches({"userIdentity": {"type": ["Root"]}})
    assert matches({"requestParameters": {"policyArn": ["arn:aws:iam::aws:policy/AdministratorAccess"]}})
    assert matches({"userIdentity": {"sessionContext": {"attributes": {"mfaAuthenticated": ["false"]}}}})
    assert not matches({"userIdentity": {"type": ["IAMUser"]}})
    assert not matches({"type": ["Root"]})  # right name, wrong level
    assert not matches({"missing": {"type": ["Root"]}})


def test_exact_match_is_case_sensitive_and_typed() -> None:
    """OPERATORS (Equals): values compare exactly; a string never equals a number or boolean."""
    assert not matches({"eventName": ["attachuserpolicy"]})
    assert matches({"count": [3]}) and matches({"count": [3.0]})
    assert not matches({"count": ["3"]})
    assert matches({"readOnly": [False]}) and not matches({"readOnly": [0]})
    assert matches({"managementEvent": [True]}) and not matches({"managementEvent": [1]})


def test_event_arrays_match_when_the_intersection_is_not_empty() -> None:
    """ARRAYS: when the event value is an array, any element matching any pattern value suffices."""
    assert matches({"resources": ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:s3:::x"]})
    assert not matches({"resources": ["arn:aws:s3:::x"]})
    assert matches({"resources": [{"prefix": "arn:aws:iam::111122223333:user/"}]})


def test_arrays_of_objects_match_element_by_element() -> None:
    """ARRAYS + SYNTAX: a nested pattern matches an element of an array of objects."""
    event = {"items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]}
    assert matches({"items": {"name": ["b"], "v": [2]}}, event)
    assert not matches({"items": {"name": ["a"], "v": [2]}}, event)  # both fields from one element


def test_null_and_empty_string_are_distinct() -> None:
    """NULLS: [null] matches a null value, [""] an empty string, and neither matches the other."""
    event = {"a": None, "b": ""}
    assert matches({"a": [None]}, event) and matches({"b": [""]}, event)
    assert not matches({"a": [""]}, event) and not matches({"b": [None]}, event)
    assert not matches({"c": [None]}, event)  # absent is not null


def test_prefix_and_suffix_with_and_without_case() -> None:
    """OPERATORS: Begins with / Ends with, and their equals-ignore-case forms; strings only."""
    assert matches({"eventTime": [{"prefix": "2026-01-01"}]})
    assert not matches({"eventTime": [{"prefix": "2025"}]})
    assert matches({"eventSource": [{"suffix": ".amazonaws.com"}]})
    assert not matches({"eventSource": [{"suffix": ".AMAZONAWS.COM"}]})
    assert matches({"eventSource": [{"suffix": {"equals-ignore-case": ".AMAZONAWS.COM"}}]})
    assert matches({"eventName": [{"prefix": {"equals-ignore-case": "attach"}}]})
    assert not matches({"count": [{"prefix": "3"}]})


def test_equals_ignore_case() -> None:
    """OPERATORS (Equals, ignore case): "Name": [{"equals-ignore-case": "alice"}] matches "Alice"."""
    assert matches({"userIdentity": {"type": [{"equals-ignore-case": "rOOT"}]}})
    assert not matches({"userIdentity": {"type": [{"equals-ignore-case": "roo"}]}})


def test_anything_but_values_and_lists() -> None:
    """OPERATORS (Anything-but): a single string or number, or a list of all strings or all numbers."""
    assert matches({"eventType": [{"anything-but": "AwsServiceEvent"}]})
    assert not matches({"eventType": [{"anything-but": "AwsApiCall"}]})
    assert not matches({"eventType": [{"anything-but": ["AwsServiceEvent", "AwsApiCall"]}]})
    assert matches({"count": [{"anything-but": [1, 2]}]})
    assert not matches({"count": [{"anything-but": 3}]})
    assert not matches({"missing": [{"anything-but": "x"}]})  # the field must be there


def test_anything_but_with_prefix_suffix_ignore_case_and_wildcard() -> None:
    """OPERATORS: anything-but (begins with / ends with / ignore case / using a wildcard)."""
    assert not matches({"awsRegion": [{"anything-but": {"prefix": "us-"}}]})
    assert matches({"awsRegion": [{"anything-but": {"prefix": "eu-"}}]})
    assert not matches({"eventSource": [{"anything-but": {"suffix": ".com"}}]})
    assert not matches({"eventType": [{"anything-but": {"equals-ignore-case": "AWSAPICALL"}}]})
    assert not matches({"eventType": [{"anything-but": {"equals-ignore-case": ["x", "awsapicall"]}}]})
    assert matches({"eventType": [{"anything-but": {"equals-ignore-case": ["x", "y"]}}]})
    assert not matches({"userAgent": [{"anything-but": {"wildcard": "aws-cli/*"}}]})
    assert matches({"userAgent": [{"anything-but": {"wildcard": ["boto3/*", "terraform*"]}}]})


def test_exists_true_and_false_look_at_leaf_nodes_only() -> None:
    """OPERATORS (Exists / Does not exist); exists matching works only on leaf nodes, so an object
    counts as absent (the content-filtering page's c-count example)."""
    assert matches({"eventName": [{"exists": True}]})
    assert matches({"errorCode": [{"exists": False}]})
    assert not matches({"errorCode": [{"exists": True}]})
    assert not matches({"eventName": [{"exists": False}]})
    assert matches({"userIdentity": [{"exists": False}]})  # an object is not a leaf
    assert not matches({"userIdentity": [{"exists": True}]})
    assert matches({"responseElements": [{"exists": True}]})  # null is a leaf value


def test_exists_false_below_a_null_or_missing_parent() -> None:
    """A field under a null parent does not exist (CloudTrail writes requestParameters: null)."""
    event = {"requestParameters": None}
    assert matches({"requestParameters": {"userName": [{"exists": False}]}}, event)
    assert matches({"requestParameters": {"userName": [{"exists": False}]}}, {})
    assert not matches({"requestParameters": {"userName": [{"exists": True}]}}, event)


def test_numeric_ranges() -> None:
    """OPERATORS (Numeric): "=", and one lower and/or one upper bound; JSON numbers only."""
    assert matches({"count": [{"numeric": [">", 0, "<=", 5]}]})
    assert matches({"count": [{"numeric": ["=", 3]}]})
    assert not matches({"count": [{"numeric": ["<", 3]}]})
    assert matches({"count": [{"numeric": ["<=", 3]}]})
    assert matches({"ratio": [{"numeric": [">=", 0.25, "<", 1]}]})
    assert not matches({"ratio": [{"numeric": [">", 0.25]}]})
    assert not matches({"eventVersion": [{"numeric": [">", 0]}]})  # "1.09" is a string
    assert not matches({"readOnly": [{"numeric": ["=", 0]}]})  # false is not 0


def test_cidr_for_ipv4_and_ipv6() -> None:
    """Content filtering, IP address matching: IPv4 and IPv6 CIDR blocks."""
    assert matches({"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]})
    assert not matches({"sourceIPAddress": [{"cidr": "10.0.1.0/24"}]})
    assert matches({"ip": [{"cidr": "2001:db8::/32"}]}, {"ip": "2001:db8::1"})
    assert not matches({"ip": [{"cidr": "2001:db8::/32"}]}, {"ip": "iam.amazonaws.com"})


def test_wildcard_matching_and_escapes() -> None:
    """OPERATORS (Wildcard): * matches zero or more characters; \\* and \\\\ are literal."""
    assert matches({"requestParameters": {"policyArn": [{"wildcard": "arn:*:iam::aws:policy/*Access"}]}})
    assert matches({"eventName": [{"wildcard": "Attach*Policy"}]})
    assert matches({"eventName": [{"wildcard": "*"}]})
    assert not matches({"eventName": [{"wildcard": "Detach*"}]})
    assert matches({"f": [{"wildcard": "a\\*b"}]}, {"f": "a*b"})
    assert not matches({"f": [{"wildcard": "a\\*b"}]}, {"f": "axxb"})
    assert matches({"f": [{"wildcard": "dir\\\\*.png"}]}, {"f": "dir\\x.png"})
    assert matches({"f": [{"wildcard": "a.c"}]}, {"f": "a.c"}) and not matches(
        {"f": [{"wildcard": "a.c"}]}, {"f": "abc"}
    )


def test_or_across_fields_and_nested() -> None:
    """OPERATORS (Or): "$or": [{"Location": [...]}, {"Day": [...]}] matches when any alternative does."""
    pattern = {"$or": [{"eventName": ["CreateUser"]}, {"userIdentity": {"type": ["Root"]}}]}
    assert matches(pattern)
    assert not matches({"$or": [{"eventName": ["CreateUser"]}, {"userIdentity": {"type": ["IAMUser"]}}]})
    nested = {"userIdentity": {"$or": [{"type": ["IAMUser"]}, {"arn": [{"suffix": ":root"}]}]}}
    assert matches(nested)
    combined = {
        "eventSource": ["iam.amazonaws.com"],
        "$or": [{"count": [{"numeric": [">", 5]}]}, {"ratio": [0.25]}],
    }
    assert matches(combined)


def test_several_matchers_in_one_array_are_alternatives() -> None:
    """SYNTAX + OPERATORS: an array may mix exact values and match expressions; any may match."""
    assert matches({"errorCode": [{"exists": False}, "AccessDenied"]})
    assert matches({"errorCode": ["AccessDenied"]}, {"errorCode": "AccessDenied"})
    assert not matches({"errorCode": [{"exists": True}, "x"]})


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ([], "JSON object"),
        ("{not json", "not valid JSON"),
        ({}, "Empty objects"),
        ({"eventName": "CreateUser"}, "array or an object"),
        ({"eventName": []}, "Empty arrays"),
        ({"eventName": [["x"]]}, "Match value"),
        ({"eventName": [{"regex": "x"}]}, "Unrecognized match type regex"),
        ({"eventName": [{"prefix": "a", "suffix": "b"}]}, "exactly one key"),
        ({"eventName": [{"prefix": 3}]}, "must be a string"),
        ({"eventName": [{"exists": "yes"}]}, "true or false"),
        ({"count": [{"numeric": [">", "3"]}]}, "must be a number"),
        ({"count": [{"numeric": ["!=", 3]}]}, "Unrecognized numeric range operator"),
        ({"count": [{"numeric": [">", 1, ">", 2]}]}, "more than one lower bound"),
        ({"count": [{"numeric": [">", 5, "<", 1]}]}, "Bottom must be less than top"),
        ({"count": [{"numeric": ["<", 6.0e9]}]}, "5.0e9"),
        ({"count": [{"numeric": ["=", 1, "<", 2]}]}, "cannot be combined"),
        ({"ip": [{"cidr": "10.0.0.1"}]}, "CIDR"),
        ({"ip": [{"cidr": "10.0.0.300/8"}]}, "IP address"),
        ({"f": [{"wildcard": "a**b"}]}, "Consecutive wildcard"),
        ({"f": [{"wildcard": "a\\b"}]}, "Invalid escape"),
        ({"f": [{"anything-but": ["a", 1]}]}, "all strings or all numbers"),
        ({"f": [{"anything-but": []}]}, "must not be empty"),
        ({"f": [{"anything-but": {"numeric": [">", 1]}}]}, "Unsupported anything-but"),
        ({"$or": [{"a": ["x"]}]}, "at least two"),
        ({"$or": [{"a": ["x"]}, "b"]}, "pattern object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),  # past the JSON parser
    ],
)
def test_invalid_patterns_are_refused_with_a_reason(pattern: Any, reason: str) -> None:
    """EventBridge refuses malformed patterns (InvalidEventPatternException, "Event pattern is not valid")."""
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern)
    assert str(caught.value).startswith("Event pattern is not valid. Reason: ")
    assert reason in str(caught.value)


def test_exact_event_names_are_exposed_for_indexing() -> None:
    assert compile_pattern({"eventName": ["A", "B"]}).event_names == frozenset({"A", "B"})
    assert compile_pattern({"eventName": [{"prefix": "A"}]}).event_names is None
    assert compile_pattern({"userIdentity": {"type": ["Root"]}}).event_names is None


def test_pattern_text_and_object_compile_alike() -> None:
    text = '{"userIdentity": {"type": ["Root"]}}'
    assert compile_pattern(text).matches(ROOT_LOGIN)
    assert compile_pattern(text).source == {"userIdentity": {"type": ["Root"]}}


# -- the required-field screen: a shortcut that must never change a result ---------------------


class _Name(str, enum.Enum):
    X = "x"


_FIELDS = st.sampled_from(["a", "b", "c"])
_EVENT_SCALARS = st.sampled_from(["x", "y", "", 0, 1, 2.0, None, True, False, _Name.X])
_events = st.recursive(
    _EVENT_SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(_FIELDS, inner, max_size=3)
    | st.dictionaries(_FIELDS, inner, max_size=3).map(MappingProxyType),
    max_leaves=12,
)
_MATCHERS = st.sampled_from(
    [
        "x",
        "y",
        "",
        1,
        None,
        True,
        {"exists": True},
        {"exists": False},
        {"prefix": "x"},
        {"anything-but": "x"},
        {"numeric": [">", 0]},
    ]
)
_exact_leaves = st.lists(st.sampled_from(["x", "y", ""]), min_size=1, max_size=2)
_leaves = _exact_leaves | st.lists(_MATCHERS, min_size=1, max_size=3)


def _objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    fields = st.dictionaries(_FIELDS, inner, min_size=1, max_size=3)
    with_or = st.tuples(fields, st.lists(fields, min_size=2, max_size=2)).map(lambda p: {**p[0], "$or": p[1]})
    return fields | with_or


_patterns = _objects(st.recursive(_leaves, _objects, max_leaves=6))


@settings(max_examples=600)
@given(pattern=_patterns, event=st.dictionaries(_FIELDS, _events, max_size=3))
def test_the_screen_never_changes_whether_a_pattern_matches(pattern: dict[str, Any], event: dict[str, Any]) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.matches(event) == replace(compiled, required=()).matches(event)


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ({"userIdentity": {"type": ["Root"]}}, {"userIdentity": {"type": "Root"}}, True),
        ({"userIdentity": {"type": ["Root"]}}, {"userIdentity": {"type": "IAMUser"}}, False),
        ({"userIdentity": {"type": ["Root"]}}, {"userIdentity": [{"type": "IAMUser"}, {"type": "Root"}]}, True),
        ({"userIdentity": {"type": ["Root"]}}, {"userIdentity": "Root"}, False),
        ({"userIdentity": {"type": ["Root"]}}, {"userIdentity": MappingProxyType({"type": "Root"})}, True),
        ({"userIdentity": {"type": ["Root"]}}, {}, False),
        ({"eventName": ["x"]}, {"eventName": ["y", "x"]}, True),
        ({"eventName": ["x"]}, {"eventName": _Name.X}, True),
        ({"eventName": ["x"]}, {"eventName": {"x": "x"}}, False),
        ({"eventName": ["1"]}, {"eventName": 1}, False),
        ({"errorCode": [""]}, {"errorCode": ""}, True),
        ({"errorCode": [""]}, {"errorCode": None}, False),
    ],
)
def test_the_screen_decides_as_the_full_match(pattern: dict[str, Any], event: dict[str, Any], expected: bool) -> None:
    """Arrays along the way or at the end, str subclasses and non-dict mappings are left to the
    full match; absent fields, scalars where an object is expected and non-strings rule out."""
    compiled = compile_pattern(pattern)
    assert compiled.required
    assert compiled.matches(event) is expected
    assert replace(compiled, required=()).matches(event) is expected


def test_required_fields_are_exact_strings_outside_or_ranked_by_how_well_they_split_events() -> None:
    compiled = compile_pattern(
        {
            "eventSource": ["iam.amazonaws.com"],
            "awsRegion": ["us-east-1"],
            "userIdentity": {"type": ["Root"], "invokedBy": [{"exists": False}]},
            "errorCode": ["AccessDenied", "AccessDeniedException"],
            "eventName": ["CreateUser"],
            "readOnly": [False],
            "sourceIPAddress": ["10.0.0.1", {"prefix": "10."}],
            "$or": [{"userAgent": ["a"]}, {"userAgent": ["b"]}],
        }
    )
    assert [(r.path, r.values) for r in compiled.required] == [
        (("eventName",), frozenset({"CreateUser"})),
        (("errorCode",), frozenset({"AccessDenied", "AccessDeniedException"})),
        (("userIdentity", "type"), frozenset({"Root"})),
        (("awsRegion",), frozenset({"us-east-1"})),
        (("eventSource",), frozenset({"iam.amazonaws.com"})),
    ]
    assert compiled.event_names == frozenset({"CreateUser"})
    assert compile_pattern({"readOnly": [True], "eventName": [{"prefix": "Get"}]}).required == ()
