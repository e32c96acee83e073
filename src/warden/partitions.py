"""Which AWS partition a region belongs to, and where IAM lives in each partition.

One definition for the server (mock mode follows the request's region) and the audit trail
(IAM calls are recorded in IAM's own region)."""

from __future__ import annotations

__all__ = ["IAM_REGIONS", "partition_for_region"]

# Longest prefixes first: us-isob- and us-isof- before us-iso-.
_PARTITION_OF_REGION = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("us-iso-", "aws-iso"),
)

IAM_REGIONS = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-iso": "us-iso-east-1",
    "aws-iso-b": "us-isob-east-1",
    "aws-iso-f": "us-isof-south-1",
}
"""IAM is a global service: each partition serves it from one region, the credential scope
botocore's endpoints give IAM's global endpoint, and CloudTrail records IAM calls there.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html"""


def partition_for_region(region: str) -> str:
    """The partition `region` belongs to; `aws` for any region of no other partition."""
    for prefix, partition in _PARTITION_OF_REGION:
        if region.startswith(prefix):
            return partition
    return "aws"
