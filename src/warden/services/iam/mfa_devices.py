"""Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice,
DeactivateMFADevice, DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html and siblings;
resources per https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
(the device's `mfa/` ARN for creating and deleting it, the user's ARN for enabling, resyncing,
deactivating and listing a user's devices, `*` for listing the account's devices).

The seed is returned in the clear exactly once, by CreateVirtualMFADevice (as base32 text and
as a QR code of the otpauth URI); it is stored sealed under the master key and never read back
except to check codes. Code checking, reuse and throttling live in `warden.services.mfa_codes`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import segno

from warden.auth.totp import SEED_BYTES, otpauth_uri
from warden.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from warden.model import MfaDevice, TaggedKind, User
from warden.services.call import Call
from warden.services.caller import CallerKind
from warden.services.iam.common import (
    NON_USER_CREDENTIALS,
    authorize_tagging_on_create,
    no_such_entity,
    request_tag_context,
    tags_from_params,
    tags_to_wire,
)
from warden.services.iam.pages import marker_errors, page_args, page_to_wire
from warden.services.iam.users import user_to_wire
from warden.services.mfa_codes import check_consecutive_codes, new_seed, resync_device, seal_seed
from warden.store import AlreadyExists, ConflictDeleting, NotFound

__all__ = ["HANDLERS", "MAX_MFA_DEVICES_PER_USER", "find_device", "no_such_device"]

MAX_MFA_DEVICES_PER_USER = 8
"""https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html (up to eight)."""

_INVALID_CODE = "Authentication code for device is not valid."
_ASSIGNMENT = {"Assigned": True, "Unassigned": False, "Any": None}


def no_such_device(serial_number: str) -> NoSuchEntity:
    return NoSuchEntity(f"VirtualMFADevice with serial number {serial_number} doesn't exist.")


def find_device(call: Call, serial_number: str) -> MfaDevice | None:
    """The caller's account's device with this serial number (another account's is absent)."""
    device = call.tx.get_mfa_device(call.account_id, serial_number)
    return device if device is not None and device.account_id == call.account_id else None


@dataclass(frozen=True, slots=True)
class _Owner:
    """Whose devices a call is about: a named user (found or not), or the root user."""

    name: str | None
    arn: str
    user: User | None


def _owner(call: Call, params: Mapping[str, Any], *, required: bool = False) -> _Owner:
    """`UserName`, or without it the signing principal, as AWS infers it."""
    name: str | None = params.get("UserName")
    if name is None:
        if call.caller.kind is CallerKind.ROOT and not required:
            return _Owner(None, call.caller.arn, None)
        if call.caller.kind is not CallerKind.USER or not call.caller.name:
            raise ValidationError(NON_USER_CREDENTIALS)
        name = call.caller.name
    user = call.tx.get_user(call.account_id, name)
    return _Owner(name, user.arn if user else call.iam_arn("user", "/", name), user)


def _authorize_owner(call: Call, action: str, owner: _Owner) -> User | None:
    """Authorize on the user's ARN, then insist a named user exists (AWS's order)."""
    call.authorize(action, owner.arn, resource_tags=owner.user.tags if owner.user else ())
    if owner.name is not None and owner.user is None:
        raise no_such_entity("user", owner.name)
    return owner.user


def _assigned_device(call: Call, owner: User | None, serial_number: str) -> MfaDevice:
    """The device if it is enabled for `owner` (None: the root user, who has none here)."""
    device = find_device(call, serial_number)
    if device is None or owner is None or (device.user_name or "").lower() != owner.name.lower():
        raise no_such_device(serial_number)
    return device


# serialNumberType's maximum length in IAM's model: what EnableMFADevice and the others accept.
MAX_SERIAL_NUMBER = 256


def _qr_png(uri: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def create_virtual_mfa_device(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    path, name = params.get("Path", "/"), params["VirtualMFADeviceName"]
    tags = tags_from_params(params)
    serial = call.iam_arn("mfa", path, name)
    call.authorize("iam:CreateVirtualMFADevice", serial, context=request_tag_context(tags))
    authorize_tagging_on_create(call, "MFADevice", serial, tags)
    if len(serial) > MAX_SERIAL_NUMBER:
        # The model sets no maximum on the name, but every operation that names the device
        # takes a SerialNumber of at most 256 characters: such a device could never be used.
        raise InvalidInput(
            f"Invalid input: the device's serial number would be {len(serial)} characters long; it must be "
            f"at most {MAX_SERIAL_NUMBER}. Choose a shorter VirtualMFADeviceName or Path."
        )
    if find_device(call, serial) is not None:
        raise EntityAlreadyExists("MFADevice entity at the same path and name already exists.")
    seed = new_seed(call.services.ids.token_bytes(SEED_BYTES))
    device = MfaDevice(
        serial_number=serial,
        account_id=call.account_id,
        name=name,
        path=path,
        create_date=call.now,
        seed_ciphertext=seal_seed(call.services.secrets, serial, seed),
    )
    try:
        call.tx.create_mfa_device(device)
    except AlreadyExists:
        raise EntityAlreadyExists("MFADevice entity at the same path and name already exists.") from None
    if tags:
        call.tx.tag_resource(call.account_id, TaggedKind.MFA_DEVICE, serial, tags)
    account = call.tx.get_account(call.account_id)
    # AWS: otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String, the account
    # named by its alias when it has one.
    account_name = account.alias if account is not None and account.alias else call.account_id
    wire: dict[str, Any] = {
        "SerialNumber": serial,
        "Base32StringSeed": seed.encode("ascii"),
        "QRCodePNG": _qr_png(otpauth_uri(f"{name}@{account_name}", seed)),
    }
    if tags:
        wire["Tags"] = tags_to_wire(tags)
    return {"VirtualMFADevice": wire}


def _codes(params: Mapping[str, Any]) -> tuple[str, str]:
    return params["AuthenticationCode1"], params["AuthenticationCode2"]


def enable_mfa_device(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorize_owner(call, "iam:EnableMFADevice", _owner(call, params, required=True))
    if user is None:  # unreachable: UserName is required, and a missing user was reported
        raise no_such_entity("user", params["UserName"])
    serial = params["SerialNumber"]
    device = find_device(call, serial)
    if device is None:
        raise no_such_device(serial)
    if device.user_name is not None:
        raise EntityAlreadyExists("MFA Device is already in use.")
    if call.tx.count_mfa_devices(call.account_id, user.name) >= MAX_MFA_DEVICES_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for MFADevicesPerUser: {MAX_MFA_DEVICES_PER_USER}")
    check_consecutive_codes(
        call.tx, call.services.secrets, device, _codes(params), call.now, InvalidAuthenticationCode(_INVALID_CODE)
    )
    try:
        call.tx.enable_mfa_device(call.account_id, serial, user.name, call.now)
    except NotFound:
        raise no_such_device(serial) from None
    except AlreadyExists:
        raise EntityAlreadyExists("MFA Device is already in use.") from None
    return {}


def resync_mfa_device(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    """Two consecutive codes found within ten minutes of the server's clock resynchronize the
    device: its drift is remembered and later codes are checked against the device's time."""
    user = _authorize_owner(call, "iam:ResyncMFADevice", _owner(call, params, required=True))
    device = _assigned_device(call, user, params["SerialNumber"])
    resync_device(
        call.tx, call.services.secrets, device, _codes(params), call.now, InvalidAuthenticationCode(_INVALID_CODE)
    )
    return {}


def deactivate_mfa_device(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorize_owner(call, "iam:DeactivateMFADevice", _owner(call, params))
    device = _assigned_device(call, user, params["SerialNumber"])
    try:
        call.tx.deactivate_mfa_device(call.account_id, device.serial_number)
    except NotFound:
        raise no_such_device(device.serial_number) from None
    # The next user starts afresh: no remembered step, failures or throttle.
    call.tx.reset_mfa_state(call.account_id, device.serial_number)
    return {}


def delete_virtual_mfa_device(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    serial = params["SerialNumber"]
    device = find_device(call, serial)
    tags = call.tx.list_tags(call.account_id, TaggedKind.MFA_DEVICE, serial) if device else ()
    call.authorize("iam:DeleteVirtualMFADevice", serial, resource_tags=tags)
    if device is None:
        raise no_such_device(serial)
    try:
        call.tx.delete_mfa_device(call.account_id, serial)
    except NotFound:
        raise no_such_device(serial) from None
    except ConflictDeleting:
        raise DeleteConflict("MFA device is still in use.") from None
    return {}


def list_mfa_devices(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    user = _authorize_owner(call, "iam:ListMFADevices", _owner(call, params))
    marker, max_items = page_args(params)
    if user is None:  # the root user: warden assigns virtual devices to IAM users only
        return {"MFADevices": [], "IsTruncated": False}
    with marker_errors():
        page = call.tx.list_mfa_devices(call.account_id, user.name, marker=marker, max_items=max_items)
    return page_to_wire(
        page,
        "MFADevices",
        lambda d: {"UserName": user.name, "SerialNumber": d.serial_number, "EnableDate": d.enable_date},
    )


def list_virtual_mfa_devices(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:ListVirtualMFADevices", "*")
    assigned = _ASSIGNMENT[params.get("AssignmentStatus", "Any")]
    marker, max_items = page_args(params)
    with marker_errors():
        page = call.tx.list_mfa_devices(call.account_id, marker=marker, max_items=max_items, assigned=assigned)

    def to_wire(device: MfaDevice) -> dict[str, Any]:
        wire: dict[str, Any] = {"SerialNumber": device.serial_number}
        if device.user_name is not None:
            user = call.tx.get_user(call.account_id, device.user_name)
            if user is not None:
                wire["User"] = user_to_wire(user)
            wire["EnableDate"] = device.enable_date
        return wire

    return page_to_wire(page, "VirtualMFADevices", to_wire)


HANDLERS = {
    "CreateVirtualMFADevice": create_virtual_mfa_device,
    "EnableMFADevice": enable_mfa_device,
    "ResyncMFADevice": resync_mfa_device,
    "DeactivateMFADevice": deactivate_mfa_device,
    "DeleteVirtualMFADevice": delete_virtual_mfa_device,
    "ListMFADevices": list_mfa_devices,
    "ListVirtualMFADevices": list_virtual_mfa_devices,
}
