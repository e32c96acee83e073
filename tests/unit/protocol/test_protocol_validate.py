"""Validation messages in the exact form AWS's front end writes them.

https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html (ValidationError) and the
constraints of https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
"""

from __future__ import annotations

import timeit

import pytest

from warden.errors import ValidationError
from warden.protocol import Service, decode_query_request, validate_input

V = "2010-05-08"


def _message(service: Service, body: dict[str, str]) -> str:
    with pytest.raises(ValidationError) as caught:
        decode_query_request(service, body)
    return caught.value.message


def test_pattern(iam: Service) -> None:
    assert _message(iam, {"Action": "CreateUser", "Version": V, "UserName": "a b"}) == (
        "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )


def test_required_member_is_null(iam: Service) -> None:
    assert _message(iam, {"Action": "CreateUser", "Version": V}) == (
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_max_length(iam: Service) -> None:
    name = "u" * 65
    assert _message(iam, {"Action": "CreateUser", "Version": V, "UserName": name}) == (
        f"1 validation error detected: Value '{name}' at 'userName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64"
    )


def test_min_length_and_pattern_both_reported(iam: Service) -> None:
    assert _message(iam, {"Action": "GetUser", "Version": V, "UserName": ""}) == (
        "2 validation errors detected: "
        "Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; "
        "Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w+=,.@-]+"
    )


def test_enum(iam: Service) -> None:
    body = {"Action": "UpdateAccessKey", "Version": V, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "On"}
    assert _message(iam, body) == (
        "1 validation error detected: Value 'On' at 'status' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Active, Inactive, Expired]"
    )


def test_integer_range(iam: Service) -> None:
    assert _message(iam, {"Action": "ListUsers", "Version": V, "MaxItems": "0"}) == (
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    assert _message(iam, {"Action": "ListUsers", "Version": V, "MaxItems": "1001"}).endswith(
        "Member must have value less than or equal to 1000"
    )


def test_list_length(iam: Service) -> None:
    body = {"Action": "TagUser", "Version": V, "UserName": "u"}
    for index in range(1, 52):
        body[f"Tags.member.{index}.Key"] = f"k{index}"
        body[f"Tags.member.{index}.Value"] = "v"
    message = _message(iam, body)
    assert message.startswith("1 validation error detected: Value '[")
    assert message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


def test_nested_member_path(iam: Service) -> None:
    body = {
        "Action": "TagUser",
        "Version": V,
        "UserName": "u",
        "Tags.member.1.Key": "ok",
        "Tags.member.1.Value": "v",
        "Tags.member.2.Key": "bad!",
        "Tags.member.2.Value": "v",
    }
    assert _message(iam, body) == (
        "1 validation error detected: Value 'bad!' at 'tags.2.member.key' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"
    )


def test_scalar_list_elements_fold_into_one_constraint(iam: Service) -> None:
    body = {
        "Action": "UntagUser",
        "Version": V,
        "UserName": "u",
        "TagKeys.member.1": "ok",
        "TagKeys.member.2": "x!",
    }
    assert _message(iam, body) == (
        "1 validation error detected: Value '[ok, x!]' at 'tagKeys' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy regular expression pattern: "
        "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+]"
    )


def test_several_errors_are_joined_in_member_order(iam: Service) -> None:
    body = {"Action": "CreateUser", "Version": V, "UserName": "a b", "Path": "no-slash"}
    assert _message(iam, body) == (
        "2 validation errors detected: "
        "Value 'no-slash' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); "
        "Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w+=,.@-]+"
    )


def test_sensitive_values_are_not_echoed(iam: Service) -> None:
    body = {"Action": "CreateLoginProfile", "Version": V, "UserName": "u", "Password": "secret\u0001"}
    assert _message(iam, body) == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
    )


def test_java_word_class_is_ascii_only(iam: Service) -> None:
    with pytest.raises(ValidationError):
        decode_query_request(iam, {"Action": "CreateUser", "Version": V, "UserName": "zoë"})


def test_unicode_letters_are_valid_tag_characters(iam: Service) -> None:
    body = {
        "Action": "TagUser",
        "Version": V,
        "UserName": "u",
        "Tags.member.1.Key": "équipe",
        "Tags.member.1.Value": "東京 ٣",
    }
    assert decode_query_request(iam, body)[1]["Tags"] == [{"Key": "équipe", "Value": "東京 ٣"}]


def test_valid_input_passes(iam: Service) -> None:
    op = iam.find_operation("CreateUser")
    assert op is not None
    validate_input(op, {"UserName": "alice+ops@example.com", "Path": "/a/b/"})


def test_decode_and_validate_is_fast(iam: Service) -> None:
    """Not a timing assertion on the figure itself: a guard against losing the per-shape compilation."""
    body = {
        "Action": "CreateUser",
        "Version": V,
        "UserName": "alice",
        "Path": "/",
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "x",
    }
    decode_query_request(iam, body)
    per_call = timeit.timeit(lambda: decode_query_request(iam, body), number=2000) / 2000
    assert per_call < 0.002
