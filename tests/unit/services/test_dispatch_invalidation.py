"""Cached callers and policies are invalidated by changes of permissions only: a write that
changes nothing authorization depends on (AssumeRole, reads) keeps every cache warm."""

from __future__ import annotations

import json
from pathlib import Path

from harness import make_harness
from warden.services import iam, sts

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sts:AssumeRole"}]})


def test_only_permission_changes_move_the_change_feed(tmp_path: Path) -> None:
    h = make_harness(tmp_path, {"iam": iam.HANDLERS, "sts": sts.HANDLERS})
    start = h.feed.generation
    h.call("CreateUser", {"UserName": "bob"})
    h.call("CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": TRUST})
    after_writes = h.feed.generation
    assert after_writes == start + 2
    h.call("ListUsers")
    h.call("AssumeRole", {"RoleArn": "arn:aws:iam::111122223333:role/r", "RoleSessionName": "s1"},
           caller=h.user_caller("bob"), service="sts")
    assert h.feed.generation == after_writes
