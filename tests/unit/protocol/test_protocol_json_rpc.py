"""The JSON 1.1 protocol against botocore's own JSON serializer and parser (CloudTrail's model).

https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.serialize import create_serializer
from protocol_authority import botocore_parse

from warden.errors import InvalidAction, MissingAction, NoSuchEntity, ValidationError
from warden.protocol import (
    Service,
    decode_json_request,
    encode_json_error,
    encode_json_response,
    json_content_type,
    load_service,
)

START = datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
END = datetime(2024, 5, 2, 6, 30, 15, 500000, tzinfo=UTC)


def _serialize(service: Service, operation: str, params: dict[str, Any]) -> tuple[str, bytes]:
    request = create_serializer("json").serialize_to_request(params, service.model.operation_model(operation))
    return request["headers"]["X-Amz-Target"], request["body"]


@pytest.mark.parametrize(
    "params",
    [
        {
            "LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "alice"}],
            "StartTime": START,
            "EndTime": END,
            "MaxResults": 50,
            "NextToken": "tok",
        },
        {"EventCategory": "insight"},
        {},
    ],
)
def test_lookup_events_request_round_trips(cloudtrail: Service, params: dict[str, Any]) -> None:
    target, body = _serialize(cloudtrail, "LookupEvents", params)
    operation, decoded = decode_json_request(cloudtrail, target, body)
    assert operation.name == "LookupEvents"
    assert decoded == params


def test_lookup_events_response_round_trips(cloudtrail: Service) -> None:
    op = cloudtrail.find_operation("LookupEvents")
    assert op is not None
    result = {
        "Events": [
            {
                "EventId": "e1",
                "EventName": "CreateUser",
                "ReadOnly": "false",
                "AccessKeyId": "AKIAEXAMPLE",
                "EventTime": END,
                "EventSource": "iam.amazonaws.com",
                "Username": "alice",
                "Resources": [{"ResourceType": "AWS::IAM::User", "ResourceName": "bob"}],
                "CloudTrailEvent": json.dumps({"eventVersion": "1.08", "eventName": "CreateUser"}),
            }
        ],
        "NextToken": "more",
    }
    body = encode_json_response(op, result)
    assert json.loads(body)["Events"][0]["EventTime"] == END.timestamp()
    parsed = botocore_parse("json", op, body)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-json"
    assert parsed == result


def test_empty_output(cloudtrail: Service) -> None:
    op = cloudtrail.find_operation("StartLogging")
    assert op is not None
    assert encode_json_response(op, {}) == b"{}"


@pytest.mark.parametrize(
    ("error", "wire_code"),
    [
        (NoSuchEntity("The user with name bob cannot be found."), "NoSuchEntity"),
        (ValidationError("1 validation error detected: ..."), "ValidationException"),
        (InvalidAction("Could not find operation X for version 2013-11-01"), "UnknownOperationException"),
    ],
)
def test_errors_parse_like_aws_errors(cloudtrail: Service, error: Any, wire_code: str) -> None:
    op = cloudtrail.find_operation("LookupEvents")
    assert op is not None
    parsed = botocore_parse("json", op, encode_json_error(error), status=error.http_status)
    assert parsed["Error"]["Code"] == wire_code
    assert parsed["Error"]["Message"] == error.message


def test_validation_uses_the_shared_validator(cloudtrail: Service) -> None:
    target, body = _serialize(cloudtrail, "LookupEvents", {"MaxResults": 500, "EventCategory": "bogus"})
    with pytest.raises(ValidationError) as caught:
        decode_json_request(cloudtrail, target, body)
    assert caught.value.message == (
        "2 validation errors detected: "
        "Value 'bogus' at 'eventCategory' failed to satisfy constraint: Member must satisfy enum value set: [insight]; "
        "Value '500' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"
    )


def test_required_members_in_lists(cloudtrail: Service) -> None:
    target = f"{cloudtrail.target_prefix}.LookupEvents"
    body = json.dumps({"LookupAttributes": [{"AttributeKey": "Username"}]}).encode()
    with pytest.raises(ValidationError) as caught:
        decode_json_request(cloudtrail, target, body)
    assert caught.value.message == (
        "1 validation error detected: Value null at 'lookupAttributes.1.member.attributeValue' failed to satisfy "
        "constraint: Member must not be null"
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"MaxResults": "ten"}',
        b'{"LookupAttributes": {}}',
        b"[1]",
        b"{not json",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "a\\ud800"}]}',
        b'{"NextToken": "\\udfff"}',
        b'{"x": ' * 985 + b'"\\ud800"' + b"}" * 985,  # as deep as the parser allows, then unpaired
    ],
)
def test_malformed_bodies_are_rejected(cloudtrail: Service, body: bytes) -> None:
    with pytest.raises(ValidationError):
        decode_json_request(cloudtrail, f"{cloudtrail.target_prefix}.LookupEvents", body)


def test_target_must_carry_the_service_prefix(cloudtrail: Service) -> None:
    with pytest.raises(InvalidAction):
        decode_json_request(cloudtrail, "AWSOrganizationsV20161128.LookupEvents", b"{}")
    with pytest.raises(InvalidAction):
        decode_json_request(cloudtrail, f"{cloudtrail.target_prefix}.NoSuchThing", b"{}")
    with pytest.raises(MissingAction):
        decode_json_request(cloudtrail, None, b"{}")


def test_organizations_request_round_trips() -> None:
    organizations = load_service("organizations")
    params = {
        "Email": "ops@example.com",
        "AccountName": "ops",
        "IamUserAccessToBilling": "ALLOW",
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    target, body = _serialize(organizations, "CreateAccount", params)
    assert decode_json_request(organizations, target, body)[1] == params
    assert json_content_type(organizations) == "application/x-amz-json-1.1"


def test_an_error_echoing_a_lone_surrogate_is_still_utf8_json() -> None:
    # Found by the fuzzer: header bytes that are not UTF-8 reach messages as lone surrogates
    # (an Authorization header echoed by IncompleteSignature); JSON answers carry them as U+FFFD.
    body = encode_json_error(ValidationError("bad \udcff value"))
    assert json.loads(body.decode("utf-8")) == {"__type": "ValidationException", "message": "bad \ufffd value"}


def test_paired_surrogate_escapes_are_characters(cloudtrail: Service) -> None:
    body = b'{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "\\ud83d\\ude00"}]}'
    _, params = decode_json_request(cloudtrail, f"{cloudtrail.target_prefix}.LookupEvents", body)
    assert params["LookupAttributes"][0]["AttributeValue"] == "\U0001f600"
