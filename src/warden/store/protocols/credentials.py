"""Access keys, login profiles and MFA devices."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from warden.model import AccessKey, AccessKeyStatus, LoginProfile, MfaDevice
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page

__all__ = ["AccessKeyOps", "LoginProfileOps", "MfaDeviceOps"]


class AccessKeyOps(Protocol):
    def create_access_key(self, key: AccessKey) -> None:
        """Raises NotFound("user"), AlreadyExists("access key")."""

    def get_access_key(self, access_key_id: str) -> AccessKey | None:
        """Look a key up in any account: authentication starts from the key id alone."""

    def list_access_keys(
        self,
        account_id: str,
        user_name: str | None,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[AccessKey]:
        """Keys of a user, or with `user_name` None the root user's own keys."""

    def set_access_key_status(self, account_id: str, access_key_id: str, status: AccessKeyStatus) -> None: ...

    def record_access_key_use(self, access_key_id: str, when: datetime, service: str, region: str) -> None:
        """Note a use of the key; does not bump the change counter."""

    def delete_access_key(self, account_id: str, access_key_id: str) -> None: ...

    def count_access_keys(self, account_id: str, user_name: str | None) -> int: ...


class LoginProfileOps(Protocol):
    def create_login_profile(self, account_id: str, profile: LoginProfile) -> None:
        """Raises NotFound("user"), AlreadyExists("login profile")."""

    def get_login_profile(self, account_id: str, user_name: str) -> LoginProfile | None: ...

    def update_login_profile(self, account_id: str, profile: LoginProfile) -> None:
        """Replace the hash, the reset flag and the set date. Raises NotFound("login profile")."""

    def delete_login_profile(self, account_id: str, user_name: str) -> None:
        """Delete the profile and the user's password history. Raises NotFound("login profile")."""

    def record_signin_result(
        self, account_id: str, user_name: str, failed_signins: int, locked_until: datetime | None
    ) -> None:
        """Store the sign-in backoff state; does not bump the change counter."""

    def add_password_history(self, account_id: str, user_name: str, set_date: datetime, password_hash: str) -> None:
        """Remember a password hash the user has had (newest kept first)."""

    def list_password_history(self, account_id: str, user_name: str, limit: int) -> list[str]:
        """The `limit` most recent password hashes of the user, newest first."""

    def trim_password_history(self, account_id: str, user_name: str, keep: int) -> None:
        """Forget all but the `keep` most recent password hashes of the user."""


class MfaDeviceOps(Protocol):
    def create_mfa_device(self, device: MfaDevice) -> None:
        """Store a virtual MFA device. Raises AlreadyExists("mfa device")."""

    def get_mfa_device(self, account_id: str, serial_number: str) -> MfaDevice | None: ...

    def list_mfa_devices(
        self,
        account_id: str,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        assigned: bool | None = None,
    ) -> Page[MfaDevice]:
        """Devices of one user, or every device of the account when `user_name` is None;
        `assigned` keeps only devices enabled for some user (True) or for none (False)."""

    def enable_mfa_device(self, account_id: str, serial_number: str, user_name: str, when: datetime) -> None:
        """Assign the device to the user. Raises NotFound, AlreadyExists("mfa assignment")."""

    def deactivate_mfa_device(self, account_id: str, serial_number: str) -> None:
        """Unassign the device (it keeps existing, as in AWS)."""

    def delete_mfa_device(self, account_id: str, serial_number: str) -> None:
        """Raises ConflictDeleting(MFA_USER) while the device is enabled for a user."""

    def count_mfa_devices(self, account_id: str, user_name: str) -> int: ...

    def accept_mfa_step(self, account_id: str, serial_number: str, step: int) -> bool:
        """Record `step` as the last accepted code, atomically, only if it is later than the
        one recorded; clears the failure count and throttle. False when the step was already
        used (or the device is gone): the code must then be refused."""

    def record_mfa_failure(
        self, account_id: str, serial_number: str, throttle_after: int, throttled_until: datetime
    ) -> int:
        """Count one wrong code; once `throttle_after` are counted, set `throttled_until`.
        Returns the new count. Does not bump the change counter."""

    def set_mfa_clock_offset(self, account_id: str, serial_number: str, offset_steps: int) -> None:
        """Remember the device clock's drift (ResyncMFADevice)."""

    def reset_mfa_state(self, account_id: str, serial_number: str) -> None:
        """Forget the last accepted step, failures and throttle (the device changed hands)."""
