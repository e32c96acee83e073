"""One mapping from region to partition, and IAM's region in each, for the server and the trail."""

from __future__ import annotations

import pytest

from warden.partitions import IAM_REGIONS, partition_for_region


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-west-3", "aws"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-east-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("us-isof-south-1", "aws-iso-f"),
    ],
)
def test_partition_of_a_region(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition
    assert partition_for_region(IAM_REGIONS[partition]) == partition  # IAM's region is in it
