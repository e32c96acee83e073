"""Every implemented IAM and STS operation, called with plausible input as root and as a user with no
policies: it answers or raises an AWS error (never another exception), and it always authorizes
(dispatch refuses a handler that skipped authorization with ServiceFailure)."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Harness, make_harness
from sample_inputs import sample_value
from warden.errors import AccessDenied, AwsError
from warden.protocol import load_service
from warden.protocol.validate import validate_input
from warden.services import iam, sts


def _params(operation: str, service: str = "iam") -> dict[str, Any]:
    op = load_service(service).find_operation(operation)
    assert op is not None
    shape = op.input_shape
    params = sample_value(operation, shape) if shape is not None else {}
    validate_input(op, params)
    return params


@pytest.fixture(scope="module")
def h(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    harness = make_harness(tmp_path_factory.mktemp("every"), {"iam": iam.HANDLERS, "sts": sts.HANDLERS})
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


# GetCallerIdentity and GetSessionToken answer whatever the policies say (AWS: "No permissions
# are required", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
_STS_DENIABLE = sorted(set(sts.HANDLERS) - {"GetCallerIdentity", "GetSessionToken"})


@pytest.mark.parametrize("operation", sorted(sts.HANDLERS))
def test_sts_operation_answers_or_raises_an_aws_error(h: Harness, operation: str) -> None:
    params = _params(operation, "sts")
    for caller in (h.root, h.user_caller("nobody")):
        try:
            h.call(operation, params, caller=caller, service="sts")
        except AwsError as error:
            assert error.code not in ("ServiceFailure", "InternalFailure"), (operation, error.message)
            assert error.message


@pytest.mark.parametrize("operation", _STS_DENIABLE)
def test_a_user_without_policies_is_denied_sts(h: Harness, operation: str) -> None:
    with pytest.raises(AccessDenied, match="User: arn:aws:iam::111122223333:user/nobody is not authorized"):
        h.call(operation, _params(operation, "sts"), caller=h.user_caller("nobody"), service="sts")
