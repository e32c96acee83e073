"""A change and its audit event commit together or not at all (DESIGN.md principle 4): the
dispatcher records the event inside the change's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness import Harness, make_harness
from warden.audit import DraftAudit, EventDraft
from warden.model import AuditQuery
from warden.protocol import load_service
from warden.services import iam
from warden.services.call import RequestMeta
from warden.services.dispatch import dispatch
from warden.store import Transaction


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return make_harness(tmp_path, {"iam": iam.HANDLERS})


def _run(h: Harness, operation: str, params: dict[str, Any], audit: Any) -> Mapping[str, Any]:
    meta = RequestMeta("req-1", h.now, "127.0.0.1", "tests", False, "us-east-1")
    return dispatch(
        store=h.store, services=h.env, feed=h.feed, handlers=h.handlers["iam"], operation=operation,
        caller=h.root, meta=meta, params=params, audit=audit,
    )


def _draft(h: Harness, name: str, params: dict[str, Any] | None = None) -> EventDraft:
    return EventDraft(
        event_id=f"00000000-0000-4000-8000-{len(name):012d}", request_id="req-1", event_time=h.now,
        service="iam", region="us-east-1", source_ip="127.0.0.1", user_agent="tests", event_name=name,
        caller=h.root, operation=load_service("iam").find_operation(name), params=params,
    )


def _events(h: Harness) -> list[str]:
    with h.store.transaction(readonly=True) as tx:
        return [e.event.event_name for e in tx.lookup_audit_events(AuditQuery(), 100)]


def test_a_change_commits_with_its_event(h: Harness) -> None:
    audit = DraftAudit(_draft(h, "CreateUser", {"UserName": "kept"}))
    _run(h, "CreateUser", {"UserName": "kept"}, audit)
    assert _events(h) == ["CreateUser"]
    assert audit.event is not None and '"userName":"kept"' in audit.event.record


def test_when_the_event_cannot_be_stored_the_change_is_undone(h: Harness) -> None:
    class Broken:
        def record_in(self, tx: Transaction, result: Mapping[str, Any]) -> None:
            raise RuntimeError("the trail is unavailable")

    with pytest.raises(RuntimeError):
        _run(h, "CreateUser", {"UserName": "lost"}, Broken())
    with h.store.transaction(readonly=True) as tx:
        assert tx.get_user("111122223333", "lost") is None
    assert _events(h) == []


def test_a_failed_change_leaves_no_event_in_its_transaction(h: Harness) -> None:
    h.call("CreateUser", {"UserName": "twice"})
    audit = DraftAudit(_draft(h, "CreateUser"))
    with pytest.raises(Exception, match="already exists"):
        _run(h, "CreateUser", {"UserName": "twice"}, audit)
    assert _events(h) == []  # the pipeline then records the failure outside the transaction


def test_reads_are_not_recorded_in_the_transaction(h: Harness) -> None:
    audit = DraftAudit(_draft(h, "ListUsers"))
    _run(h, "ListUsers", {}, audit)
    assert audit.event is None and _events(h) == []
