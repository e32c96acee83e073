"""Credentials: access keys, console login profiles and MFA devices.

Secrets are held only as ciphertext (access-key secrets, MFA seeds) or a password hash; the
encryption and hashing happen in `warden.auth`, never in the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

__all__ = ["AccessKey", "AccessKeyStatus", "LoginProfile", "MfaDevice"]


class AccessKeyStatus(str, Enum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"


@dataclass(frozen=True, slots=True)
class AccessKey:
    """A long-term access key (`AKIA...`) of an IAM user, or of the account root user when
    `user_name` is None (AWS allows root keys; warden's first start issues one)."""

    access_key_id: str
    account_id: str
    user_name: str | None
    status: AccessKeyStatus
    create_date: datetime
    secret_ciphertext: bytes
    last_used_date: datetime | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None


@dataclass(frozen=True, slots=True)
class LoginProfile:
    """A user's console password (argon2id hash) and whether it must be changed at next sign-in.

    `password_set_date` (None for profiles older than schema 0003) drives the policy's maximum
    age; `failed_signins` and `locked_until` are the sign-in backoff state."""

    user_name: str
    password_hash: str
    create_date: datetime
    password_reset_required: bool = False
    password_set_date: datetime | None = None
    failed_signins: int = 0
    locked_until: datetime | None = None

    @property
    def password_changed(self) -> datetime:
        """When the current password was set (profiles from before schema 0003: their creation)."""
        return self.password_set_date or self.create_date


@dataclass(frozen=True, slots=True)
class MfaDevice:
    """A virtual MFA device. Its serial number is its ARN. `user_name` and `enable_date` are set
    while the device is enabled for a user and cleared when it is deactivated.

    `last_used_step` is the TOTP time step of the last accepted code (no code at or before it
    is accepted again); `failed_attempts` counts wrong codes since the last accepted one and
    `throttled_until` is when the device accepts codes again after too many of them.
    `clock_offset_steps` is the device clock's drift from the server's, in 30-second steps, as
    measured by the last ResyncMFADevice; codes are checked against the device's time."""

    serial_number: str
    account_id: str
    name: str
    path: str
    create_date: datetime
    seed_ciphertext: bytes = field(repr=False)
    user_name: str | None = None
    enable_date: datetime | None = None
    last_used_step: int | None = None
    failed_attempts: int = 0
    throttled_until: datetime | None = None
    clock_offset_steps: int = 0
