"""Account-wide IAM settings: the account alias, the password policy, and the account summary.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html,
API_UpdateAccountPasswordPolicy.html, API_GetAccountSummary.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.errors import EntityAlreadyExists, NoSuchEntity, ValidationError
from warden.model import PasswordPolicy
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.store import AlreadyExists, NotFound

__all__ = ["HANDLERS"]


# Account-level IAM actions take no resource (Service Authorization Reference).
_ACCOUNT_RESOURCE = "*"


def create_account_alias(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    alias = params["AccountAlias"]
    call.authorize("iam:CreateAccountAlias", _ACCOUNT_RESOURCE)
    # The model's pattern admits twelve digits, but an alias "can't be a 12-digit number" (it
    # would read as an account id in sign-in URLs).
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    if len(alias) == 12 and alias.isascii() and alias.isdigit():
        raise ValidationError(f"The account alias {alias} is not valid: an account alias cannot be a 12-digit number.")
    try:
        call.tx.set_account_alias(call.account_id, alias)
    except AlreadyExists:
        raise EntityAlreadyExists(f"The account alias {alias} already exists.") from None
    return {}


def delete_account_alias(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    alias = params["AccountAlias"]
    call.authorize("iam:DeleteAccountAlias", _ACCOUNT_RESOURCE)
    account = call.tx.get_account(call.account_id)
    if account is None or account.alias != alias:
        raise NoSuchEntity(f"The account alias {alias} cannot be found.")
    call.tx.set_account_alias(call.account_id, None)
    return {}


def list_account_aliases(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListAccountAliases", _ACCOUNT_RESOURCE)
    account = call.tx.get_account(call.account_id)
    aliases = [account.alias] if account is not None and account.alias else []
    return {"AccountAliases": aliases, "IsTruncated": False}


def update_account_password_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:UpdateAccountPasswordPolicy", _ACCOUNT_RESOURCE)
    # Parameters left out take their defaults, as AWS documents: the call replaces the policy.
    policy = PasswordPolicy(
        minimum_password_length=params.get("MinimumPasswordLength", 6),
        require_symbols=params.get("RequireSymbols", False),
        require_numbers=params.get("RequireNumbers", False),
        require_uppercase_characters=params.get("RequireUppercaseCharacters", False),
        require_lowercase_characters=params.get("RequireLowercaseCharacters", False),
        allow_users_to_change_password=params.get("AllowUsersToChangePassword", False),
        max_password_age=params.get("MaxPasswordAge") or None,
        password_reuse_prevention=params.get("PasswordReusePrevention") or None,
        hard_expiry=params.get("HardExpiry", False),
    )
    call.tx.put_password_policy(call.account_id, policy)
    return {}


def _no_password_policy(call: Call) -> NoSuchEntity:
    return NoSuchEntity(f"The Password Policy with domain name {call.account_id} cannot be found.")


def get_account_password_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetAccountPasswordPolicy", _ACCOUNT_RESOURCE)
    policy = call.tx.get_password_policy(call.account_id)
    if policy is None:
        raise _no_password_policy(call)
    wire: dict[str, Any] = {
        "MinimumPasswordLength": policy.minimum_password_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase_characters,
        "RequireLowercaseCharacters": policy.require_lowercase_characters,
        "AllowUsersToChangePassword": policy.allow_users_to_change_password,
        "ExpirePasswords": policy.expire_passwords,
    }
    if policy.max_password_age:
        wire["MaxPasswordAge"] = policy.max_password_age
    if policy.password_reuse_prevention:
        wire["PasswordReusePrevention"] = policy.password_reuse_prevention
    if policy.hard_expiry:
        wire["HardExpiry"] = True
    return {"PasswordPolicy": wire}


def delete_account_password_policy(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:DeleteAccountPasswordPolicy", _ACCOUNT_RESOURCE)
    try:
        call.tx.delete_password_policy(call.account_id)
    except NotFound:
        # DeleteAccountPasswordPolicy words it differently from GetAccountPasswordPolicy.
        raise NoSuchEntity("The account policy with name PasswordPolicy cannot be found.") from None
    return {}


# AWS's default quotas, as GetAccountSummary reports them.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
_QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "InstanceProfilesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "UserPolicySizeQuota": 2048,
    "GroupPolicySizeQuota": 5120,
    "RolePolicySizeQuota": 10240,
    "PolicySizeQuota": 6144,
    "AssumeRolePolicySizeQuota": 2048,
    "GroupsPerUserQuota": 10,
    "SigningCertificatesPerUserQuota": 2,
    "AccessKeysPerUserQuota": 2,
    "AttachedPoliciesPerGroupQuota": 10,
    "AttachedPoliciesPerRoleQuota": 10,
    "AttachedPoliciesPerUserQuota": 10,
    "VersionsPerPolicyQuota": 5,
    "PolicyVersionsInUseQuota": 10000,
    "GlobalEndpointTokenVersion": 1,
}


def get_account_summary(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetAccountSummary", _ACCOUNT_RESOURCE)
    tx, account = call.tx, call.account_id
    devices = tx.list_mfa_devices(account, max_items=1000).items
    summary = dict(_QUOTAS)
    summary.update(
        {
            "Users": tx.count_users(account),
            "Groups": tx.count_groups(account),
            "Roles": tx.count_roles(account),
            "Policies": tx.count_policies(account),
            "InstanceProfiles": tx.count_instance_profiles(account),
            "ServerCertificates": 0,
            "Providers": 0,
            "MFADevices": len(devices),
            "MFADevicesInUse": sum(1 for d in devices if d.user_name),
            "AccountMFAEnabled": 0,
            "AccountAccessKeysPresent": 1 if tx.count_access_keys(account, None) else 0,
            "AccountPasswordPresent": 0,
            "AccountSigningCertificatesPresent": 0,
            "PolicyVersionsInUse": sum(
                len(tx.list_policy_versions(account, p.arn))
                for p in tx.list_policies(account, only_attached=True, max_items=1000).items
            ),
        }
    )
    return {"SummaryMap": summary}


HANDLERS: dict[str, Handler] = {
    "CreateAccountAlias": create_account_alias,
    "DeleteAccountAlias": delete_account_alias,
    "ListAccountAliases": list_account_aliases,
    "UpdateAccountPasswordPolicy": update_account_password_policy,
    "GetAccountPasswordPolicy": get_account_password_policy,
    "DeleteAccountPasswordPolicy": delete_account_password_policy,
    "GetAccountSummary": get_account_summary,
}
