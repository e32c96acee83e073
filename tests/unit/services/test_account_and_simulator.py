"""Account settings and the policy simulator through the harness.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import Harness, make_harness
from warden.errors import (
    AccessDenied,
    EntityAlreadyExists,
    InvalidInput,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from warden.services import iam

READ = json.dumps(
    {"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/secret/*"}]},
    indent=2,
)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    harness.call("CreateUser", {"UserName": "bob"})
    harness.call("PutUserPolicy", {"UserName": "bob", "PolicyName": "reports", "PolicyDocument": READ})
    return harness


def test_account_alias_and_password_policy(h: Harness) -> None:
    h.call("CreateAccountAlias", {"AccountAlias": "acme-prod"})
    assert h.call("ListAccountAliases")["AccountAliases"] == ["acme-prod"]
    with pytest.raises(NoSuchEntity, match="The Password Policy with domain name 111122223333 cannot be found."):
        h.call("GetAccountPasswordPolicy")
    h.call("UpdateAccountPasswordPolicy", {"MinimumPasswordLength": 14, "RequireSymbols": True, "MaxPasswordAge": 90})
    policy = h.call("GetAccountPasswordPolicy")["PasswordPolicy"]
    assert (policy["MinimumPasswordLength"], policy["RequireSymbols"], policy["ExpirePasswords"]) == (14, True, True)
    h.call("DeleteAccountPasswordPolicy")
    with pytest.raises(NoSuchEntity, match="The account policy with name PasswordPolicy cannot be found."):
        h.call("DeleteAccountPasswordPolicy")
    h.call("DeleteAccountAlias", {"AccountAlias": "acme-prod"})
    assert h.call("ListAccountAliases")["AccountAliases"] == []


def test_account_alias_is_unique_across_accounts(h: Harness) -> None:
    from warden.model import Account

    with h.store.transaction() as tx:
        tx.create_account(Account(account_id="222233334444", create_date=h.now))
        tx.set_account_alias("222233334444", "taken")
    with pytest.raises(EntityAlreadyExists):
        h.call("CreateAccountAlias", {"AccountAlias": "taken"})


def test_an_account_alias_cannot_be_a_twelve_digit_number(h: Harness) -> None:
    """IAM quotas, name requirements: an alias "can't be a 12-digit number"; shorter or longer
    runs of digits are aliases like any other.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    with pytest.raises(ValidationError, match="123456789012"):
        h.call("CreateAccountAlias", {"AccountAlias": "123456789012"})
    assert h.call("ListAccountAliases")["AccountAliases"] == []
    for alias in ("12345678901", "1234567890123", "12345678901a"):
        h.call("CreateAccountAlias", {"AccountAlias": alias})
        assert h.call("ListAccountAliases")["AccountAliases"] == [alias]


def test_account_summary_counts(h: Harness) -> None:
    h.call("CreateGroup", {"GroupName": "g"})
    summary = h.call("GetAccountSummary")["SummaryMap"]
    assert (summary["Users"], summary["Groups"], summary["Roles"], summary["UsersQuota"]) == (1, 1, 0, 5000)


def test_simulate_principal_policy_explains_with_positions(h: Harness) -> None:
    result = h.call("SimulatePrincipalPolicy", {
        "PolicySourceArn": "arn:aws:iam::111122223333:user/bob",
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::reports/q3.csv", "arn:aws:s3:::reports/secret/x"],
        "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.9"],
                            "ContextKeyType": "ip"}],
    })["EvaluationResults"]
    allowed, denied = result
    assert allowed["EvalDecision"] == "allowed" and denied["EvalDecision"] == "explicitDeny"
    (statement,) = allowed["MatchedStatements"]
    assert statement["SourcePolicyId"] == "reports" and statement["SourcePolicyType"] == "user"
    assert statement["StartPosition"] == {"Line": 4, "Column": 5}
    assert statement["EndPosition"]["Line"] > 4


def test_simulation_reports_missing_context_values(h: Harness) -> None:
    result = h.call("SimulatePrincipalPolicy", {
        "PolicySourceArn": "arn:aws:iam::111122223333:user/bob",
        "ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::reports/q3.csv"],
    })["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:SourceIp"]


def test_simulate_custom_policy_and_context_keys(h: Harness) -> None:
    result = h.call("SimulateCustomPolicy", {"PolicyInputList": [READ], "ActionNames": ["s3:PutObject", "s3:GetObject"],
                                             "ResourceArns": ["arn:aws:s3:::reports/secret/a"]})
    assert [r["EvalDecision"] for r in result["EvaluationResults"]] == ["explicitDeny", "explicitDeny"]
    assert h.call("GetContextKeysForCustomPolicy", {"PolicyInputList": [READ]})["ContextKeyNames"] == ["aws:SourceIp"]
    keys = h.call("GetContextKeysForPrincipalPolicy", {"PolicySourceArn": "arn:aws:iam::111122223333:user/bob"})
    assert keys["ContextKeyNames"] == ["aws:SourceIp"]
    with pytest.raises(MalformedPolicyDocument):
        h.call("SimulateCustomPolicy", {"PolicyInputList": ['{"Statement": 1}'], "ActionNames": ["s3:GetObject"]})
    bad_date = ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",'
                ' "Condition": {"DateLessThan": {"aws:CurrentTime": "99999-99-99"}}}}')
    for operation, params in (
        ("SimulateCustomPolicy", {"PolicyInputList": [bad_date], "ActionNames": ["s3:GetObject"]}),
        ("SimulatePrincipalPolicy", {"PolicySourceArn": "arn:aws:iam::111122223333:user/bob",
                                     "PermissionsBoundaryPolicyInputList": [bad_date], "ActionNames": ["s3:GetObject"]}),
    ):  # both answered a 500 (found by the fuzz tests)
        with pytest.raises(MalformedPolicyDocument, match="^Invalid Condition value '99999-99-99'"):
            h.call(operation, params)


def test_simulation_is_authorized(h: Harness) -> None:
    with pytest.raises(AccessDenied, match="iam:SimulatePrincipalPolicy on resource: arn:aws:iam::111122223333:user/bob"):
        h.call("SimulatePrincipalPolicy", {"PolicySourceArn": "arn:aws:iam::111122223333:user/bob",
                                           "ActionNames": ["s3:GetObject"]}, caller=h.user_caller("bob"))
    with pytest.raises(AccessDenied):
        h.call("GetAccountSummary", caller=h.user_caller("bob"))


def test_account_authorization_details_pages_through_everything(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html"""
    from urllib.parse import unquote

    from warden.services.iam.policies_aws import install_aws_managed_policies

    with h.store.transaction() as tx:
        install_aws_managed_policies(tx, h.env.ids, h.now)
    h.call("CreateGroup", {"GroupName": "g"})
    h.call("AddUserToGroup", {"GroupName": "g", "UserName": "bob"})
    details = h.call("GetAccountAuthorizationDetails", {"Filter": ["User", "Group", "LocalManagedPolicy"]})
    (bob,) = details["UserDetailList"]
    assert bob["GroupList"] == ["g"] and unquote(bob["UserPolicyList"][0]["PolicyDocument"]) == READ
    assert [g["GroupName"] for g in details["GroupDetailList"]] == ["g"]
    assert details["Policies"] == [] and not details["IsTruncated"]
    first = h.call("GetAccountAuthorizationDetails", {"Filter": ["AWSManagedPolicy"], "MaxItems": 2})
    assert len(first["Policies"]) == 2 and first["IsTruncated"]
    rest = h.call("GetAccountAuthorizationDetails", {"Filter": ["AWSManagedPolicy"], "Marker": first["Marker"]})
    assert len(first["Policies"]) + len(rest["Policies"]) == 6


def test_a_context_entry_without_a_name_is_invalid_input(h: Harness) -> None:
    # Found by the fuzzer (every member of a ContextEntry is optional in the model): was a 500.
    with pytest.raises(InvalidInput, match="context entry 1 has no ContextKeyName"):
        h.call("SimulateCustomPolicy", {"PolicyInputList": [READ], "ActionNames": ["s3:GetObject"],
                                        "ContextEntries": [{"ContextKeyValues": ["x"]}]})


def test_a_resource_owner_that_is_not_an_arn_is_invalid_input(h: Harness) -> None:
    # Found by the fuzzer: ResourceOwner=0 was a 500.
    with pytest.raises(InvalidInput, match="ResourceOwner 0 is not the ARN of an account"):
        h.call("SimulateCustomPolicy", {"PolicyInputList": [READ], "ActionNames": ["s3:GetObject"],
                                        "ResourceOwner": "0"})


def test_an_explicit_deny_names_only_the_deny_statements(h: Harness) -> None:
    """Both of bob's statements apply to reports/secret/x, but after an explicit deny AWS lists the
    deny statement alone ("the deny statement is the only entry included in the result").
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html"""
    (result,) = h.call("SimulatePrincipalPolicy", {
        "PolicySourceArn": "arn:aws:iam::111122223333:user/bob",
        "ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::reports/secret/x"],
        "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.9"],
                            "ContextKeyType": "ip"}],
    })["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny"
    (statement,) = result["MatchedStatements"]
    assert statement["SourcePolicyId"] == "reports" and statement["StartPosition"] == {"Line": 15, "Column": 5}


def test_context_keys_include_the_keys_that_policy_variables_name(h: Harness) -> None:
    """AWS's own example: a Resource with ${aws:username} and a DateGreaterThan on aws:CurrentTime
    give ["aws:username", "aws:CurrentTime"]. Escapes such as ${*} name no key.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/iam_example_iam_GetContextKeysForCustomPolicy_section.html"""
    example = json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "dynamodb:*",
        "Resource": "arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2015-08-16T12:00:00Z"}}}})
    keys = h.call("GetContextKeysForCustomPolicy", {"PolicyInputList": [example]})["ContextKeyNames"]
    assert keys == ["aws:username", "aws:CurrentTime"]
    values = json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home${*}",
        "Condition": {"StringLike": {"s3:prefix": "${aws:PrincipalTag/team, 'none'}/*"}}}})
    keys = h.call("GetContextKeysForCustomPolicy", {"PolicyInputList": [values]})["ContextKeyNames"]
    assert keys == ["s3:prefix", "aws:PrincipalTag/team"]


ALLOW_ALL_S3 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app/*"}}}]})
PUBLIC_READ = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})


def test_roles_and_groups_are_simulated_without_a_caller_arn(h: Harness) -> None:
    """PolicySourceArn may name a user, group or role; CallerArn is required only with a
    ResourcePolicy when PolicySourceArn is not a user. A role's policies act through a session of
    the role, whose aws:PrincipalArn is the role's ARN with its path.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html"""
    h.call("CreateRole", {"RoleName": "web", "Path": "/app/", "AssumeRolePolicyDocument": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]})})
    h.call("PutRolePolicy", {"RoleName": "web", "PolicyName": "s3", "PolicyDocument": ALLOW_ALL_S3})
    h.call("CreateGroup", {"GroupName": "readers"})
    h.call("PutGroupPolicy", {"GroupName": "readers", "PolicyName": "reports", "PolicyDocument": READ})
    for source, expected in (("role/app/web", "allowed"), ("group/readers", "explicitDeny")):
        params = {"PolicySourceArn": f"arn:aws:iam::111122223333:{source}", "ActionNames": ["s3:GetObject"],
                  "ResourceArns": ["arn:aws:s3:::reports/secret/x"]}
        (result,) = h.call("SimulatePrincipalPolicy", params)["EvaluationResults"]
        assert result["EvalDecision"] == expected
        with pytest.raises(InvalidInput, match="CallerArn is required when ResourcePolicy is given"):
            h.call("SimulatePrincipalPolicy", {**params, "ResourcePolicy": PUBLIC_READ})
        caller = {"ResourcePolicy": PUBLIC_READ, "CallerArn": "arn:aws:iam::111122223333:user/bob"}
        assert h.call("SimulatePrincipalPolicy", {**params, **caller})["EvaluationResults"][0]["EvalDecision"]


def test_caller_arn_must_be_an_iam_user(h: Harness) -> None:
    """"You can specify only the ARN of an IAM user. You cannot specify the ARN of an assumed role,
    federated user, or a service principal." SimulateCustomPolicy needs one with a ResourcePolicy.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html"""
    params = {"PolicyInputList": [READ], "ActionNames": ["s3:GetObject"]}
    for arn in ("arn:aws:sts::111122223333:assumed-role/web/s", "arn:aws:iam::111122223333:role/web",
                "arn:aws:sts::111122223333:federated-user/f", "ec2.amazonaws.com"):
        with pytest.raises(InvalidInput, match=f"CallerArn {arn} is not the ARN of an IAM user"):
            h.call("SimulateCustomPolicy", {**params, "CallerArn": arn})
    with pytest.raises(InvalidInput, match="CallerArn is required when ResourcePolicy is given"):
        h.call("SimulateCustomPolicy", {**params, "ResourcePolicy": PUBLIC_READ})
    other = {"CallerArn": "arn:aws:iam::444455556666:user/eve", "ResourcePolicy": PUBLIC_READ}
    assert h.call("SimulateCustomPolicy", {**params, **other})["EvaluationResults"][0]["EvalDecision"]
