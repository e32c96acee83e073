"""Service-linked roles: creation, protection from the ordinary role operations, deletion tasks.

https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest
from roles_support import EC2_TRUST, allow, create_role, denial, role_harness, user_with_policy

from harness import Harness
from warden.errors import AccessDenied, InvalidInput, NoSuchEntity, UnmodifiableEntity
from warden.model import Tag, TaggedKind

SLR_ARN = "arn:aws:iam::111122223333:role/aws-service-role/"
AUTOSCALING = "autoscaling.amazonaws.com"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return role_harness(tmp_path)


def test_create_names_the_role_as_the_service_does(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html"""
    role = h.call("CreateServiceLinkedRole", {"AWSServiceName": AUTOSCALING, "Description": "scaling"})[
        "Role"
    ]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling"
    assert role["Path"] == f"/aws-service-role/{AUTOSCALING}/"
    assert role["Arn"] == f"{SLR_ARN}{AUTOSCALING}/AWSServiceRoleForAutoScaling"
    assert role["Description"] == "scaling"
    trust = json.loads(unquote(role["AssumeRolePolicyDocument"]))
    assert trust["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": AUTOSCALING}, "Action": "sts:AssumeRole"}
    ]
    assert h.call("GetRole", {"RoleName": "AWSServiceRoleForAutoScaling"})["Role"]["RoleId"] == role["RoleId"]
    es = h.call("CreateServiceLinkedRole", {"AWSServiceName": "es.amazonaws.com"})["Role"]
    assert es["RoleName"] == "AWSServiceRoleForAmazonElasticsearchService"
    unlisted = h.call("CreateServiceLinkedRole", {"AWSServiceName": "newthing.amazonaws.com"})["Role"]
    assert unlisted["RoleName"] == "AWSServiceRoleForNewthing"


def test_custom_suffix_only_where_the_service_allows_it(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html (CustomSuffix)"""
    role = h.call("CreateServiceLinkedRole", {"AWSServiceName": AUTOSCALING, "CustomSuffix": "fleet"})["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling_fleet"
    with pytest.raises(InvalidInput, match="^Custom suffix is not allowed for ecs.amazonaws.com$"):
        h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com", "CustomSuffix": "x"})


def test_a_taken_name_is_refused(h: Harness) -> None:
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})
    message = "^Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.$"
    with pytest.raises(InvalidInput, match=message):
        h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})


def test_a_name_that_is_not_a_service_principal_is_refused(h: Harness) -> None:
    with pytest.raises(InvalidInput, match="not the service principal of an AWS service"):
        h.call("CreateServiceLinkedRole", {"AWSServiceName": "example.com"})


def test_ordinary_role_operations_cannot_change_it(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#edit-service-linked-role"""
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})
    name = "AWSServiceRoleForECS"
    message = (
        f"^Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS$"
    )
    refused = [
        ("DeleteRole", {}),
        ("UpdateAssumeRolePolicy", {"PolicyDocument": json.dumps(EC2_TRUST)}),
        ("UpdateRole", {"MaxSessionDuration": 7200}),
    ]
    for operation, extra in refused:
        with pytest.raises(UnmodifiableEntity, match=message):
            h.call(operation, {"RoleName": name, **extra})
    # Its description is the one thing a customer may edit.
    h.call("UpdateRoleDescription", {"RoleName": name, "Description": "containers"})
    h.call("UpdateRole", {"RoleName": name, "Description": "still containers"})
    role = h.call("GetRole", {"RoleName": name})["Role"]
    assert role["Description"] == "still containers" and role["MaxSessionDuration"] == 3600


def test_delete_and_deletion_status(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteServiceLinkedRole.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLinkedRoleDeletionStatus.html"""
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})
    task = h.call("DeleteServiceLinkedRole", {"RoleName": "AWSServiceRoleForECS"})["DeletionTaskId"]
    prefix = "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/"
    assert task.startswith(prefix) and uuid.UUID(task[len(prefix) :]).version == 4
    with pytest.raises(NoSuchEntity):
        h.call("GetRole", {"RoleName": "AWSServiceRoleForECS"})
    assert h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": task}) == {"Status": "SUCCEEDED"}
    # A new role under the same name is not the one that the old task deleted.
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})
    assert h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": task})["Status"] == "SUCCEEDED"
    invented = prefix + str(uuid.uuid4())
    with pytest.raises(NoSuchEntity, match="cannot be found"):
        h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": invented})
    with pytest.raises(InvalidInput, match="^Invalid deletion task id: nonsense$"):
        h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": "nonsense"})


def test_a_deletion_blocked_by_use_reports_failed(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletionTaskFailureReasonType.html"""
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})
    h.call("CreateInstanceProfile", {"InstanceProfileName": "p"})
    h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "p", "RoleName": "AWSServiceRoleForECS"})
    task = h.call("DeleteServiceLinkedRole", {"RoleName": "AWSServiceRoleForECS"})["DeletionTaskId"]
    status = h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": task})
    assert status["Status"] == "FAILED"
    assert status["Reason"]["RoleUsageList"] == [
        {"Region": "us-east-1", "Resources": ["arn:aws:iam::111122223333:instance-profile/p"]}
    ]
    assert (
        h.call("GetRole", {"RoleName": "AWSServiceRoleForECS"})["Role"]["RoleName"] == "AWSServiceRoleForECS"
    )


def test_deletion_status_offers_the_remaining_roles_tags(h: Harness) -> None:
    """GetServiceLinkedRoleDeletionStatus acts on the role resource type, which carries
    aws:ResourceTag/${TagKey}: a role whose deletion failed is still there, with its tags.
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html"""
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"})
    with h.store.transaction() as tx:
        tx.tag_resource(h.account_id, TaggedKind.ROLE, "AWSServiceRoleForECS", [Tag("team", "blue")])
    h.call("CreateInstanceProfile", {"InstanceProfileName": "p"})
    h.call("AddRoleToInstanceProfile", {"InstanceProfileName": "p", "RoleName": "AWSServiceRoleForECS"})
    task = h.call("DeleteServiceLinkedRole", {"RoleName": "AWSServiceRoleForECS"})["DeletionTaskId"]
    blue = {"StringEquals": {"aws:ResourceTag/team": "blue"}}
    erin = user_with_policy(h, "erin", allow("iam:GetServiceLinkedRoleDeletionStatus", condition=blue))
    assert h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": task}, caller=erin)["Status"] == "FAILED"


def test_delete_service_linked_role_refuses_other_roles(h: Harness) -> None:
    create_role(h, "plain")
    with pytest.raises(NoSuchEntity, match="^Role plain is not a service-linked role.$"):
        h.call("DeleteServiceLinkedRole", {"RoleName": "plain"})
    with pytest.raises(NoSuchEntity, match="^The role with name ghost cannot be found.$"):
        h.call("DeleteServiceLinkedRole", {"RoleName": "ghost"})


def test_authorization(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_AWSServiceName"""
    bob = user_with_policy(h, "bob")
    target = f"{SLR_ARN}{AUTOSCALING}/AWSServiceRoleForAutoScaling"
    with pytest.raises(AccessDenied) as denied:
        h.call("CreateServiceLinkedRole", {"AWSServiceName": AUTOSCALING}, caller=bob)
    assert denied.value.message == denial("bob", "iam:CreateServiceLinkedRole", target)
    only_ecs = {"StringEquals": {"iam:AWSServiceName": "ecs.amazonaws.com"}}
    carol = user_with_policy(h, "carol", allow("iam:CreateServiceLinkedRole", condition=only_ecs))
    with pytest.raises(AccessDenied):
        h.call("CreateServiceLinkedRole", {"AWSServiceName": AUTOSCALING}, caller=carol)
    h.call("CreateServiceLinkedRole", {"AWSServiceName": "ecs.amazonaws.com"}, caller=carol)
    ecs_role = f"{SLR_ARN}ecs.amazonaws.com/AWSServiceRoleForECS"
    with pytest.raises(AccessDenied) as denied:
        h.call("DeleteServiceLinkedRole", {"RoleName": "AWSServiceRoleForECS"}, caller=bob)
    assert denied.value.message == denial("bob", "iam:DeleteServiceLinkedRole", ecs_role)
    task = h.call("DeleteServiceLinkedRole", {"RoleName": "AWSServiceRoleForECS"})["DeletionTaskId"]
    with pytest.raises(AccessDenied) as denied:
        h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": task}, caller=bob)
    assert denied.value.message == denial("bob", "iam:GetServiceLinkedRoleDeletionStatus", ecs_role)
    dave = user_with_policy(h, "dave", allow("iam:GetServiceLinkedRoleDeletionStatus", f"{SLR_ARN}*"))
    assert (
        h.call("GetServiceLinkedRoleDeletionStatus", {"DeletionTaskId": task}, caller=dave)["Status"]
        == "SUCCEEDED"
    )


@pytest.mark.parametrize(
    ("service", "name"),
    [
        # https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet-prerequisites.html
        ("ec2fleet.amazonaws.com", "AWSServiceRoleForEC2Fleet"),
        # https://docs.aws.amazon.com/compute-optimizer/latest/ug/using-service-linked-roles.html
        ("compute-optimizer.amazonaws.com", "AWSServiceRoleForComputeOptimizer"),
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/iam_example_iam-policies.AWSMettleDocs.latest.userguide.slr-automation.xml.1_section.html
        ("aco-automation.amazonaws.com", "AWSServiceRoleForComputeOptimizerAutomation"),
    ],
)
def test_services_whose_role_names_do_not_follow_their_principal(h: Harness, service: str, name: str) -> None:
    """These services document role names that capitalising the principal's first label would
    not give (AWSServiceRoleForEc2fleet, AWSServiceRoleForCompute-optimizer...)."""
    role = h.call("CreateServiceLinkedRole", {"AWSServiceName": service})["Role"]
    assert role["RoleName"] == name
    assert role["Path"] == f"/aws-service-role/{service}/"
