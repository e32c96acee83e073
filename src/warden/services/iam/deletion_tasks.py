"""Service-linked role deletion task ids that carry what they refer to, so no table is needed.

AWS deletes a service-linked role asynchronously and hands back
`task/aws-service-role/SERVICE/ROLE-NAME/UUID`. warden deletes at once (or fails at once), so
the task only has to remember *which role* it was about: the UUID's 122 free bits hold the
role's unique id (85 bits) and a 37-bit check over the whole task, so a status query can tell a
task it issued from an invented one, and a deleted role from a new role that reuses its name.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteServiceLinkedRole.html
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

from warden.ids import BASE32_ALPHABET

__all__ = ["DeletionTask", "InvalidTaskId", "UnknownTask", "read_task_id"]

_PREFIX = "task/aws-service-role/"
_ROLE_PREFIX = "AROA"
_ID_CHARS = 17
_ID_BITS = _ID_CHARS * 5
_CHECK_BITS = 122 - _ID_BITS
_SHAPE = re.compile(r"task/aws-service-role/(?P<service>[^/]+)/(?P<role>[^/]+)/(?P<uuid>[0-9a-f-]{36})")


class InvalidTaskId(ValueError):
    """The text is not a deletion task id at all."""


class UnknownTask(LookupError):
    """Shaped like a task id, but not one that this service issued."""


@dataclass(frozen=True, slots=True)
class DeletionTask:
    """One deletion of one service-linked role (`role_id` identifies the role that was meant)."""

    account_id: str
    service: str
    role_name: str
    role_id: str

    @property
    def task_id(self) -> str:
        payload = (_id_bits(self.role_id) << _CHECK_BITS) | self.checksum()
        return f"{_PREFIX}{self.service}/{self.role_name}/{_to_uuid(payload)}"

    def checksum(self) -> int:
        """The bits that tell a task warden issued from an invented one (not a secret)."""
        digest = hashlib.sha256(
            f"{self.account_id}\n{self.service}\n{self.role_name}\n{self.role_id}".encode()
        ).digest()
        return int.from_bytes(digest[:8], "big") >> (64 - _CHECK_BITS)


def read_task_id(account_id: str, text: str) -> DeletionTask:
    """The task `text` names in `account_id`. Raises InvalidTaskId or UnknownTask."""
    match = _SHAPE.fullmatch(text)
    if match is None:
        raise InvalidTaskId(text)
    payload = _from_uuid(match["uuid"])
    if payload is None:
        raise UnknownTask(text)
    task = DeletionTask(account_id, match["service"], match["role"], _id_text(payload >> _CHECK_BITS))
    if task.checksum() != payload & ((1 << _CHECK_BITS) - 1):
        raise UnknownTask(text)
    return task


def _id_bits(role_id: str) -> int:
    body = role_id[len(_ROLE_PREFIX) :]
    if not role_id.startswith(_ROLE_PREFIX) or len(body) != _ID_CHARS:
        raise ValueError(f"not a role id: {role_id}")
    value = 0
    for char in body:
        value = (value << 5) | BASE32_ALPHABET.index(char)
    return value


def _id_text(bits: int) -> str:
    chars = [BASE32_ALPHABET[(bits >> (5 * shift)) & 0x1F] for shift in reversed(range(_ID_CHARS))]
    return _ROLE_PREFIX + "".join(chars)


def _to_uuid(payload: int) -> str:
    """Spread 122 bits around the version (4) and variant (RFC 4122) fields."""
    high, middle, low = payload >> 74, (payload >> 62) & 0xFFF, payload & ((1 << 62) - 1)
    return str(uuid.UUID(int=(high << 80) | (0x4 << 76) | (middle << 64) | (0b10 << 62) | low))


def _from_uuid(text: str) -> int | None:
    try:
        value = uuid.UUID(text).int
    except ValueError:
        return None
    if (value >> 76) & 0xF != 0x4 or (value >> 62) & 0b11 != 0b10:
        return None
    high, middle, low = value >> 80, (value >> 64) & 0xFFF, value & ((1 << 62) - 1)
    return (high << 74) | (middle << 62) | low
