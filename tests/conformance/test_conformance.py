"""The conformance corpus: AWS's documented evaluation behaviour, as data.

Every file under `cases/` holds one topic; every case is one authorization
request (the spec's format, /work/shared/spec/authorization-request.md) and
what AWS's documentation says the answer must be, with the page it follows in
`source`. The cases are the specification the engine is held to: when the
engine and a case disagree, re-read the cited page before touching either.

What is compared, and how:
- `expect.decision`: exactly.
- `expect.matched_statements` (optional): as a set of
  (policy_type, policy_index, statement_index, level) — `level` only for
  `scps`/`rcps`.
- `expect.missing_context_values` (optional): as a case-insensitive set.
- `expect.error: true`: the engine must refuse the request, by raising
  `PolicyError` or by answering an object with an `error` member. Such a case
  still records the fail-closed decision in `expect.decision`, which is not
  compared (a refused request grants nothing).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).parent / "cases"
MINIMUM_CASES = 400
DECISIONS = frozenset({"allowed", "explicitDeny", "implicitDeny"})
POLICY_TYPES = frozenset({"identity", "permissions_boundary", "session", "resource", "scps", "rcps"})
LEVELLED_TYPES = frozenset({"scps", "rcps"})
SOURCE_PREFIX = "https://docs.aws.amazon.com/"
CASE_KEYS = frozenset({"name", "source", "note", "request", "expect"})
EXPECT_KEYS = frozenset({"decision", "matched_statements", "missing_context_values", "error"})

MatchKey = tuple[str, int, int, int | None]


@dataclass(frozen=True, slots=True)
class Case:
    """One conformance case and the topic file it came from."""

    stem: str
    data: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.data.get("name", "<unnamed>"))

    @property
    def id(self) -> str:
        return f"{self.stem}/{self.name}"


def _load_topics() -> dict[str, Mapping[str, Any]]:
    """Every topic file by stem; a file that is not valid JSON fails loudly here, at collection."""
    topics: dict[str, Mapping[str, Any]] = {}
    for path in sorted(CASES_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            topics[path.stem] = json.load(handle)
    return topics


TOPICS = _load_topics()
CASES = [Case(stem, data) for stem, topic in TOPICS.items() for data in topic.get("cases", [])]


def _match_key(entry: Any) -> MatchKey:
    """The identity of one matched statement: type, policy, statement and (SCP/RCP only) level."""
    ptype = entry["policy_type"]
    level = entry.get("level") if ptype in LEVELLED_TYPES else None
    return (ptype, int(entry["policy_index"]), int(entry["statement_index"]), level)


def _matched_shape_errors(entries: Any) -> list[str]:
    if not isinstance(entries, list):
        return ["expect.matched_statements must be a list"]
    errors: list[str] = []
    for number, entry in enumerate(entries):
        where = f"expect.matched_statements[{number}]"
        if not isinstance(entry, dict):
            errors.append(f"{where} must be an object")
            continue
        ptype = entry.get("policy_type")
        if ptype not in POLICY_TYPES:
            errors.append(f"{where}.policy_type {ptype!r} is not a policy type")
        for field in ("policy_index", "statement_index"):
            value = entry.get(field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors.append(f"{where}.{field} must be a non-negative integer")
        has_level = "level" in entry
        if ptype in LEVELLED_TYPES and not (isinstance(entry.get("level"), int) and entry["level"] >= 0):
            errors.append(f"{where}.level must be a non-negative integer for {ptype}")
        if ptype not in LEVELLED_TYPES and has_level:
            errors.append(f"{where}.level is only for scps and rcps")
    return errors


def _shape_errors(data: Any) -> list[str]:
    """Everything wrong with one case's shape (empty when it is well formed)."""
    if not isinstance(data, dict):
        return ["a case must be a JSON object"]
    errors = [f"unknown member {key!r}" for key in data if key not in CASE_KEYS]
    name = data.get("name")
    if not isinstance(name, str) or not name or name != name.strip() or "/" in name:
        errors.append("name must be a non-empty string without '/' or surrounding spaces")
    source = data.get("source")
    if not isinstance(source, str) or not source.startswith(SOURCE_PREFIX):
        errors.append(f"source must be a URL under {SOURCE_PREFIX}")
    if "note" in data and not isinstance(data["note"], str):
        errors.append("note must be a string")
    request = data.get("request")
    if not isinstance(request, dict):
        errors.append("request must be an object")
    else:
        for field in ("principal", "action", "resource"):
            if not isinstance(request.get(field), str):
                errors.append(f"request.{field} must be a string")
        if not isinstance(request.get("policies"), dict):
            errors.append("request.policies must be an object")
    expect = data.get("expect")
    if not isinstance(expect, dict):
        return errors + ["expect must be an object"]
    errors += [f"unknown member expect.{key}" for key in expect if key not in EXPECT_KEYS]
    if expect.get("decision") not in DECISIONS:
        errors.append(f"expect.decision must be one of {sorted(DECISIONS)}")
    if "error" in expect and expect["error"] is not True:
        errors.append("expect.error, when present, must be true")
    if "matched_statements" in expect:
        errors += _matched_shape_errors(expect["matched_statements"])
    missing = expect.get("missing_context_values", [])
    if not isinstance(missing, list) or not all(isinstance(key, str) for key in missing):
        errors.append("expect.missing_context_values must be a list of strings")
    return errors


def _engine() -> tuple[Callable[[Mapping[str, Any]], dict[str, Any]], type[Exception]]:
    """The engine's public entry point, or a skip while it is not importable yet."""
    try:
        from warden.policy import authorize
        from warden.policy.errors import PolicyError
    except ImportError as exc:  # the engine is written in parallel with this corpus
        pytest.skip(f"warden.policy.authorize is not importable: {exc}")
    return authorize, PolicyError


# --- the corpus itself -----------------------------------------------------------------------


def test_corpus_has_enough_cases() -> None:
    assert len(CASES) >= MINIMUM_CASES, f"only {len(CASES)} conformance cases"


def test_every_topic_file_is_a_non_empty_topic() -> None:
    assert TOPICS, f"no topic files under {CASES_DIR}"
    for stem, topic in TOPICS.items():
        assert isinstance(topic, dict), stem
        assert set(topic) == {"topic", "cases"}, f"{stem}: members must be exactly topic and cases"
        assert isinstance(topic["topic"], str) and topic["topic"], f"{stem}: topic must be a non-empty string"
        assert isinstance(topic["cases"], list) and topic["cases"], f"{stem}: no cases"


def test_case_names_are_unique_across_the_corpus() -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for case in CASES:
        if case.name in seen:
            duplicates.append(f"{case.name} ({seen[case.name]} and {case.stem})")
        seen.setdefault(case.name, case.stem)
    assert not duplicates, "duplicate case names: " + ", ".join(duplicates)


def test_every_case_is_well_formed() -> None:
    problems = [f"{case.id}: {error}" for case in CASES for error in _shape_errors(case.data)]
    assert not problems, "\n".join(problems)


def test_shape_check_rejects_bad_cases() -> None:
    """The shape check itself must be able to fail, or the corpus could rot silently."""
    good = copy.deepcopy(CASES[0].data)
    assert _shape_errors(good) == []
    bad_source = {**good, "source": "https://example.com/iam"}
    bad_decision = {**good, "expect": {**good["expect"], "decision": "deny"}}
    bad_level = {**good, "expect": {"decision": "allowed", "matched_statements": [
        {"policy_type": "scps", "policy_index": 0, "statement_index": 0}]}}
    for bad in (bad_source, bad_decision, bad_level, {**good, "surprise": 1}):
        assert _shape_errors(bad), bad


# --- the engine against the corpus -----------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_conformance(case: Case) -> None:
    """One documented behaviour; `case.data["source"]` names the AWS page it follows."""
    assert _shape_errors(case.data) == [], f"malformed case {case.id}"
    authorize, policy_error = _engine()
    expect = case.data["expect"]
    request = copy.deepcopy(case.data["request"])
    source = case.data["source"]

    if expect.get("error"):
        try:
            answer = authorize(request)
        except policy_error:
            return
        assert isinstance(answer, dict) and "error" in answer, (
            f"expected the request to be refused as malformed ({source}), got {answer!r}"
        )
        return

    answer = authorize(request)
    assert "error" not in answer, f"unexpected error answer {answer['error']!r} ({source})"
    assert answer["decision"] == expect["decision"], (
        f"decision {answer['decision']!r}, expected {expect['decision']!r} ({source}); "
        f"reason: {answer.get('reason')!r}"
    )
    if "matched_statements" in expect:
        got = {_match_key(entry) for entry in answer["matched_statements"]}
        want = {_match_key(entry) for entry in expect["matched_statements"]}
        assert got == want, f"matched statements: extra {sorted(got - want, key=str)}, missing {sorted(want - got, key=str)}"
    if "missing_context_values" in expect:
        got_keys = {key.lower() for key in answer["missing_context_values"]}
        want_keys = {key.lower() for key in expect["missing_context_values"]}
        assert got_keys == want_keys, f"missing context values: got {sorted(got_keys)}, expected {sorted(want_keys)}"
