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

__all__ = ["Bucket"]

_NO_CONTEXT: Mapping[str, str | tuple[str, ...]] = {}
_WILDCARD_RE = re.compile(r"[*?]")

_Keyed = dict[int, dict[str, tuple[int, ...]]]


def _literal_prefix(pattern: str) -> str:
    return _WILDCARD_RE.split(pattern, maxsplit=1)[0]


def _add_key(index: dict[int, dict[str, list[int]]], key: str, value_id: int) -> None:
    index.setdefault(len(key), {}).setdefault(key, []).append(value_id)


def _freeze(index: dict[int, dict[str, list[int]]]) -> _Keyed:
    return {n: {k: tuple(v) for k, v in keyed.items()} for n, keyed in index.items()}


class Bucket:
    """Entries that share an action, indexed by their Resource element.

    Entries are held by their `order` (unique within a policy set) so that a
    selection is a set union of precomputed tuples, sorted once at the end.
    """

    __slots__ = ("always", "by_order", "checked", "dynamic", "literal", "tails", "values", "wholes")

    def __init__(self, entries: Iterable[Entry]) -> None:
        literal: dict[str, list[int]] = {}
        value_ids: dict[str, int] = {}
        values: list[tuple[Callable[[str], bool], list[int]]] = []
        tails: dict[int, dict[str, list[int]]] = {}
        wholes: dict[int, dict[str, list[int]]] = {}
        always: list[int] = []
        checked: list[Entry] = []
        by_order: dict[int, Entry] = {}
        for entry in entries:
            by_order[entry.order] = entry
            matcher = entry.compiled.resource
            if matcher.negated or matcher.templates:
                checked.append(entry)
                continue
            for value in matcher.literals:
                literal.setdefault(value, []).append(entry.order)
            for value, match in zip(matcher.pattern_values, matcher.patterns):
                if value == "*":
                    always.append(entry.order)
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
                values[value_id][1].append(entry.order)
        self.by_order = by_order
        self.literal = {k: tuple(v) for k, v in literal.items()}
        self.values = tuple((match, tuple(found)) for match, found in values)
        self.tails = _freeze(tails)
        self.wholes = _freeze(wholes)
        self.always = tuple(always)
        self.checked = tuple(checked)
        self.dynamic = tuple(entry.order for entry in checked if entry.dynamic)

    def signature(self, resource: str) -> tuple[object, ...]:
        """What `resource` matches: the literal, the wildcard values and the checked entries.

        Two resources with equal signatures select the same entries, so callers
        can share one selection (and what they derive from it) between them. The
        parts come in a fixed order, so equal sets give equal tuples.
        """
        values = self.values
        matched: list[int] = []
        if self.tails:
            parts = split_arn(resource)
            if parts is not None:
                tail = parts[5]
                for length, keyed in self.tails.items():
                    for value_id in keyed.get(tail[:length], ()):
                        if values[value_id][0](resource):
                            matched.append(value_id)
        for length, keyed in self.wholes.items():
            for value_id in keyed.get(resource[:length], ()):
                if values[value_id][0](resource):
                    matched.append(value_id)
        checked = [
            entry.order
            for entry in self.checked
            if not entry.dynamic and entry.compiled.resource.matches(resource, _NO_CONTEXT)
        ]
        return (resource if resource in self.literal else None, tuple(matched), tuple(checked))

    def hits(self, signature: tuple[object, ...]) -> set[int]:
        """The orders of the entries a `signature` selects (always-matching and context-dependent ones included)."""
        literal, matched, checked = signature
        hits = set(self.always)
        if literal is not None:
            hits.update(self.literal[literal])  # type: ignore[index]
        values = self.values
        for value_id in matched:  # type: ignore[attr-defined]
            hits.update(values[value_id][1])
        hits.update(checked)  # type: ignore[arg-type]
        hits.update(self.dynamic)
        return hits

    def select(self, resource: str) -> tuple[Entry, ...]:
        """Entries whose Resource element matches `resource` (plus context-dependent ones), in order."""
        return tuple(map(self.by_order.__getitem__, sorted(self.hits(self.signature(resource)))))
