"""The audit trail: CloudTrail-shaped events for every request, stored durably, sealed into
signed digests, looked up through CloudTrail's LookupEvents and the `warden audit` commands.

events      the draft a request fills in, and the finished CloudTrail record
identity    CloudTrail's userIdentity for a caller
wire        requestParameters / responseElements: lower camel case, secrets hidden (model-driven)
resources   the resources an event names (LookupEvents' ResourceType / ResourceName)
recorder    in-transaction recording of changes, background recording of everything else
integrity   hash chain, signed digests, verification
"""

from __future__ import annotations

from warden.audit.events import EventDraft, finish_event, is_read_only_event
from warden.audit.integrity import DigestSigner, Verification, seal_pending, verify_trail
from warden.audit.recorder import AuditRecorder, DraftAudit

__all__ = [
    "AuditRecorder",
    "DigestSigner",
    "DraftAudit",
    "EventDraft",
    "Verification",
    "finish_event",
    "is_read_only_event",
    "seal_pending",
    "verify_trail",
]
