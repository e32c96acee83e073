"""Every implemented IAM operation, called with plausible input as root and as a user with no
policies: it answers or raises an AWS error (never another exception), and it always authorizes
(dispatch refuses a handler that skipped authorization with ServiceFailure)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.model import Shape

from harness import Harness, make_harness
from warden.errors import AccessDenied, AwsError
from warden.protocol import load_service
from warden.protocol.validate import validate_input
from warden.services import iam

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _value(name: str, shape: Shape) -> Any:
    if shape.type_name == "structure":
        return {m: _value(m, s) for m, s in shape.members.items() if m in shape.required_members}
    if shape.type_name == "list":
        return [_value(name, shape.member)]
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
    if name == "VersionId":
        return "v1"
    if name == "AccessKeyId":
        return "AKIAIOSFODNN7EXAMPLE"
    if name == "AWSServiceName":
        return "elasticbeanstalk.amazonaws.com"
    if name == "Password" or name == "NewPassword" or name == "OldPassword":
        return "Correct-Horse-9-battery!"
    if name.startswith("AuthenticationCode"):
        return "123456"
    if name == "ActionNames":
        return "s3:GetObject"
    return "name1"


def _params(operation: str) -> dict[str, Any]:
    op = load_service("iam").find_operation(operation)
    assert op is not None
    shape = op.input_shape
    params = _value(operation, shape) if shape is not None else {}
    validate_input(op, params)
    return params


@pytest.fixture(scope="module")
def h(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    harness = make_harness(tmp_path_factory.mktemp("every"), {"iam": iam.HANDLERS})
    harness.call("CreateUser", {"UserName": "nobody"})
    return harness


@pytest.mark.parametrize("operation", sorted(iam.HANDLERS))
def test_operation_answers_or_raises_an_aws_error(h: Harness, operation: str) -> None:
    params = _params(operation)
    for caller in (h.root, h.user_caller("nobody")):
        try:
            h.call(operation, params, caller=caller)
        except AwsError as error:
            assert error.code not in ("ServiceFailure", "InternalFailure"), (operation, error.message)
            assert error.message


@pytest.mark.parametrize("operation", sorted(iam.HANDLERS))
def test_a_user_without_policies_is_denied(h: Harness, operation: str) -> None:
    with pytest.raises(AccessDenied, match="User: arn:aws:iam::111122223333:user/nobody is not authorized"):
        h.call(operation, _params(operation), caller=h.user_caller("nobody"))
