"""AWS managed policy ARNs in every partition, from one stored copy.

AWS managed policies are stored once, as `arn:aws:iam::aws:policy/...`. A caller in another
partition names and sees them as `arn:PARTITION:iam::aws:policy/...` (aws-cn, aws-us-gov, ...):
requests are translated to the stored spelling on the way in, responses back on the way out.
An ARN naming another partition than the caller's is refused, as AWS refuses it.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.errors import ValidationError

__all__ = [
    "STORED_PARTITION",
    "check_partition",
    "partition_document",
    "partition_response",
    "stored_policy_arn",
    "wire_policy_arn",
]

STORED_PARTITION = "aws"
_STORED_PREFIX = f"arn:{STORED_PARTITION}:iam::aws:policy/"
# Response members that carry an ARN; only these are rewritten, never free text such as tags.
_ARN_MEMBERS = frozenset({"Arn", "PolicyArn", "PermissionsBoundaryArn"})


def check_partition(arn: str, partition: str) -> None:
    """Refuse an ARN of another partition (AWS answers `ValidationError: Invalid ARN partition`)."""
    parts = arn.split(":", 2)
    if len(parts) == 3 and parts[0] == "arn" and parts[1] != partition:
        raise ValidationError("Invalid ARN partition")


def stored_policy_arn(arn: str, partition: str) -> str:
    """The store's spelling of a policy ARN a caller in `partition` named."""
    check_partition(arn, partition)
    prefix = f"arn:{partition}:iam::aws:policy/"
    if partition != STORED_PARTITION and arn.startswith(prefix):
        return _STORED_PREFIX + arn.removeprefix(prefix)
    return arn


def wire_policy_arn(arn: str, partition: str) -> str:
    """How a caller in `partition` sees a stored policy ARN."""
    if partition != STORED_PARTITION and arn.startswith(_STORED_PREFIX):
        return f"arn:{partition}:iam::aws:policy/" + arn.removeprefix(_STORED_PREFIX)
    return arn


def partition_document(document: str, partition: str) -> str:
    """An AWS managed policy's document as AWS publishes it in `partition`: its ARNs name it."""
    if partition == STORED_PARTITION:
        return document
    return document.replace(f'"arn:{STORED_PARTITION}:', f'"arn:{partition}:')


def partition_response(result: Mapping[str, Any], partition: str) -> Mapping[str, Any]:
    """A handler's result with every stored AWS managed policy ARN in the caller's partition."""
    if partition == STORED_PARTITION:
        return result
    translated = _translate(result, partition)
    assert isinstance(translated, Mapping)
    return translated


def _translate(value: Any, partition: str, member: str = "") -> Any:
    if isinstance(value, str):
        return wire_policy_arn(value, partition) if member in _ARN_MEMBERS else value
    if isinstance(value, Mapping):
        return {key: _translate(item, partition, key) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_translate(item, partition, member) for item in value]
    return value
