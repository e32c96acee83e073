"""Shape features IAM and STS do not exercise (flattened lists and maps, locationName, blobs and
timestamps in input, doubles, recursion), checked against botocore on a small hand-made model.

https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from warden.protocol.query_reader import QueryReader
from warden.protocol.query_writer import QueryWriter
from warden.protocol.xml import XmlWriter

_SHAPES: dict[str, Any] = {
    "Input": {
        "type": "structure",
        "members": {
            "Flat": {"shape": "StringList", "locationName": "Item"},
            "Plain": {"shape": "NamedList"},
            "Attrs": {"shape": "FlatMap"},
            "Props": {"shape": "NamedMap"},
            "Data": {"shape": "Blob"},
            "When": {"shape": "Time"},
            "Ratio": {"shape": "Double"},
            "Renamed": {"shape": "String", "locationName": "OtherName"},
            "Tree": {"shape": "Node"},
        },
    },
    "StringList": {"type": "list", "member": {"shape": "String", "locationName": "Item"}, "flattened": True},
    "NamedList": {"type": "list", "member": {"shape": "String", "locationName": "Entry"}},
    "FlatMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}, "flattened": True},
    "NamedMap": {
        "type": "map",
        "key": {"shape": "String", "locationName": "Name"},
        "value": {"shape": "Long", "locationName": "Amount"},
    },
    "Node": {
        "type": "structure",
        "members": {"Label": {"shape": "String"}, "Children": {"shape": "NodeList"}},
    },
    "NodeList": {"type": "list", "member": {"shape": "Node"}},
    "String": {"type": "string"},
    "Blob": {"type": "blob"},
    "Time": {"type": "timestamp"},
    "Double": {"type": "double"},
    "Long": {"type": "long"},
}

MODEL = ServiceModel(
    {
        "metadata": {
            "protocol": "query",
            "apiVersion": "2020-01-01",
            "endpointPrefix": "synthetic",
            "xmlNamespace": "https://example.com/doc/2020-01-01/",
        },
        "operations": {
            "Echo": {
                "name": "Echo",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "Input"},
                "output": {"shape": "Input", "resultWrapper": "EchoResult"},
            }
        },
        "shapes": _SHAPES,
    },
    service_name="synthetic",
)

VALUE: dict[str, Any] = {
    "Flat": ["x", "y & z"],
    "Plain": ["p1", "p2"],
    "Attrs": {"a": "1", "b": "2"},
    "Props": {"n": 7, "m": 8},
    "Data": b"\x00\x01binary\xff",
    "When": datetime(2024, 2, 29, 23, 59, 58, tzinfo=UTC),
    "Ratio": 0.25,
    "Renamed": "renamed <value>",
    "Tree": {"Label": "root", "Children": [{"Label": "leaf", "Children": [{"Label": "deeper"}]}]},
}


def test_botocore_serialized_input_reads_back() -> None:
    operation = MODEL.operation_model("Echo")
    request = create_serializer("query").serialize_to_request(VALUE, operation)
    body = dict(parse_qsl(urlencode(request["body"]), keep_blank_values=True))
    assert QueryReader().read_input(operation.input_shape, body) == VALUE


def test_written_output_parses_back_with_botocore() -> None:
    operation = MODEL.operation_model("Echo")
    out = XmlWriter()
    out.start("EchoResponse", {"xmlns": "https://example.com/doc/2020-01-01/"})
    QueryWriter().writer(operation.output_shape)(out, "EchoResult", VALUE)
    out.end()
    parsed = create_parser("query").parse(
        {"body": out.finish(), "status_code": 200, "headers": {}}, operation.output_shape
    )
    parsed.pop("ResponseMetadata")
    assert parsed == VALUE
