"""Find and hide the values the model marks `"sensitive": true` (passwords, secrets, assertions).

The audit trail records request parameters and responses; CloudTrail replaces sensitive values
with `HIDDEN_DUE_TO_SECURITY_REASONS`, and so does warden, using the model as the list of what is
secret rather than a hand-kept list that would drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .models import Operation

__all__ = ["REDACTED", "is_sensitive", "redact", "redact_input", "redact_output", "sensitive_paths"]

REDACTED = "HIDDEN_DUE_TO_SECURITY_REASONS"

#: Path segment standing for every element of a list or every value of a map.
ANY = "*"


# Shapes the models leave unmarked although they carry credentials: STS session tokens
# (`tokenType`) and one-time MFA codes (`tokenCodeType`, `authenticationCodeType`). Named by
# shape, not by member, so every operation that uses them is covered.
_UNMARKED_SECRET_SHAPES = frozenset({"tokenType", "tokenCodeType", "authenticationCodeType"})


def is_sensitive(shape: Shape) -> bool:
    """Whether values of `shape` are secret: the model's mark, or a credential shape it misses."""
    return bool(shape.metadata.get("sensitive")) or shape.name in _UNMARKED_SECRET_SHAPES


_is_sensitive = is_sensitive


def _collect(shape: Shape, prefix: tuple[str, ...], seen: frozenset[str], out: set[tuple[str, ...]]) -> None:
    if _is_sensitive(shape):
        out.add(prefix)
        return
    if shape.name in seen:
        return
    inner = seen | {shape.name}
    if isinstance(shape, StructureShape):
        for name, member in shape.members.items():
            _collect(member, (*prefix, name), inner, out)
    elif isinstance(shape, ListShape):
        _collect(shape.member, (*prefix, ANY), inner, out)
    elif isinstance(shape, MapShape):
        _collect(shape.value, (*prefix, ANY), inner, out)


def sensitive_paths(shape: StructureShape | None) -> frozenset[tuple[str, ...]]:
    """Member-name paths to sensitive values, `*` for list elements and map values.

    `("Password",)` for CreateLoginProfile's input; `("AccessKey", "SecretAccessKey")` for
    CreateAccessKey's output.
    """
    found: set[tuple[str, ...]] = set()
    if shape is not None:
        _collect(shape, (), frozenset(), found)
    return frozenset(found)


def redact(shape: Shape | None, value: Any) -> Any:
    """A copy of `value` with every sensitive value replaced by `REDACTED`; the input is untouched."""
    if shape is None or value is None:
        return value
    if _is_sensitive(shape):
        return REDACTED
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        members = shape.members
        return {key: redact(members.get(key), item) for key, item in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [redact(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {key: redact(shape.value, item) for key, item in value.items()}
    return value


@cache
def _has_sensitive(operation: Operation, output: bool) -> bool:
    return bool(sensitive_paths(operation.output_shape if output else operation.input_shape))


def redact_input(operation: Operation, params: Mapping[str, Any]) -> dict[str, Any]:
    """Request parameters as the audit trail may store them."""
    if not _has_sensitive(operation, False):
        return dict(params)
    redacted: dict[str, Any] = redact(operation.input_shape, params)
    return redacted


def redact_output(operation: Operation, result: Mapping[str, Any]) -> dict[str, Any]:
    """Response elements as the audit trail may store them."""
    if not _has_sensitive(operation, True):
        return dict(result)
    redacted: dict[str, Any] = redact(operation.output_shape, result)
    return redacted
