"""botocore's own serializers and parsers: the authority the protocol tests check against."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from warden.protocol import Operation, Service


def botocore_query_body(service: Service, operation: str, params: dict[str, Any]) -> dict[str, str]:
    """The form parameters boto3 would send for `operation(**params)`, as the server receives them."""
    request = create_serializer("query").serialize_to_request(
        params, service.model.operation_model(operation)
    )
    wire = urlencode(request["body"])
    return dict(parse_qsl(wire, keep_blank_values=True, strict_parsing=bool(wire)))


def botocore_parse(protocol: str, operation: Operation, body: bytes, status: int = 200) -> dict[str, Any]:
    """What boto3 would return to its caller for this HTTP response."""
    parser = create_parser(protocol)
    response = {"body": body, "status_code": status, "headers": {"x-amzn-requestid": "req-json"}}
    shape = operation.output_shape if status < 300 else None
    parsed: dict[str, Any] = parser.parse(response, shape)
    return parsed
