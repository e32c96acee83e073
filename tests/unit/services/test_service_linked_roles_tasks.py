"""Deletion task ids: they name the role they deleted and are recognised only if warden issued them.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteServiceLinkedRole.html (DeletionTaskId)
"""

from __future__ import annotations

import pytest

from warden.ids import IdGenerator, SeededRandomSource
from warden.services.iam.deletion_tasks import DeletionTask, InvalidTaskId, UnknownTask, read_task_id
from warden.services.iam.service_linked_catalog import spec_for

ACCOUNT = "111122223333"


@pytest.mark.parametrize("seed", range(20))
def test_task_ids_round_trip(seed: int) -> None:
    role_id = IdGenerator(SeededRandomSource(seed)).role_id()
    task = DeletionTask(ACCOUNT, "ecs.amazonaws.com", "AWSServiceRoleForECS", role_id)
    assert task.task_id.startswith("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/")
    assert read_task_id(ACCOUNT, task.task_id) == task


def test_altered_or_foreign_task_ids_are_unknown() -> None:
    task = DeletionTask(ACCOUNT, "ecs.amazonaws.com", "AWSServiceRoleForECS", "AROAABCDEFGHIJKLMNOPQ")
    text = task.task_id
    with pytest.raises(UnknownTask):
        read_task_id("999988887777", text)
    with pytest.raises(UnknownTask):
        read_task_id(ACCOUNT, text.replace("/AWSServiceRoleForECS/", "/AWSServiceRoleForEKS/"))
    last = text[-1]
    flipped = text[:-1] + ("0" if last != "0" else "1")
    with pytest.raises(UnknownTask):
        read_task_id(ACCOUNT, flipped)


@pytest.mark.parametrize("text", ["", "task/aws-service-role/x/y", "task/other/x/y/" + "0" * 36, "role/x"])
def test_malformed_task_ids(text: str) -> None:
    with pytest.raises(InvalidTaskId):
        read_task_id(ACCOUNT, text)


def test_catalog_names() -> None:
    """https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html"""
    assert spec_for("autoscaling.amazonaws.com").name_with("web") == "AWSServiceRoleForAutoScaling_web"
    assert spec_for("spot.amazonaws.com").name_with(None) == "AWSServiceRoleForEC2Spot"
    assert spec_for("somethingnew.amazonaws.com").custom_suffix_allowed is False
