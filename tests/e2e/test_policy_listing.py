"""ListPolicies filters page with boto3's paginator: every filter applies before paging, so no
page comes back short or empty while more remain, and a marker survives concurrent writes.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html
https://boto3.amazonaws.com/v1/documentation/api/latest/guide/paginators.html
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer, start_server  # type: ignore[import-not-found]

DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
)
CN_READ_ONLY = "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"


@pytest.fixture
def listing(root_iam: Any) -> tuple[str, dict[str, list[str]]]:
    """Twelve policies under a fresh path: every third attached, every fourth a boundary."""
    tag = uuid.uuid4().hex[:8]
    path, user = f"/listing-{tag}/", f"lister-{tag}"
    root_iam.create_user(UserName=user)
    expected: dict[str, list[str]] = {"All": [], "PermissionsPolicy": [], "PermissionsBoundary": []}
    for index in range(12):
        name = f"{tag}-p{index:02d}"
        arn = root_iam.create_policy(PolicyName=name, Path=path, PolicyDocument=DOC)["Policy"]["Arn"]
        expected["All"].append(name)
        if index % 3 == 0:
            root_iam.attach_user_policy(UserName=user, PolicyArn=arn)
            expected["PermissionsPolicy"].append(name)
        if index % 4 == 0:
            boundary_user = f"{user}-{index}"
            root_iam.create_user(UserName=boundary_user, PermissionsBoundary=arn)
            expected["PermissionsBoundary"].append(name)
    return path, expected


def _pages(iam: Any, **params: Any) -> list[list[str]]:
    paginator = iam.get_paginator("list_policies")
    return [
        [p["PolicyName"] for p in page["Policies"]]
        for page in paginator.paginate(PaginationConfig={"PageSize": 2}, **params)
    ]


def test_usage_filters_and_only_attached_fill_every_page(
    root_iam: Any, listing: tuple[str, dict[str, list[str]]]
) -> None:
    path, expected = listing
    for params, wanted in (
        ({"PolicyUsageFilter": "PermissionsPolicy"}, expected["PermissionsPolicy"]),
        ({"PolicyUsageFilter": "PermissionsBoundary"}, expected["PermissionsBoundary"]),
        ({"OnlyAttached": True}, expected["PermissionsPolicy"]),
        ({}, expected["All"]),
    ):
        pages = _pages(root_iam, Scope="Local", PathPrefix=path, **params)
        assert [name for page in pages for name in page] == wanted
        assert all(len(page) == 2 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    limited = root_iam.get_paginator("list_policies").paginate(
        Scope="Local",
        PathPrefix=path,
        PolicyUsageFilter="PermissionsPolicy",
        PaginationConfig={"MaxItems": 3, "PageSize": 2},
    )
    assert limited.build_full_result()["Policies"][-1]["PolicyName"] == expected["PermissionsPolicy"][2]


def test_marker_survives_concurrent_writes(root_iam: Any, listing: tuple[str, dict[str, list[str]]]) -> None:
    """Policies created or deleted behind and ahead of a marker neither repeat nor hide the rest."""
    path, expected = listing
    first = root_iam.list_policies(Scope="Local", PathPrefix=path, OnlyAttached=True, MaxItems=2)
    assert (
        first["IsTruncated"]
        and [p["PolicyName"] for p in first["Policies"]] == expected["PermissionsPolicy"][:2]
    )
    user = f"late-{uuid.uuid4().hex[:8]}"
    root_iam.create_user(UserName=user)
    tag = expected["All"][0].split("-")[0]
    for name in (f"{tag}-p00a", f"{tag}-p99"):  # one before the marker, one after it
        arn = root_iam.create_policy(PolicyName=name, Path=path, PolicyDocument=DOC)["Policy"]["Arn"]
        root_iam.attach_user_policy(UserName=user, PolicyArn=arn)
    rest: list[str] = []
    marker = first["Marker"]
    while marker:
        page = root_iam.list_policies(
            Scope="Local", PathPrefix=path, OnlyAttached=True, MaxItems=2, Marker=marker
        )
        rest += [p["PolicyName"] for p in page["Policies"]]
        marker = page.get("Marker")
    assert rest == expected["PermissionsPolicy"][2:] + [f"{tag}-p99"]


@pytest.fixture(scope="module")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(Path(tmp_path_factory.mktemp("warden-mock")), mock=True)
    yield live
    live.stop()


def test_china_region_sees_aws_managed_policies_in_its_partition(mock_server: LiveServer) -> None:
    """In mock mode the partition follows the region: cn-north-1 callers name and see
    `arn:aws-cn:iam::aws:policy/...`. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    iam = mock_server.client("iam", "AKIAIOSFODNN7EXAMPLE", "secret", region="cn-north-1")
    iam.create_user(UserName="cn-user")
    iam.attach_user_policy(UserName="cn-user", PolicyArn=CN_READ_ONLY)
    attached = iam.list_attached_user_policies(UserName="cn-user")["AttachedPolicies"]
    assert attached == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": CN_READ_ONLY}]
    aws_scope = iam.get_paginator("list_policies").paginate(Scope="AWS").build_full_result()["Policies"]
    assert aws_scope and all(p["Arn"].startswith("arn:aws-cn:iam::aws:policy/") for p in aws_scope)
    with pytest.raises(iam.exceptions.ClientError) as raised:
        iam.attach_user_policy(UserName="cn-user", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationError", "Invalid ARN partition")
