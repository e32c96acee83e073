"""AWS's size quotas for policy documents, per place a policy is stored.

Sources:
- IAM and AWS STS quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
  (managed policy 6,144; inline user 2,048, group 5,120, role 10,240 — aggregate of the entity's
  inline policies; role trust policy 2,048; session policy plaintext 2,048). IAM does not count
  white space toward these quotas.
- AWS Organizations quotas: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
  (SCP and RCP documents 5,120 characters; Organizations counts the document as stored, so white
  space counts).

IAM also restricts the characters a policy document may contain (tab, line feed, carriage return
and U+0020..U+00FF), see the same quotas page; Organizations accepts any text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .ast import PolicyKind

__all__ = [
    "DEFAULT_LIMITS",
    "IAM_CHARACTER_KINDS",
    "IAM_CHARACTER_MESSAGE",
    "IAM_POLICY_CHARACTERS",
    "INLINE_GROUP",
    "INLINE_ROLE",
    "INLINE_USER",
    "MANAGED_POLICY",
    "MAX_DOCUMENT_CHARACTERS",
    "RCP",
    "SCP",
    "SESSION_POLICY",
    "TRUST_POLICY",
    "SizeLimit",
    "limit_for",
]

# Not an AWS quota: the engine refuses to even read a larger document, whatever its kind, so a
# hostile caller cannot make it spend unbounded time. Every AWS quota above is far below it.
MAX_DOCUMENT_CHARACTERS = 131_072

# IAM's documented character set for policy documents (the API's pattern for PolicyDocument).
IAM_POLICY_CHARACTERS = re.compile("[\t\n\r\u0020-\u00ff]*")
IAM_CHARACTER_MESSAGE = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
)
# The kinds IAM or STS store, whose documents must keep to IAM_POLICY_CHARACTERS.
IAM_CHARACTER_KINDS = frozenset(
    {PolicyKind.IDENTITY, PolicyKind.PERMISSIONS_BOUNDARY, PolicyKind.TRUST, PolicyKind.SESSION}
)


@dataclass(frozen=True, slots=True)
class SizeLimit:
    """One quota: how many characters, whether white space counts, and AWS's message when exceeded."""

    name: str
    maximum: int
    counts_whitespace: bool
    message: str

    def measure(self, text: str) -> int:
        """The document's size as AWS counts it for this quota."""
        if self.counts_whitespace:
            return len(text)
        return sum(1 for char in text if not char.isspace())

    def exceeded_by(self, text: str) -> bool:
        return self.measure(text) > self.maximum


MANAGED_POLICY = SizeLimit("managed policy", 6144, False, "Cannot exceed quota for PolicySize: 6144")
INLINE_USER = SizeLimit(
    "inline user policy", 2048, False, "Maximum policy size of 2048 bytes exceeded for user"
)
INLINE_GROUP = SizeLimit(
    "inline group policy", 5120, False, "Maximum policy size of 5120 bytes exceeded for group"
)
INLINE_ROLE = SizeLimit(
    "inline role policy", 10240, False, "Maximum policy size of 10240 bytes exceeded for role"
)
TRUST_POLICY = SizeLimit("role trust policy", 2048, False, "Cannot exceed quota for ACLSizePerRole: 2048")
SESSION_POLICY = SizeLimit(
    "session policy",
    2048,
    True,
    "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
    "Member must have length less than or equal to 2048",
)
SCP = SizeLimit("service control policy", 5120, True, "You have exceeded the maximum policy size.")
RCP = SizeLimit("resource control policy", 5120, True, "You have exceeded the maximum policy size.")

# The quota `parse_policy` applies when the caller names none. Identity policies default to the
# managed-policy quota (callers storing an inline policy pass INLINE_USER/GROUP/ROLE). Resource
# policies have per-service quotas (S3 20 KB, SQS 8 KB, ...) that the owning service applies.
DEFAULT_LIMITS: Mapping[PolicyKind, SizeLimit | None] = MappingProxyType(
    {
        PolicyKind.IDENTITY: MANAGED_POLICY,
        PolicyKind.PERMISSIONS_BOUNDARY: MANAGED_POLICY,
        PolicyKind.SESSION: SESSION_POLICY,
        PolicyKind.RESOURCE: None,
        PolicyKind.TRUST: TRUST_POLICY,
        PolicyKind.SCP: SCP,
        PolicyKind.RCP: RCP,
    }
)


def limit_for(kind: PolicyKind) -> SizeLimit | None:
    """The default quota for a kind of policy, or None when only the service that stores it knows."""
    return DEFAULT_LIMITS[kind]
