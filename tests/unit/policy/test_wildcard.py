"""Wildcard matching: `*` any run (including empty), `?` exactly one character.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warden.policy.wildcard import compile_pattern, glob_to_regex, has_wildcards


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("*", "", True),
        ("*", "anything:at/all", True),
        ("**", "x", True),
        ("", "", True),
        ("", "a", False),
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("abc", "ABC", False),
        ("ab*", "ab", True),
        ("ab*", "abzzz", True),
        ("ab*", "a", False),
        ("*yz", "xyz", True),
        ("*yz", "yz", True),
        ("*yz", "yza", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a?c", "abbc", False),
        ("a*c*e", "abcde", True),
        ("a*c*e", "ace", True),
        ("a*c*e", "acd", False),
        ("a.c", "abc", False),
        ("a.c", "a.c", True),
        ("(x)+[y]", "(x)+[y]", True),
        ("line*", "line1\nline2", True),
        ("?", "\n", True),
    ],
)
def test_case_sensitive_matching(pattern: str, value: str, expected: bool) -> None:
    assert compile_pattern(pattern, ignore_case=False)(value) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("s3:GetObject", "S3:getobject", True),
        ("s3:Get*", "S3:GETOBJECT", True),
        ("*object", "s3:GetObject", True),
        ("s3:Get?bject", "S3:GETOBJECT", True),
        ("s3:Put*", "s3:GetObject", False),
    ],
)
def test_ignore_case(pattern: str, value: str, expected: bool) -> None:
    assert compile_pattern(pattern, ignore_case=True)(value) is expected


def test_has_wildcards() -> None:
    assert has_wildcards("a*") and has_wildcards("a?") and not has_wildcards("abc")


def test_glob_to_regex_collapses_star_runs() -> None:
    assert glob_to_regex("a***b") == "a.*b"


def _reference(pattern: str, value: str) -> bool:
    """A slow, obviously correct matcher (dynamic programming) to check the compiled one against."""
    rows, cols = len(pattern), len(value)
    table = [[False] * (cols + 1) for _ in range(rows + 1)]
    table[0][0] = True
    for i in range(1, rows + 1):
        table[i][0] = table[i - 1][0] and pattern[i - 1] == "*"
        for j in range(1, cols + 1):
            p = pattern[i - 1]
            if p == "*":
                table[i][j] = table[i - 1][j] or table[i][j - 1]
            else:
                table[i][j] = table[i - 1][j - 1] and (p == "?" or p == value[j - 1])
    return table[rows][cols]


@given(st.text(alphabet="ab*?.", max_size=8), st.text(alphabet="ab.", max_size=8))
def test_agrees_with_reference(pattern: str, value: str) -> None:
    assert compile_pattern(pattern, ignore_case=False)(value) is _reference(pattern, value)


def test_no_regex_compilation_at_match_time(monkeypatch: pytest.MonkeyPatch) -> None:
    matcher = compile_pattern("a*b?c", ignore_case=False)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("regex compiled during matching")

    monkeypatch.setattr(re, "compile", forbidden)
    assert matcher("aXXbYc") and not matcher("abc")
