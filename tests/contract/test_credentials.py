"""Access keys, login profiles, MFA devices, instance profiles and tags."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from warden.model import AccessKey, AccessKeyStatus, LoginProfile, MfaDevice, Tag, TaggedKind
from warden.store import AlreadyExists, ConflictDeleting, Dependent, NotFound, Store

from .factories import DOC, NOW, instance_profile, policy, role, user


def test_access_keys_found_across_accounts(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyMetadata.html"""
    key = AccessKey(f"AKIA{account}XY", account, "Kim", AccessKeyStatus.ACTIVE, NOW, b"\x00sealed\xff")
    with store.transaction() as tx:
        tx.create_user(user(account, "kim"))
        tx.create_access_key(dataclasses.replace(key, user_name="KIM"))
        with pytest.raises(AlreadyExists):
            tx.create_access_key(dataclasses.replace(key, user_name="kim"))
    with store.transaction() as tx:
        got = tx.get_access_key(key.access_key_id)
        assert got == dataclasses.replace(key, user_name="kim")
        tx.set_access_key_status(account, key.access_key_id, AccessKeyStatus.INACTIVE)
        tx.record_access_key_use(key.access_key_id, NOW, "iam", "us-east-1")
        (listed,) = tx.list_access_keys(account, "kim").items
        assert (listed.status, listed.last_used_service, listed.last_used_region) == (
            AccessKeyStatus.INACTIVE,
            "iam",
            "us-east-1",
        )
        assert tx.count_access_keys(account, "kim") == 1
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_user(account, "kim")
        assert caught.value.dependent is Dependent.ACCESS_KEYS
        with pytest.raises(NotFound):
            tx.delete_access_key("000000000000", key.access_key_id)
        tx.delete_access_key(account, key.access_key_id)
        assert tx.get_access_key(key.access_key_id) is None


def test_login_profile(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_LoginProfile.html"""
    profile = LoginProfile("lee", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", NOW, True)
    with store.transaction() as tx:
        tx.create_user(user(account, "lee"))
        tx.create_login_profile(account, profile)
        with pytest.raises(AlreadyExists):
            tx.create_login_profile(account, profile)
        assert tx.get_login_profile(account, "LEE") == profile
        tx.update_login_profile(
            account, dataclasses.replace(profile, password_hash="h2", password_reset_required=False)
        )
        assert tx.get_login_profile(account, "lee") == dataclasses.replace(
            profile, password_hash="h2", password_reset_required=False
        )
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_user(account, "lee")
        assert caught.value.dependent is Dependent.LOGIN_PROFILE
        tx.delete_login_profile(account, "lee")
        assert tx.get_login_profile(account, "lee") is None
        with pytest.raises(NotFound):
            tx.delete_login_profile(account, "lee")


def test_mfa_devices(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html"""
    serial = f"arn:aws:iam::{account}:mfa/phone"
    device = MfaDevice(serial, account, "phone", "/", NOW, b"seed-ciphertext")
    with store.transaction() as tx:
        tx.create_user(user(account, "max"))
        tx.create_mfa_device(device)
        with pytest.raises(AlreadyExists):
            tx.create_mfa_device(device)
        tx.enable_mfa_device(account, serial, "max", NOW)
        with pytest.raises(AlreadyExists):
            tx.enable_mfa_device(account, serial, "max", NOW)
        assert tx.get_mfa_device(account, serial) == dataclasses.replace(
            device, user_name="max", enable_date=NOW
        )
        assert [d.serial_number for d in tx.list_mfa_devices(account, "max").items] == [serial]
        assert tx.count_mfa_devices(account, "max") == 1
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_user(account, "max")
        assert caught.value.dependent is Dependent.MFA_DEVICES
        with pytest.raises(ConflictDeleting):
            tx.delete_mfa_device(account, serial)
        tx.deactivate_mfa_device(account, serial)
        assert tx.list_mfa_devices(account, "max").items == ()
        assert tx.list_mfa_devices(account).items == (device,)
        tx.delete_mfa_device(account, serial)
        tx.delete_user(account, "max")


def test_mfa_code_steps_failures_and_throttle(store: Store, account: str) -> None:
    """A TOTP step is accepted at most once; wrong codes count up to a throttle; an accepted
    code clears both. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html"""
    serial = f"arn:aws:iam::{account}:mfa/token"
    later = NOW + timedelta(minutes=5)
    with store.transaction() as tx:
        tx.create_mfa_device(MfaDevice(serial, account, "token", "/", NOW, b"sealed"))
        assert tx.accept_mfa_step(account, serial, 100)
        assert not tx.accept_mfa_step(account, serial, 100)
        assert not tx.accept_mfa_step(account, serial, 99)
        assert not tx.accept_mfa_step("000000000000", serial, 101)
        assert [tx.record_mfa_failure(account, serial, 3, later) for _ in range(2)] == [1, 2]
        got = tx.get_mfa_device(account, serial)
        assert got is not None and (got.last_used_step, got.failed_attempts, got.throttled_until) == (100, 2, None)
        assert tx.record_mfa_failure(account, serial, 3, later) == 3
        got = tx.get_mfa_device(account, serial)
        assert got is not None and got.throttled_until == later
        assert tx.accept_mfa_step(account, serial, 101)
        got = tx.get_mfa_device(account, serial)
        assert got is not None and (got.last_used_step, got.failed_attempts, got.throttled_until) == (101, 0, None)
        tx.record_mfa_failure(account, serial, 3, later)
        tx.reset_mfa_state(account, serial)
        got = tx.get_mfa_device(account, serial)
        assert got is not None and (got.last_used_step, got.failed_attempts) == (None, 0)
        with pytest.raises(NotFound):
            tx.record_mfa_failure(account, f"{serial}-gone", 3, later)


def test_instance_profiles(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_InstanceProfile.html"""
    web = role(account, "web")
    with store.transaction() as tx:
        tx.create_role(web)
        tx.create_instance_profile(instance_profile(account, "WebServer"))
        tx.add_role_to_instance_profile(account, "webserver", "WEB")
        with pytest.raises(AlreadyExists):
            tx.add_role_to_instance_profile(account, "WebServer", "web")
        got = tx.get_instance_profile(account, "webserver")
        assert got is not None and got.roles == (web,)
        assert [p.name for p in tx.list_instance_profiles_for_role(account, "web").items] == ["WebServer"]
        assert tx.count_instance_profiles(account) == 1
        with pytest.raises(ConflictDeleting) as caught:
            tx.delete_role(account, "web")
        assert caught.value.dependent is Dependent.INSTANCE_PROFILES
        with pytest.raises(ConflictDeleting):
            tx.delete_instance_profile(account, "WebServer")
        tx.remove_role_from_instance_profile(account, "WebServer", "web")
        tx.delete_instance_profile(account, "WebServer")
        assert tx.list_instance_profiles(account).items == ()


def test_tags_keys_are_case_insensitive(store: Store, account: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html"""
    managed = policy(account, "Tagged")
    with store.transaction() as tx:
        tx.create_user(user(account, "tess", tags=(Tag("CostCenter", "1"),)))
        tx.create_policy(managed, DOC)
        tx.tag_resource(account, TaggedKind.USER, "tess", [Tag("costcenter", "2"), Tag("Dept", "x")])
        assert tx.list_tags(account, TaggedKind.USER, "TESS") == (Tag("CostCenter", "2"), Tag("Dept", "x"))
        tx.untag_resource(account, TaggedKind.USER, "tess", ["DEPT", "absent"])
        assert tx.list_tags(account, TaggedKind.USER, "tess") == (Tag("CostCenter", "2"),)
        tx.tag_resource(account, TaggedKind.POLICY, managed.arn, [Tag("a", "b")])
        got = tx.get_policy(account, managed.arn)
        assert got is not None and got.tags == (Tag("a", "b"),)
        with pytest.raises(NotFound):
            tx.list_tags(account, TaggedKind.ROLE, "nobody")


def test_root_user_access_keys(store: Store, account: str) -> None:
    """The root user may have access keys of its own; they belong to no IAM user.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html"""
    root_key = AccessKey(f"AKIAROOT{account}", account, None, AccessKeyStatus.ACTIVE, NOW, b"sealed")
    with store.transaction() as tx:
        tx.create_user(user(account, "someone"))
        tx.create_access_key(root_key)
    with store.transaction() as tx:
        assert tx.get_access_key(root_key.access_key_id) == root_key
        assert tx.list_access_keys(account, None).items == (root_key,)
        assert tx.count_access_keys(account, None) == 1
        assert tx.count_access_keys(account, "someone") == 0
        tx.delete_access_key(account, root_key.access_key_id)
        assert tx.count_access_keys(account, None) == 0
