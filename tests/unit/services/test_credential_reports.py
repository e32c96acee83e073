"""The credential report's CSV, as AWS documents its columns and values.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from harness import Harness, make_harness
from warden.services import iam
from warden.services.iam.credential_reports import COLUMNS, ReportNotPresent


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
