"""Every operation warden serves, called over HTTP, leaves exactly one well-formed CloudTrail
event carrying its request id, whether it succeeded, failed validation of its content, or was
denied. A new operation is covered the moment it joins a handler table.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer  # type: ignore[import-not-found]
from sqlalchemy import select

from sample_inputs import sample_value  # type: ignore[import-not-found]
from warden.protocol import load_service
from warden.server.pipeline import _SERVICES
from warden.store.sqlalchemy import schema as s

REQUIRED = (
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
    "userAgent", "requestParameters", "responseElements", "requestID", "eventID", "readOnly", "eventType",
    "managementEvent", "recipientAccountId",
)
OPERATIONS = sorted(
    (signing_name, operation)
    for signing_name, (model_name, handlers) in _SERVICES.items()
    for operation in handlers
)


def _call(client: Any, service: str, operation: str) -> str:
    shape = load_service(service).find_operation(operation).input_shape  # type: ignore[union-attr]
    params = sample_value(operation, shape) if shape is not None else {}
    try:
        response = client._make_api_call(operation, params)
    except ClientError as error:
        return str(error.response["ResponseMetadata"]["RequestId"])
    return str(response["ResponseMetadata"]["RequestId"])


@pytest.fixture(scope="module")
def calls(server: LiveServer) -> dict[tuple[str, str], str]:
    keys = server.root_keys()
    clients = {name: server.client(name, *keys) for name in _SERVICES}
    return {(name, op): _call(clients[name], _SERVICES[name][0], op) for name, op in OPERATIONS}


@pytest.fixture(scope="module")
def events(server: LiveServer, calls: dict[tuple[str, str], str]) -> dict[str, list[dict[str, Any]]]:
    server.runtime.audit.flush()
    engine = server.runtime.store._engine
    wanted = set(calls.values())
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for (record,) in conn.execute(select(s.audit_events.c.record)):
            parsed = json.loads(record)
            if parsed.get("requestID") in wanted:
                found.setdefault(parsed["requestID"], []).append(parsed)
    return found


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
def test_one_well_formed_event_per_call(
    service: str, operation: str, calls: dict[tuple[str, str], str], events: dict[str, list[dict[str, Any]]]
) -> None:
    recorded = events.get(calls[(service, operation)], [])
    assert len(recorded) == 1, f"{operation}: {len(recorded)} events"
    event = recorded[0]
    assert [key for key in REQUIRED if key not in event] == []
    assert event["eventName"] == operation
    assert event["eventSource"] == f"{service}.amazonaws.com"
    assert event["userIdentity"]["type"] == "Root"
    assert event["recipientAccountId"] == event["userIdentity"]["accountId"]
    assert isinstance(event["readOnly"], bool)
    assert ("errorCode" in event) == ("errorMessage" in event)


def test_event_ids_are_unique(events: dict[str, list[dict[str, Any]]]) -> None:
    counts = Counter(e["eventID"] for batch in events.values() for e in batch)
    assert counts and max(counts.values()) == 1
