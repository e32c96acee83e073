"""The AWS JSON 1.0/1.1 protocol (CloudTrail, Organizations): `X-Amz-Target: Prefix.Operation`.

Requests are a JSON object of the input shape posted with `Content-Type:
application/x-amz-json-1.1`; responses are the output shape as JSON; errors are
`{"__type": "Code", "message": "..."}` with the error's HTTP status. Validation is the same
compiled validator the Query protocol uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from warden.errors import AwsError, InvalidAction, MissingAction, ValidationError
from warden.text import has_lone_surrogate, utf8_safe

from .json_shapes import JsonReader, JsonWriter
from .models import Operation, Service
from .validate import validate_input

__all__ = [
    "decode_json_request",
    "encode_json_error",
    "encode_json_response",
    "find_json_operation",
    "json_content_type",
    "json_error_code",
]

#: The Query services and the JSON services name two framework errors differently; warden keeps
#: one class per error and renames it on the JSON wire, where SDKs expect the JSON name.
_JSON_CODES = {
    "AccessDenied": "AccessDeniedException",
    ValidationError.code: "ValidationException",
    InvalidAction.code: "UnknownOperationException",
    MissingAction.code: "UnknownOperationException",
}




@cache
def _reader(service_name: str) -> JsonReader:
    return JsonReader()


@cache
def _writer(service_name: str) -> JsonWriter:
    return JsonWriter()


def json_content_type(service: Service) -> str:
    """`application/x-amz-json-1.1` (or `-1.0`), as the model's `jsonVersion` says."""
    return f"application/x-amz-json-{service.json_version or '1.0'}"


def find_json_operation(service: Service, target: str | None) -> Operation:
    """The operation an `X-Amz-Target` header names, which must carry the service's prefix."""
    if not target:
        raise MissingAction("Missing X-Amz-Target header")
    prefix, _, name = target.rpartition(".")
    operation = service.find_operation(name) if prefix == service.target_prefix else None
    if operation is None:
        raise InvalidAction(f"Could not find operation {name or target} for version {service.api_version}")
    return operation


def decode_json_request(
    service: Service, target: str | None, body: bytes
) -> tuple[Operation, dict[str, Any]]:
    """Find the operation, read the JSON body against its input shape, and validate it.

    An empty body is an empty object, as SDKs send nothing for operations without input.
    """
    operation = find_json_operation(service, target)
    try:
        document = json.loads(body) if body.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # nesting past the parser's depth
        raise ValidationError("The request body is not valid JSON.") from None
    if _SURROGATE_ESCAPE.search(body):
        try:
            unpaired = _holds_lone_surrogate(document)
        except RecursionError:  # nested almost as deep as the parser allows
            raise ValidationError("The request body is not valid JSON.") from None
        if unpaired:
            # `"\ud800"` parses, but names no character: no text can hold it, nor a store look it up.
            raise ValidationError("The request body is not valid JSON: it holds an unpaired surrogate.")
    params = _reader(service.name).read_input(operation.input_shape, document)
    validate_input(operation, params)
    return operation, params


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether any string in a decoded JSON document (keys included) has an unpaired surrogate."""
    if isinstance(value, str):
        return has_lone_surrogate(value)
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(k) or _holds_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_lone_surrogate(item) for item in value)
    return False


def _utf8(document: Any) -> bytes:
    """Compact JSON as UTF-8; a lone surrogate (echoed from a header that was not UTF-8, or from
    a `\\ud800` escape in the request) is written as U+FFFD, which UTF-8 can carry."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return utf8_safe(text).encode("utf-8")


def encode_json_response(operation: Operation, result: Mapping[str, Any]) -> bytes:
    """The output shape as compact JSON: timestamps as epoch seconds, blobs as base64."""
    return _utf8(_writer(operation.service_name).document(operation.output_shape, result))


def json_error_code(error: AwsError) -> str:
    """The `__type` an error carries on the JSON wire."""
    return _JSON_CODES.get(error.code, error.code)


def encode_json_error(error: AwsError) -> bytes:
    """`{"__type": ..., "message": ...}`; the request id travels in `x-amzn-RequestId`."""
    return _utf8({"__type": json_error_code(error), "message": error.message})
