"""Per (action, resource) evaluation plans: the selected statements, arranged for `decide()`.

Once the resource index has selected the statements whose Action and Resource
elements match, everything left depends on the caller and the context only
through each statement's *check*: its Principal/NotPrincipal element, its
conditions and (for a Resource with policy variables) its resource. Many
statements share one check (the same condition block repeated across a policy
set, or no condition at all), so a plan numbers the distinct checks and a
decision evaluates each once, then reads every statement's answer by number.
Statements with no check at all (`Entry.plain`) always apply and get the
number -1, whose answer is always the direct grant.

A plan also keeps what explained decisions report without re-walking the
statements: the location of each one, and the context keys read by the
statements whose resource already matched (for `missing_context_values`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .matched import MatchedStatement

if TYPE_CHECKING:
    from .compile import Entry

__all__ = ["PLAIN", "Plan", "Planner"]

PLAIN = -1  # the check number of a statement that applies whenever it is selected


class Plan:
    """The selected statements of one (action, resource) pair, in evaluation order.

    `checks` holds one representative entry per distinct check (`Entry.check`);
    `items` is each statement's (location, check number), prebuilt per entry;
    `denies` lists every Deny and `allows` every Allow per evaluation group;
    `reads` is the static part of `missing_context_values` ((lowercased key, key
    as first written), in first-read order) and `ordered_reads` replaces it when
    some Resource element reads the context (then reads are judged per request).
    Plans are built from references to precomputed per-entry values, so that
    building one allocates a handful of objects however many statements it holds.
    """

    __slots__ = ("allow_groups", "allows", "checks", "denies", "items", "ordered_reads", "reads")

    def __init__(
        self,
        checks: tuple[Entry, ...],
        items: tuple[tuple[MatchedStatement, int], ...],
        denies: tuple[Entry, ...],
        allows: tuple[tuple[Entry, ...], ...],
        reads: tuple[tuple[str, str], ...],
        ordered_reads: tuple[Entry, ...] | None,
    ) -> None:
        self.checks = checks
        self.items = items
        self.denies = denies
        self.allows = allows
        self.allow_groups = tuple((group, found) for group, found in enumerate(allows) if found)
        self.reads = reads
        self.ordered_reads = ordered_reads


_NO_ENTRIES: tuple[Entry, ...] = ()


class Planner:
    """Per-action tables that turn a selection (a set of entry orders) into a `Plan`.

    Everything a plan holds is precomputed per entry and keyed by order, so that
    arranging a selection is set algebra and lookups done in C: a sort, an
    intersection per role, and a Python loop only over the statements that have
    a check (conditions, a principal, a context-dependent resource).
    """

    __slots__ = ("allows", "by_order", "checked", "denies", "group_count", "groups", "items")

    def __init__(self, entries: Sequence[Entry], group_count: int) -> None:
        self.group_count = group_count
        self.by_order = {entry.order: entry for entry in entries}
        self.items = {entry.order: entry.item for entry in entries}
        self.denies = frozenset(entry.order for entry in entries if entry.deny)
        self.checked = frozenset(entry.order for entry in entries if entry.check >= 0)
        allows: dict[int, set[int]] = {}
        groups: dict[int, set[int]] = {}
        for entry in entries:
            groups.setdefault(entry.group, set()).add(entry.order)
            if not entry.deny:
                allows.setdefault(entry.group, set()).add(entry.order)
        self.allows = {group: frozenset(orders) for group, orders in allows.items()}
        self.groups = {group: frozenset(orders) for group, orders in groups.items()}

    def build(self, hits: set[int], group_on: Sequence[bool]) -> Plan:
        """Arrange the selected orders `hits` (consumed); entries of groups that are off are left out."""
        for group, orders in self.groups.items():
            if not group_on[group]:
                hits -= orders
        by_order = self.by_order.__getitem__
        items = tuple(map(self.items.__getitem__, sorted(hits)))
        denies = tuple(map(by_order, sorted(hits & self.denies)))
        allows = [_NO_ENTRIES] * self.group_count
        for group, orders in self.allows.items():
            found = hits & orders
            if found:
                allows[group] = tuple(map(by_order, sorted(found)))
        seen: set[int] = set()
        checks: list[Entry] = []
        reads: dict[str, tuple[str, str]] = {}
        reading: list[Entry] = []
        context_resource = False
        for entry in map(by_order, sorted(hits & self.checked)):
            if entry.check not in seen:
                seen.add(entry.check)
                checks.append(entry)
            statement_reads = entry.compiled.reads
            if statement_reads:
                reading.append(entry)
                if entry.dynamic:
                    context_resource = True
                else:
                    for pair in statement_reads:
                        if pair[0] not in reads:
                            reads[pair[0]] = pair
        return Plan(
            tuple(checks),
            items,
            denies,
            tuple(allows),
            tuple(reads.values()),
            tuple(reading) if context_resource else None,
        )
