"""The credential report's CSV, as AWS documents its columns and values.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from harness import Harness, make_harness, root_caller
from warden.model import Account
from warden.services import iam
from warden.services.iam.credential_reports import COLUMNS, ReportExpired, ReportNotPresent

OTHER = "444455556666"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return make_harness(tmp_path, {"iam": iam.HANDLERS})


def test_report_lists_root_then_users_with_their_credentials(h: Harness) -> None:
    with pytest.raises(ReportNotPresent):
        h.call("GetCredentialReport")
    h.call("CreateUser", {"UserName": "bob"})
    h.call("CreateAccessKey", {"UserName": "bob"})
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": "Correct-Horse-9-battery!"})
    assert h.call("GenerateCredentialReport")["State"] == "STARTED"
    assert h.call("GenerateCredentialReport")["State"] == "COMPLETE"
    report = h.call("GetCredentialReport")
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert tuple(rows[0].keys()) == COLUMNS
    assert rows[0]["user"] == "<root_account>" and rows[0]["password_enabled"] == "not_supported"
    bob = rows[1]
    assert (bob["user"], bob["password_enabled"], bob["access_key_1_active"], bob["access_key_2_active"]) == (
        "bob", "true", "true", "false")
    assert bob["access_key_1_last_used_date"] == "N/A" and bob["mfa_active"] == "false"


def test_a_report_is_reused_for_four_hours_then_expires_and_is_regenerated(h: Harness) -> None:
    """IAM reuses a report generated within the past four hours (GenerateCredentialReport answers
    COMPLETE and the content does not change); after four hours GetCredentialReport answers
    ReportExpired (HTTP 410) until GenerateCredentialReport starts a new one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html"""
    generated_at = h.now
    started = h.call("GenerateCredentialReport")
    assert started == {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}
    first = h.call("GetCredentialReport")
    assert first["GeneratedTime"] == generated_at

    h.call("CreateUser", {"UserName": "late"})
    h.now = generated_at + timedelta(hours=3, minutes=59)
    assert h.call("GenerateCredentialReport")["State"] == "COMPLETE"
    reused = h.call("GetCredentialReport")
    assert reused["GeneratedTime"] == generated_at and reused["Content"] == first["Content"]
    assert b"\nlate," not in reused["Content"]

    h.now = generated_at + timedelta(hours=4)
    with pytest.raises(ReportExpired) as expired:
        h.call("GetCredentialReport")
    assert (expired.value.code, expired.value.http_status) == ("ReportExpired", 410)
    assert h.call("GenerateCredentialReport")["State"] == "STARTED"
    fresh = h.call("GetCredentialReport")
    assert fresh["GeneratedTime"] == h.now and b"\nlate," in fresh["Content"]


def test_reports_belong_to_one_account(h: Harness) -> None:
    """A report describes one account; another account has none until it generates its own.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html"""
    with h.store.transaction() as tx:
        tx.create_account(Account(account_id=OTHER, create_date=h.now))
    h.call("GenerateCredentialReport")
    other = root_caller(OTHER)
    with pytest.raises(ReportNotPresent) as missing:
        h.call("GetCredentialReport", caller=other)
    assert (missing.value.code, missing.value.http_status) == ("ReportNotPresent", 410)
    assert h.call("GenerateCredentialReport", caller=other)["State"] == "STARTED"
    content = h.call("GetCredentialReport", caller=other)["Content"].decode()
    assert f"arn:aws:iam::{OTHER}:root" in content and h.account_id not in content


def test_password_columns_follow_the_last_password_change(h: Harness) -> None:
    """password_last_changed is when the password was last set, and password_next_rotation is that
    plus the policy's MaxPasswordAge.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html"""
    h.call("UpdateAccountPasswordPolicy", {"MaxPasswordAge": 30})
    h.call("CreateUser", {"UserName": "carol"})
    created = h.now
    h.call("CreateLoginProfile", {"UserName": "carol", "Password": "Correct-Horse-9-battery!"})
    h.now = created + timedelta(days=3)
    h.call("UpdateLoginProfile", {"UserName": "carol", "Password": "Another-Horse-9-battery!"})
    h.call("GenerateCredentialReport")
    rows = list(csv.DictReader(io.StringIO(h.call("GetCredentialReport")["Content"].decode())))
    carol = next(row for row in rows if row["user"] == "carol")
    changed = created + timedelta(days=3)
    assert carol["password_last_changed"] == changed.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert carol["password_next_rotation"] == (changed + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
