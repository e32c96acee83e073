"""Statements indexed by what their Resource element can match.

A decision should cost in proportion to the statements relevant to its
request, not to the size of the policy set. Each distinct Resource value is
indexed once: literal values by dictionary lookup, wildcard values by the
literal text before their first wildcard. For an ARN-shaped value that text
is taken from the sixth component (the resource part), because wildcards in
the region or account would otherwise leave only `arn:aws:ec2:` to go on; the
first five components of an ARN pattern never match across a colon
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN),
so a matching resource's own sixth component must start with that text.
Prefixes are grouped by length, so finding every prefix of a resource costs
one lookup per distinct length. A value shared by many statements is matched
once per resource.

A selection is exact for statements whose Resource element does not depend
on the request context; statements with policy variables in it are always
selected and checked by the caller (`Entry.dynamic`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from .arn import split_arn

if TYPE_CHECKING:
    from .compile import Entry

__all__ = ["SELECT_MEMO_SIZE", "Bucket"]

SELECT_MEMO_SIZE = 2048
_NO_CONTEXT: Mapping[str, str | tuple[str, ...]] = {}
_WILDCARD_RE = re.compile(r"[*?]")

_Keyed = dict[int, dict[str, list[int]]]


def _literal_prefix(pattern: str) -> str:
    return _WILDCARD_RE.split(pattern, maxsplit=1)[0]


def _add_key(index: _Keyed, key: str, value_id: int) -> None:
    index.setdefault(len(key), {}).setdefault(key, []).append(value_id)


class Bucket:
    """Entries of one evaluation group (or of all groups) that share an action."""

    __slots__ = ("always", "checked", "literal", "memo", "tails", "values", "wholes")

    def __init__(self, entries: Iterable[Entry]) -> None:
        literal: dict[str, list[Entry]] = {}
        value_ids: dict[str, int] = {}
        values: list[tuple[Callable[[str], bool], list[Entry]]] = []
        tails: _Keyed = {}
        wholes: _Keyed = {}
        always: list[Entry] = []
        checked: list[Entry] = []
        for entry in entries:
            matcher = entry.compiled.resource
            if matcher.negated or matcher.templates:
                checked.append(entry)
                continue
            for value in matcher.literals:
                literal.setdefault(value, []).append(entry)
            for value, match in zip(matcher.pattern_values, matcher.patterns):
                if value == "*":
                    always.append(entry)
                    continue
                value_id = value_ids.get(value)
                if value_id is None:
                    value_id = value_ids[value] = len(values)
                    values.append((match, []))
                    parts = split_arn(value)
                    if parts is None:
                        _add_key(wholes, _literal_prefix(value), value_id)
                    else:
                        _add_key(tails, _literal_prefix(parts[5]), value_id)
                values[value_id][1].append(entry)
        self.literal = {k: tuple(v) for k, v in literal.items()}
        self.values = tuple((match, tuple(found)) for match, found in values)
        self.tails = {n: {k: tuple(v) for k, v in keyed.items()} for n, keyed in tails.items()}
        self.wholes = {n: {k: tuple(v) for k, v in keyed.items()} for n, keyed in wholes.items()}
        self.always = tuple(always)
        self.checked = tuple(checked)
        # resource -> selection; the bucket is immutable, so a selection never goes stale.
        self.memo: dict[str, tuple[Entry, ...]] = {}

    def select(self, resource: str) -> tuple[Entry, ...]:
        """Entries whose Resource element matches `resource` (plus dynamic ones), in evaluation order."""
        found = self.memo.get(resource)
        if found is None:
            found = self._select(resource)
            if len(self.memo) >= SELECT_MEMO_SIZE:
                self.memo.clear()  # bounded: a flood of distinct resources cannot grow it
            self.memo[resource] = found
        return found

    def _select(self, resource: str) -> tuple[Entry, ...]:
        hits: dict[int, Entry] = {entry.order: entry for entry in self.always}
        for entry in self.literal.get(resource, ()):
            hits[entry.order] = entry
        value_ids: list[int] = []
        if self.tails:
            parts = split_arn(resource)
            if parts is not None:
                tail = parts[5]
                for length, keyed in self.tails.items():
                    value_ids.extend(keyed.get(tail[:length], ()))
        for length, keyed in self.wholes.items():
            value_ids.extend(keyed.get(resource[:length], ()))
        values = self.values
        for value_id in value_ids:
            match, entries = values[value_id]
            if match(resource):
                for entry in entries:
                    hits[entry.order] = entry
        for entry in self.checked:
            if entry.dynamic or entry.compiled.resource.matches(resource, _NO_CONTEXT):
                hits[entry.order] = entry
        return tuple(hits[order] for order in sorted(hits))
