"""No input makes warden answer a 500: every operation it serves, fuzzed through the real pipeline.

For each operation of `iam.HANDLERS`, `sts.HANDLERS` and `cloudtrail.HANDLERS`, hypothesis draws
requests from the operation's botocore input shape, well-formed and hostile (fuzz_values,
fuzz_wire), signs them as the account's root or as a limited IAM user, and sends them through the
ASGI app. Every answer must be a success or AWS's error for the case: a code AWS uses with the
status AWS gives it, a well-formed XML (or JSON) error document with the request id, never a 500
and never an "unexpected failure" in the log; and every request leaves exactly one audit event.

The examples are derandomized and bounded (FUZZ below), so a CI run always sends the same few
thousand requests in well under a minute. WARDEN_FUZZ_EXAMPLES=N explores further locally: N
examples per operation, from a random seed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fuzz_client import BACKENDS, FuzzServer, Keys, fuzz_settings, served  # type: ignore[import-not-found]
from fuzz_values import ACCOUNT_ID, ENTITIES  # type: ignore[import-not-found]
from fuzz_wire import WireRequest, form_text, requests_for  # type: ignore[import-not-found]
from hypothesis import given
from hypothesis import strategies as st

from warden.protocol import load_service
from warden.server.pipeline import _SERVICES

FUZZ = fuzz_settings(12)
OPERATIONS = sorted(
    (signing_name, operation) for signing_name, (_, handlers) in _SERVICES.items() for operation in handlers
)
LIMITED_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["iam:Get*", "iam:List*", "iam:Simulate*", "iam:Generate*", "sts:*", "cloudtrail:LookupEvents"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": "iam:*",
            "Resource": [f"arn:aws:iam::{ACCOUNT_ID}:user/fuzz-ana", f"arn:aws:iam::{ACCOUNT_ID}:group/fuzz-devs"],
        },
        {
            "Effect": "Deny",
            "Action": "iam:Delete*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"},
}


@dataclass
class Fuzz:
    server: FuzzServer
    callers: dict[str, Keys]

    def send(self, caller: str, service: str, request: WireRequest) -> Any:
        return self.server.signed(
            self.callers[caller], service, request.body, dict(request.headers), method=request.method, query=request.query
        )

    def setup_call(self, action: str, **params: str) -> str:
        """A set-up call as root that must succeed; returns the XML answer's text."""
        pairs = [("Action", action), ("Version", "2010-05-08"), *params.items()]
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        answer = self.server.signed(self.callers["root"], "iam", form_text(pairs).encode(), headers)
        assert answer.status == 200, answer
        self.server.check(answer, json_wire=False)
        return answer.body.decode()


def _between(text: str, tag: str) -> str:
    return text.split(f"<{tag}>", 1)[1].split(f"</{tag}>", 1)[0]


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    with served(request, tmp_path_factory) as (server, root):
        fuzz = Fuzz(server, {"root": root})
        for user in (*ENTITIES["users"], "fuzz-limited"):
            fuzz.setup_call("CreateUser", UserName=user)
        fuzz.setup_call("CreateGroup", GroupName="fuzz-devs")
        fuzz.setup_call("AddUserToGroup", GroupName="fuzz-devs", UserName="fuzz-ana")
        fuzz.setup_call("CreateRole", RoleName="fuzz-role", AssumeRolePolicyDocument=json.dumps(TRUST))
        fuzz.setup_call("CreatePolicy", PolicyName="fuzz-policy", PolicyDocument=json.dumps(LIMITED_POLICY))
        fuzz.setup_call("CreateInstanceProfile", InstanceProfileName="fuzz-profile")
        fuzz.setup_call("CreateVirtualMFADevice", VirtualMFADeviceName="fuzz-mfa")
        fuzz.setup_call("PutUserPolicy", UserName="fuzz-limited", PolicyName="limited", PolicyDocument=json.dumps(LIMITED_POLICY))
        created = fuzz.setup_call("CreateAccessKey", UserName="fuzz-limited")
        fuzz.callers["limited"] = Keys(_between(created, "AccessKeyId"), _between(created, "SecretAccessKey"))
        yield fuzz


@pytest.mark.parametrize(("service", "operation"), OPERATIONS)
@FUZZ
@given(data=st.data())
def test_no_input_gets_a_500(fuzz: Fuzz, service: str, operation: str, data: st.DataObject) -> None:
    model = load_service(_SERVICES[service][0])
    op = model.find_operation(operation)
    assert op is not None
    request = data.draw(requests_for(op), label="request")
    caller = data.draw(st.sampled_from(("root", "limited")), label="caller")
    answer = fuzz.send(caller, service, request)
    fuzz.server.check(answer, json_wire=op.protocol == "json")
