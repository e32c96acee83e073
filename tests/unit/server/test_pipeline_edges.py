"""Requests at the edge of the HTTP layer, found by the fuzz tests: each still gets AWS's error
document with a request id, and exactly one audit event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_client import FuzzServer, Keys, running_server  # type: ignore[import-not-found]

from warden.server.app import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys]]:
    data_dir: Path = tmp_path_factory.mktemp("edges")
    with running_server(data_dir) as running:
        yield running


def test_a_body_over_the_limit_is_refused_with_a_request_id_and_audited(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, root = server
    body = b"Action=CreateUser&Version=2010-05-08&UserName=" + b"a" * MAX_BODY_BYTES
    answer = fuzz.signed(root, "iam", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 413
    assert fuzz.check(answer, json_wire=False) == "RequestEntityTooLarge"  # also: one audit event
    assert b"<Message>Request body must be at most 1048576 bytes.</Message>" in answer.body


def test_a_user_agent_that_is_not_utf8_is_audited(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, _ = server
    answer = fuzz.send("POST", b"Action=ListUsers", [(b"host", b"warden.test"), (b"user-agent", b"\xed\xa0\x80 cli")])
    assert fuzz.check(answer, json_wire=False) == "MissingAuthenticationToken"  # the event was lost


def test_an_authorization_header_that_is_not_utf8_gets_a_json_error(server: tuple[FuzzServer, Keys]) -> None:
    fuzz, _ = server
    answer = fuzz.send(
        "POST",
        b"{}",
        [
            (b"host", b"warden.test"),
            (b"x-amz-target", b"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"),
            (b"x-amz-date", b"20260101T000000Z"),
            (b"authorization", b"AWS4-HMAC-SHA256 Credential=\xff\xfe"),
        ],
    )
    assert fuzz.check(answer, json_wire=True) == "IncompleteSignature"


def test_a_post_may_carry_query_parameters_in_its_url(server: tuple[FuzzServer, Keys]) -> None:
    """AWS reads a POST's query string with its body: boto 2 sent every parameter in the URL of
    a signed POST (boto/boto#1081) and the AWS SDK for Java 1.x does when the POST has a payload
    (its HttpRequestFactory, quoted in Comcast/cmb#20)."""
    fuzz, root = server
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    split = fuzz.signed(root, "iam", b"Version=2010-05-08&MaxItems=5", form, query="Action=ListUsers")
    assert fuzz.check(split, json_wire=False) is None
    assert b"<ListUsersResponse" in split.body
    all_in_url = fuzz.signed(root, "sts", b"", {}, query="Action=GetCallerIdentity&Version=2011-06-15")
    assert fuzz.check(all_in_url, json_wire=False) is None
    assert b"<GetCallerIdentityResponse" in all_in_url.body
