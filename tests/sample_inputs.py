"""Plausible input for any operation, built from its botocore input shape: required members only,
with values that pass validation (used to call every operation in the every-operation tests)."""

from __future__ import annotations

import json
from typing import Any

from botocore.model import Shape

__all__ = ["sample_value"]

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def sample_value(name: str, shape: Shape) -> Any:
    if shape.type_name == "structure":
        return {m: sample_value(m, s) for m, s in shape.members.items() if m in shape.required_members}
    if shape.type_name == "list":
        return [sample_value(name, shape.member)]
    if shape.type_name == "boolean":
        return False
    if shape.type_name == "integer":
        return int(shape.metadata.get("min", 1))
    if shape.type_name == "blob":
        return b"x"
    enum = shape.metadata.get("enum")
    if enum:
        return enum[0]
    if "Document" in name or name == "PolicyInputList":
        return TRUST if "AssumeRole" in name else DOCUMENT
    if name.endswith("Arn") or name in ("PermissionsBoundary", "SerialNumber", "PolicySourceArn"):
        return "arn:aws:iam::111122223333:policy/p"
    if name == "DeletionTaskId":
        return ("task/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk/"
                "a2b3c4d5-0000-4000-8000-000000000000")
    if name == "JobId":
        return "a2b3c4d5-0000-4000-8000-000000000000"
    if name == "VersionId":
        return "v1"
    if name == "AccessKeyId":
        return "AKIAIOSFODNN7EXAMPLE"
    if name == "AWSServiceName":
        return "elasticbeanstalk.amazonaws.com"
    if name == "Password" or name == "NewPassword" or name == "OldPassword":
        return "Correct-Horse-9-battery!"
    if name.startswith("AuthenticationCode") or name == "TokenCode":
        return "123456"
    if name == "ActionNames":
        return "s3:GetObject"
    return "name1"
