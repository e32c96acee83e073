"""AWS managed policies (`arn:aws:iam::aws:policy/NAME`), readable and attachable by every account.

Their documents ship as data in `aws_managed/`; installing is idempotent. They are stored once,
in the `aws` partition; `warden.services.partition_arns` shows them to callers of other partitions.
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources

from warden.ids import IdGenerator
from warden.model import ManagedPolicy
from warden.model.policies import AWS_MANAGED_ACCOUNT
from warden.store import Transaction

__all__ = ["aws_managed_arn", "install_aws_managed_policies"]


def aws_managed_arn(name: str, path: str = "/") -> str:
    """The stored ARN (partition `aws`) of an AWS managed policy."""
    return f"arn:aws:iam::aws:policy{path}{name}"


def install_aws_managed_policies(tx: Transaction, ids: IdGenerator, now: datetime) -> None:
    folder = resources.files("warden.services.iam") / "aws_managed"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        name = entry.name.removesuffix(".json")
        data = json.loads(entry.read_text())
        arn = aws_managed_arn(name, data["path"])
        if tx.get_policy(AWS_MANAGED_ACCOUNT, arn) is not None:
            continue
        policy = ManagedPolicy(
            policy_id=ids.policy_id(),
            account_id=AWS_MANAGED_ACCOUNT,
            name=name,
            path=data["path"],
            arn=arn,
            create_date=now,
            update_date=now,
            description=data.get("description"),
            aws_managed=True,
        )
        tx.create_policy(policy, json.dumps(data["document"], indent=4))
