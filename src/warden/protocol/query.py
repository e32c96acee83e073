"""The AWS Query protocol (IAM 2010-05-08, STS 2011-06-15): one generic codec for every action.

Requests are form-encoded `Action=CreateUser&Version=2010-05-08&UserName=...`; responses are XML
in the service's namespace with a `<RequestId>`; errors are `<ErrorResponse>` documents. All
per-action knowledge comes from the botocore model through `query_reader`, `query_writer` and
`validate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from warden.errors import AwsError, InvalidAction, MissingAction

from .models import Operation, Service
from .query_reader import QueryReader
from .query_writer import QueryWriter
from .validate import validate_input
from .xml import XmlWriter, escape_text

__all__ = [
    "IAM_XML_NAMESPACE",
    "QUERY_CONTENT_TYPE",
    "decode_query_request",
    "encode_query_error",
    "encode_query_response",
    "find_query_operation",
]

QUERY_CONTENT_TYPE = "text/xml"
IAM_XML_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"


@cache
def _reader(service_name: str) -> QueryReader:
    return QueryReader()


@cache
def _writer(service_name: str) -> QueryWriter:
    return QueryWriter()


def find_query_operation(service: Service, body_params: Mapping[str, str]) -> Operation:
    """The operation named by `Action` (and `Version`, when given) or AWS's error for it."""
    action = body_params.get("Action")
    if not action:
        raise MissingAction("Missing Action")
    version = body_params.get("Version") or service.api_version
    operation = service.find_operation(action) if version == service.api_version else None
    if operation is None:
        raise InvalidAction(f"Could not find operation {action} for version {version}")
    return operation


def decode_query_request(
    service: Service, body_params: Mapping[str, str]
) -> tuple[Operation, dict[str, Any]]:
    """Find the operation, read its typed parameters, and validate them against the input shape.

    `body_params` is the form body (or, for GET, the query string) already split into keys and
    values. Returns the parameters keyed by model member names (`UserName`, `Tags`), typed per
    shape. Raises `MissingAction`, `InvalidAction` or `ValidationError` as AWS does.
    """
    operation = find_query_operation(service, body_params)
    params = _reader(service.name).read_input(operation.input_shape, body_params)
    validate_input(operation, params)
    return operation, params


_SENTINEL_ID = "00000000-0000-4000-8000-00000000feed"
_FLAT_ANSWERS: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[bytes, bytes]] = {}
_FLAT_ANSWERS_MAX = 4096


def encode_query_response(operation: Operation, result: Mapping[str, Any], request_id: str) -> bytes:
    """`<XResponse xmlns=NS><XResult>...</XResult><ResponseMetadata>...` for a successful call.

    Answers made only of strings (GetCallerIdentity's) repeat for the same caller; their encoding
    is kept, split around the request id, so a repeat costs a concatenation."""
    if all(type(value) is str for value in result.values()):
        key = (operation.service_name, operation.name, tuple(sorted(result.items())))
        halves = _FLAT_ANSWERS.get(key)
        if halves is None:
            head, _, tail = _encode(operation, result, _SENTINEL_ID).partition(_SENTINEL_ID.encode())
            halves = (head, tail)
            if len(_FLAT_ANSWERS) >= _FLAT_ANSWERS_MAX:
                _FLAT_ANSWERS.clear()
            _FLAT_ANSWERS[key] = halves
        return halves[0] + escape_text(request_id).encode() + halves[1]
    return _encode(operation, result, request_id)


def _encode(operation: Operation, result: Mapping[str, Any], request_id: str) -> bytes:
    out = XmlWriter()
    namespace = operation.xml_namespace
    out.start(operation.response_element, {"xmlns": namespace} if namespace else None)
    shape = operation.output_shape
    if shape is not None:
        writer = _writer(operation.service_name)
        if operation.result_wrapper:
            writer.writer(shape)(out, operation.result_wrapper, result)
        else:
            writer.write_members(out, shape, result)
    out.start("ResponseMetadata")
    out.element("RequestId", request_id)
    out.end()
    out.end()
    return out.finish()


def encode_query_error(error: AwsError, request_id: str, xml_namespace: str = IAM_XML_NAMESPACE) -> bytes:
    """AWS's Query error document; the HTTP status is `error.http_status`."""
    out = XmlWriter()
    out.start("ErrorResponse", {"xmlns": xml_namespace})
    out.start("Error")
    out.element("Type", error.fault_type)
    out.element("Code", error.code)
    out.element("Message", error.message)
    out.end()
    out.element("RequestId", request_id)
    out.end()
    return out.finish()
