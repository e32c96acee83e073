"""CloudTrail's ConsoleLogin event for a sign-in attempt (successful or not).

AWS records sign-ins with eventSource `signin.amazonaws.com`, eventType `AwsConsoleSignIn`,
`responseElements.ConsoleLogin` Success or Failure, and `additionalEventData.MFAUsed`; when the
user name does not exist it is hidden, so that the trail does not collect mistyped passwords.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
"""

from __future__ import annotations

from typing import Any

from warden.audit.events import EVENT_VERSION, close_record, stored_event
from warden.audit.wire import trail_time
from warden.model import AuditEvent
from warden.protocol import REDACTED
from warden.services.signin import SigninOutcome, Status

__all__ = ["console_login_event"]

_FAILED_MESSAGE = "Failed authentication"


def console_login_event(outcome: SigninOutcome, event_id: str, region: str) -> AuditEvent:
    succeeded = outcome.status is Status.SUCCESS
    known = outcome.user_arn is not None
    identity: dict[str, Any] = {"type": "IAMUser", "accountId": outcome.account_id or ""}
    if known:
        identity["arn"] = outcome.user_arn
    identity["userName"] = outcome.user_name if known else REDACTED
    record: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": identity,
        "eventTime": trail_time(outcome.at),
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": region,
        "sourceIPAddress": outcome.source_ip,
        "userAgent": outcome.user_agent,
        "requestParameters": None,
        "responseElements": {"ConsoleLogin": "Success" if succeeded else "Failure"},
        "additionalEventData": {"MobileVersion": "No", "MFAUsed": "Yes" if outcome.mfa_used else "No"},
    }
    if not succeeded:
        record["errorMessage"] = _FAILED_MESSAGE
    close_record(record, event_id, False, "AwsConsoleSignIn", outcome.account_id or "")
    return stored_event(
        record,
        outcome.at,
        username=outcome.user_name if known else None,
        access_key_id=None,
        identity_type="IAMUser",
        principal_arn=outcome.user_arn,
        error_code=None if succeeded else outcome.status.value,
    )
