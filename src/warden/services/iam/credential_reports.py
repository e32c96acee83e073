"""The credential report: GenerateCredentialReport and GetCredentialReport, in AWS's CSV columns.

The report is built when it is generated and kept in the store for four hours, as AWS keeps it,
so every node serves the report any node generated.
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from warden.errors import AwsError
from warden.model import AccessKey, AccessKeyStatus
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.effective_policies import all_pages
from warden.services.iam.password_lifecycle import expires_at

__all__ = ["COLUMNS", "HANDLERS", "ReportExpired", "ReportNotPresent"]

COLUMNS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
    "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
    "cert_2_active", "cert_2_last_rotated",
)
_LIFETIME = timedelta(hours=4)


class ReportNotPresent(AwsError):
    code = "ReportNotPresent"
    http_status = 410
    sender_fault = True


class ReportExpired(AwsError):
    code = "ReportExpired"
    http_status = 410
    sender_fault = True




def _time(value: datetime | None, absent: str = "N/A") -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00") if value else absent


def _key_columns(key: AccessKey | None) -> list[str]:
    if key is None:
        return ["false", "N/A", "N/A", "N/A", "N/A"]
    return [
        "true" if key.status is AccessKeyStatus.ACTIVE else "false",
        _time(key.create_date),
        _time(key.last_used_date),
        key.last_used_region or "N/A",
        key.last_used_service or "N/A",
    ]


def _build(call: Call) -> bytes:
    tx, account = call.tx, call.account_id
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    account_row = tx.get_account(account)
    root_keys = sorted(tx.list_access_keys(account, None, max_items=1000).items, key=lambda k: k.create_date)
    writer.writerow(
        ["<root_account>", f"arn:{call.partition}:iam::{account}:root",
         _time(account_row.create_date if account_row else None), "not_supported", "no_information",
         "not_supported", "not_supported", "false",
         *_key_columns(root_keys[0] if root_keys else None),
         *_key_columns(root_keys[1] if len(root_keys) > 1 else None),
         "false", "N/A", "false", "N/A"]
    )
    policy = tx.get_password_policy(account)
    for user in all_pages(lambda m: tx.list_users(account, marker=m, max_items=1000)):
        profile = tx.get_login_profile(account, user.name)
        keys = sorted(tx.list_access_keys(account, user.name, max_items=1000).items, key=lambda k: k.create_date)
        mfa = any(d.user_name for d in tx.list_mfa_devices(account, user.name, max_items=100).items)
        changed = profile.password_changed if profile else None
        rotation = _time(expires_at(profile, policy) if profile else None)
        writer.writerow(
            [user.name, user.arn, _time(user.create_date),
             "true" if profile else "false",
             _time(user.password_last_used, "no_information") if profile else "N/A",
             _time(changed),
             rotation,
             "true" if mfa else "false",
             *_key_columns(keys[0] if keys else None),
             *_key_columns(keys[1] if len(keys) > 1 else None),
             "false", "N/A", "false", "N/A"]
        )
    return out.getvalue().encode()


def generate_credential_report(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GenerateCredentialReport", "*")
    existing = call.tx.get_credential_report(call.account_id)
    if existing is not None and call.now - existing[0] < _LIFETIME:
        return {"State": "COMPLETE"}
    call.tx.put_credential_report(call.account_id, call.now, _build(call))
    return {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}


def get_credential_report(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetCredentialReport", "*")
    existing = call.tx.get_credential_report(call.account_id)
    if existing is None:
        raise ReportNotPresent(
            "Credential report not present. Call GenerateCredentialReport to generate a credential report."
        )
    generated, content = existing
    if call.now - generated >= _LIFETIME:
        raise ReportExpired("Credential report expired. Call GenerateCredentialReport to generate a new report.")
    return {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": generated}


HANDLERS: dict[str, Handler] = {
    "GenerateCredentialReport": generate_credential_report,
    "GetCredentialReport": get_credential_report,
}
