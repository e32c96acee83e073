"""The position-tracking JSON reader: same values as json.loads, positions, strictness."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warden.policy.jsontext import MAX_DEPTH, JsonSyntaxError, from_python, join_path, parse_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 2]))
def test_same_values_as_json_loads(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert parse_json(text).value == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_rejects_whatever_json_rejects(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(JsonSyntaxError):
            parse_json(text)
        return
    if isinstance(expected, float) and not math.isfinite(expected):
        with pytest.raises(JsonSyntaxError):
            parse_json(text)  # json.loads accepts NaN/Infinity; RFC 8259 does not
        return
    assert parse_json(text).value == expected


def test_positions_are_line_and_column_of_each_value() -> None:
    text = '{\n  "Statement": [\n    {"Effect": "Allow"},\n    {"Sid": "x.y"}\n  ]\n}'
    parsed = parse_json(text)
    assert parsed.positions[""] == (1, 1)
    assert parsed.positions["Statement"] == (2, 16)
    assert parsed.positions["Statement[0]"] == (3, 5)
    assert parsed.positions["Statement[0].Effect"] == (3, 16)
    assert parsed.positions["Statement[1].Sid"] == (4, 13)


def test_paths_quote_keys_that_are_not_identifiers() -> None:
    assert join_path("", "Statement") == "Statement"
    assert join_path("Statement", 2) == "Statement[2]"
    assert join_path("Condition.StringEquals", "aws:SourceVpc") == 'Condition.StringEquals["aws:SourceVpc"]'
    assert join_path("a", 'x"y') == 'a["x\\"y"]'


def test_number_text_is_kept() -> None:
    parsed = parse_json('{"a": 1.50, "b": [10, -2e3]}')
    assert parsed.number_texts == {"a": "1.50", "b[0]": "10", "b[1]": "-2e3"}
    assert parsed.value == {"a": 1.5, "b": [10, -2000.0]}


def test_duplicate_keys_are_recorded() -> None:
    parsed = parse_json('{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}')
    assert parsed.duplicate_keys == ("b.c", "a")
    assert parsed.value == {"a": 3, "b": {"c": 2}}  # last one wins, as in json.loads


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"a": 1,}', 1, 9),
        ('{\n  "a": tru\n}', 2, 8),
        ('["x\ty"]', 1, 4),
        ("[1] [2]", 1, 5),
        ('"abc', 1, 1),
        ("NaN", 1, 1),
        ("01", 1, 2),
        ('"\\x"', 1, 2),
    ],
)
def test_errors_say_where(text: str, line: int, column: int) -> None:
    with pytest.raises(JsonSyntaxError) as caught:
        parse_json(text)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_nesting_is_capped_without_recursion_error() -> None:
    parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(JsonSyntaxError, match="Nesting"):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(JsonSyntaxError):
        parse_json("[" * 100_000)


def test_bytes_must_be_utf8_and_bom_is_skipped() -> None:
    assert parse_json('\ufeff{"a": "é"}'.encode()).value == {"a": "é"}
    with pytest.raises(JsonSyntaxError):
        parse_json(b'{"a": "\xff"}')


def test_surrogate_pairs_decode() -> None:
    assert parse_json('"\\ud83d\\ude00"').value == "\U0001f600"


def test_from_python_accepts_plain_data_only() -> None:
    assert from_python({"a": [1, 2.5, True, None, "x"], "b": (1,)}) == {
        "a": [1, 2.5, True, None, "x"],
        "b": [1],
    }
    for bad in ({1: "x"}, {"a": {1, 2}}, {"a": math.nan}, {"a": object()}):
        with pytest.raises(JsonSyntaxError):
            from_python(bad)
    deep: list[object] = []
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(JsonSyntaxError):
        from_python(deep)
