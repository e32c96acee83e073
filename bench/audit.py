"""Per-event CPU of recording one audit event: building it, storing it, evaluating alert rules.

The background writer does all three for every read-only request, and the server is measured on
one core, so this is CPU taken from requests. Each step is measured the former way and the current
way on the same inputs in the same run (process time per event, min and median of rounds):

- build: `build_event` with the former pieces patched back in (json.dumps + sha256 of the
  re-encoded text, userIdentity built per record, strftime) against `build_event` as it is; and
  the serializer alone, json.dumps against `record_text`.
- store: a batch of 500 events through SQLAlchemy Core's executemany of dict rows (the former
  path) against `append_audit_events`, on SQLite, and on PostgreSQL with `--postgres URL`.
- alerts: `AlertEngine.evaluate` over the shipped rules with full matches only and json.dumps
  for the body of each alert raised, against required-field screens and the orjson body.
- templates (bench/audit_writer.py): `build_event` building every record in full against
  splicing repeated shapes from their template; and the writer thread's whole loop (build,
  store on SQLite, alert rules) as this change found it against as it is now.

Two workloads: GetCallerIdentity by an IAM user (the read-heavy load the server is measured
with), and a mix in equal parts of that, GetUser by a role session, CreateUser by the root user
and a denied ListUsers (root calls and denial bursts fire alerts, whose serialization both
engines pay alike).
Run: python -m bench.audit [--quick] [--postgres URL]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import insert

from bench.audit_writer import bench_templates, bench_writer, untemplated
from warden.audit import events as audit_events
from warden.audit import identity as audit_identity
from warden.audit.alerts import AlertEngine, StaticRules
from warden.audit.alerts import delivery as alert_delivery
from warden.audit.alerts.defaults import default_rules
from warden.audit.events import EventDraft, build_event
from warden.audit.identity import user_identity
from warden.audit.record_json import record_text
from warden.model import AuditEvent
from warden.protocol import load_service
from warden.services.caller import Caller, CallerKind
from warden.store import Store, open_store
from warden.store.sqlalchemy import schema as s

ACCOUNT = "111122223333"
T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
USER = Caller(
    CallerKind.USER,
    f"arn:aws:iam::{ACCOUNT}:user/bench",
    ACCOUNT,
    "AIDAPHBSFETO77YLHF27O",
    "AKIAZSUN4SPZKEZOLJVJ",
    name="bench",
)
ROLE_SESSION = Caller(
    CallerKind.ASSUMED_ROLE,
    f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ci-run",
    ACCOUNT,
    "AROAEXAMPLEROLEID0001:ci-run",
    "ASIAEXAMPLETEMPKEY01",
    role_arn=f"arn:aws:iam::{ACCOUNT}:role/deploy",
    role_name="deploy",
    session_name="ci-run",
    token_issued_at=T0 - timedelta(minutes=5),
)
ROOT = Caller(CallerKind.ROOT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT, ACCOUNT, "AKIAROOTEXAMPLEKEY01")


def _draft(index: int, kinds: int) -> EventDraft:
    sts, iam = load_service("sts"), load_service("iam")
    draft = EventDraft(
        event_id=str(uuid.UUID(int=index)),
        request_id=str(uuid.UUID(int=10**9 + index)),
        event_time=T0 + timedelta(microseconds=1500 * index),
        service="sts",
        region="us-east-1",
        source_ip="127.0.0.1",
        user_agent="Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 lang/python#3.11.7",
    )
    kind = index % kinds
    if kind == 0:
        draft.event_name, draft.caller = "GetCallerIdentity", USER
        draft.operation, draft.params = sts.find_operation("GetCallerIdentity"), {}
        draft.result = {"UserId": USER.principal_id, "Account": ACCOUNT, "Arn": USER.arn}
    elif kind == 1:
        draft.service, draft.event_name, draft.caller = "iam", "GetUser", ROLE_SESSION
        draft.operation, draft.params = iam.find_operation("GetUser"), {"UserName": "bench"}
    elif kind == 2:
        draft.service, draft.event_name, draft.caller = "iam", "CreateUser", ROOT
        draft.operation, draft.params = iam.find_operation("CreateUser"), {"UserName": f"user-{index}"}
        user = {"Path": "/", "UserName": f"user-{index}", "UserId": "AIDAEXAMPLE000000001"}
        draft.result = {"User": {**user, "Arn": f"arn:aws:iam::{ACCOUNT}:user/user-{index}", "CreateDate": T0}}
    else:
        draft.service, draft.event_name, draft.caller = "iam", "ListUsers", USER
        draft.operation, draft.params = iam.find_operation("ListUsers"), {}
        draft.fail("AccessDenied", f"User: {USER.arn} is not authorized to perform: iam:ListUsers")
    return draft


Timing = tuple[float, float]  # (min, median) microseconds per event


def per_event_us(action: Callable[[], object], count: int, rounds: int) -> Timing:
    """(min, median) of process time per event over `rounds` runs of `action` on `count` events."""
    samples = []
    for _ in range(rounds):
        start = time.process_time_ns()
        action()
        samples.append((time.process_time_ns() - start) / count / 1000)
    return min(samples), statistics.median(samples)


def report(label: str, before: Timing, after: Timing) -> None:
    print(
        f"  {label:50} {before[0]:6.2f} -> {after[0]:6.2f} us/event min"
        f"   {before[1]:7.2f} -> {after[1]:6.2f} median   x{before[0] / after[0]:5.1f}"
    )


# -- build -------------------------------------------------------------------------------------


def _json_text(document: Mapping[str, Any]) -> tuple[str, str]:
    """The former serializer: json.dumps, then the text re-encoded for its hash."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _strftime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def former_build() -> Iterator[None]:
    """build_event with the pieces it used before: json.dumps, no identity cache, strftime,
    every record built in full (no templates)."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(audit_events, "_built", untemplated))
        stack.enter_context(mock.patch.object(audit_events, "record_text", _json_text))
        stack.enter_context(mock.patch.object(audit_events, "caller_identity", user_identity))
        stack.enter_context(mock.patch.object(audit_events, "trail_time", _strftime))
        stack.enter_context(mock.patch.object(audit_identity, "trail_time", _strftime))
        yield


def bench_build(drafts: Sequence[EventDraft], rounds: int) -> tuple[Timing, Timing, list[dict[str, Any]]]:
    built = [build_event(d) for d in drafts]
    with former_build():
        # The same events, stored text and hash included, before anything is timed.
        assert [build_event(d) for d in drafts] == built
        before = per_event_us(lambda: [build_event(d) for d in drafts], len(drafts), rounds)
    after = per_event_us(lambda: [build_event(d) for d in drafts], len(drafts), rounds)
    report("build_event (former pieces -> now)", before, after)
    whole = (before, after)
    documents = [document for _, document in built]
    before = per_event_us(lambda: [_json_text(d) for d in documents], len(documents), rounds)
    after = per_event_us(lambda: [record_text(d) for d in documents], len(documents), rounds)
    report("  text + hash (json.dumps -> record_text)", before, after)
    return *whole, documents


# -- store -------------------------------------------------------------------------------------


# Event ids for stored batches, unique across workloads (they may share one database).
_STORED = itertools.count(10**12)


def _core_append(store: Store, events: Sequence[AuditEvent]) -> None:
    """The former path: SQLAlchemy Core executemany of one dict per row (no resources here)."""
    fields = [c.name for c in s.audit_events.c if c.name not in ("seq", "digest_seq")]
    rows = [{name: getattr(e, name) for name in fields} for e in events]
    with store.transaction() as tx:
        tx._conn.execute(insert(s.audit_events), rows)  # type: ignore[attr-defined]


def _current_append(store: Store, events: Sequence[AuditEvent]) -> None:
    with store.transaction() as tx:
        tx.append_audit_events(events)


def bench_store(label: str, url: str, drafts: Sequence[EventDraft], rounds: int) -> tuple[Timing, Timing]:
    """Batches of fresh events (unique ids) in the writer's batch size; resources left out so
    that both paths do the same work."""
    store = open_store(url)
    try:
        template = [replace(build_event(d)[0], resources=()) for d in drafts[:500]]

        def fresh() -> list[AuditEvent]:
            return [replace(e, event_id=str(uuid.UUID(int=next(_STORED)))) for e in template]

        paths = (_core_append, _current_append)
        samples: dict[Callable[[Store, Sequence[AuditEvent]], None], list[float]] = {p: [] for p in paths}
        for turn in range(rounds + 1):
            # Alternating, so that neither path always meets the larger table.
            for append in paths if turn % 2 else paths[::-1]:
                batch = fresh()
                start = time.process_time_ns()
                append(store, batch)
                if turn:  # the first turn warms statement caches and the database file
                    samples[append].append((time.process_time_ns() - start) / len(batch) / 1000)
        before, after = ((min(samples[p]), statistics.median(samples[p])) for p in paths)
        report(f"store, batch of 500, {label} (Core -> driver)", before, after)
        return before, after
    finally:
        store.close()


# -- alerts ------------------------------------------------------------------------------------


def _json_alert_body(record: Mapping[str, Any]) -> bytes:
    """The former alert body: json.dumps with its default ASCII escaping."""
    return json.dumps(record, default=str, separators=(",", ":")).encode("utf-8")


def bench_alerts(documents: Sequence[dict[str, Any]], rounds: int) -> tuple[Timing, Timing]:
    """The shipped rules as the engine evaluates them (eventName index, then each remaining
    rule), formerly with the full match alone and json.dumps for the body of an alert raised,
    now with required-field screens and the orjson body where it is the same bytes."""
    rules = default_rules()
    unscreened = tuple(replace(r, pattern=replace(r.pattern, required=())) for r in rules)
    former = AlertEngine(StaticRules(unscreened), start=False)
    current = AlertEngine(StaticRules(rules), start=False)

    def fired(engine: AlertEngine) -> list[list[tuple[str, bytes]]]:
        return [[(a.rule, a.body) for a in engine.evaluate(d)] for d in documents]

    with mock.patch.object(alert_delivery, "ascii_record_bytes", _json_alert_body):
        raised = fired(former)
        before = per_event_us(lambda: fired(former), len(documents), rounds)
    assert fired(current) == raised
    after = per_event_us(lambda: fired(current), len(documents), rounds)
    report("alerts (former -> screened) evaluate", before, after)
    return before, after


def _writer_drafts(kind: int, count: int) -> Callable[[int], list[EventDraft]]:
    """Fresh event ids each round (they are unique in the trail), one request shape repeated."""
    return lambda turn: [_draft((turn * count + i) * 4 + kind, 4) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer events and rounds")
    parser.add_argument("--postgres", metavar="URL", help="also store into this (empty) PostgreSQL database")
    args = parser.parse_args()
    count, rounds = (500, 5) if args.quick else (2000, 15)
    print(f"{count} events, {rounds} rounds; process time per event, former -> current\n")
    for workload, kinds in (("GetCallerIdentity by an IAM user", 1), ("mixed", 4)):
        print(workload)
        drafts = [_draft(i, kinds) for i in range(count)]
        *build, documents = bench_build(drafts, rounds)
        with tempfile.TemporaryDirectory() as folder:
            store = bench_store("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", drafts, rounds)
        if args.postgres:
            bench_store("PostgreSQL", args.postgres, drafts, rounds)
        alerts = bench_alerts(documents, rounds)
        steps = (build, store, alerts)
        total = [tuple(sum(step[side][stat] for step in steps) for stat in (0, 1)) for side in (0, 1)]
        report("build + store (SQLite) + alerts", (total[0][0], total[0][1]), (total[1][0], total[1][1]))
        bench_templates(drafts, rounds, report)
    print("\nthe writer thread's loop (build, store, alert rules), record templates: former -> now")
    for kind, label in ((0, "GetCallerIdentity, IAM user"), (1, "GetUser, role session")):
        with tempfile.TemporaryDirectory() as folder:
            bench_writer(f"{label}, SQLite", f"sqlite:///{Path(folder) / 'writer.db'}",
                         _writer_drafts(kind, count), rounds, report)
        if args.postgres:
            # Fresh event ids: the store step's batches may already be in this database.
            bench_writer(f"{label}, PostgreSQL", args.postgres, _writer_drafts(kind + 4 * 10**6, count), rounds, report)


if __name__ == "__main__":
    main()
