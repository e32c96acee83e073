"""`Marker`/`MaxItems`/`IsTruncated` for IAM list operations, as AWS pages them.

Store listings are already keyset-paged; this module turns their pages into wire results,
turns a marker the store refuses into AWS's `InvalidInput`, and pages small in-memory lists
(a resource's tags) with the same opaque markers.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from warden.errors import InvalidInput
from warden.store import InvalidMarker
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page, decode_marker, encode_marker

__all__ = ["computed_page", "in_memory_page", "marker_errors", "page_args", "page_to_wire"]

T = TypeVar("T")


def page_args(params: Mapping[str, Any]) -> tuple[str | None, int]:
    """The request's marker and page size (AWS's default is 100)."""
    return params.get("Marker"), int(params.get("MaxItems", DEFAULT_MAX_ITEMS))


def _invalid_marker() -> InvalidInput:
    return InvalidInput("Invalid Marker.")


@contextmanager
def marker_errors() -> Iterator[None]:
    """Report a marker the store did not issue as AWS does, instead of failing the call."""
    try:
        yield
    except InvalidMarker:
        raise _invalid_marker() from None


def page_to_wire(page: Page[T], member: str, convert: Callable[[T], Any]) -> dict[str, Any]:
    """`{member: [...], IsTruncated, Marker?}`: the marker only when there is more to read."""
    result: dict[str, Any] = {
        member: [convert(item) for item in page.items],
        "IsTruncated": page.is_truncated,
    }
    if page.marker:
        result["Marker"] = page.marker
    return result


def in_memory_page(
    items: Sequence[T], sort_key: Callable[[T], str], marker: str | None, max_items: int
) -> Page[T]:
    """Page an already complete, small list by a unique string key, with keyset markers, so a
    client sees the same marker semantics as for store listings."""
    ordered = sorted(items, key=sort_key)
    if marker is not None:
        try:
            (after,) = decode_marker(marker, 1)
        except InvalidMarker:
            raise _invalid_marker() from None
        if not isinstance(after, str):
            raise _invalid_marker()
        ordered = [item for item in ordered if sort_key(item) > after]
    chunk = ordered[:max_items]
    if len(ordered) > max_items:
        return Page(items=tuple(chunk), marker=encode_marker([sort_key(chunk[-1])]), is_truncated=True)
    return Page(items=tuple(chunk))


def computed_page(items: Sequence[T], params: Mapping[str, Any]) -> tuple[Sequence[T], str | None]:
    """One page of a list computed for this request (simulation results, authorization
    details), and the marker of the next page. The list is rebuilt for every call, so its
    position is a stable marker."""
    start = 0
    if params.get("Marker"):
        try:
            start = int(base64.urlsafe_b64decode(params["Marker"].encode()).decode())
        except (ValueError, UnicodeDecodeError):
            raise _invalid_marker() from None
        if start < 0:
            raise _invalid_marker()
    end = start + int(params.get("MaxItems", DEFAULT_MAX_ITEMS))
    following = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], following
