"""Virtual MFA devices through the in-process harness.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html and siblings;
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import segno
from identity_grants import allow, denial, grant

from harness import ACCOUNT_ID, Harness, make_harness
from warden.auth.totp import hotp, seed_key, time_step
from warden.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    InvalidInput,
    NoSuchEntity,
)
from warden.services import iam
from warden.services.mfa_codes import THROTTLE_AFTER

SERIAL = f"arn:aws:iam::{ACCOUNT_ID}:mfa/bob-phone"
BAD_CODE_MESSAGE = "Authentication code for device is not valid."


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    harness.call("CreateUser", {"UserName": "bob"})
    return harness


def _create(h: Harness, name: str = "bob-phone", **extra: Any) -> tuple[str, bytes]:
    device = h.call("CreateVirtualMFADevice", {"VirtualMFADeviceName": name, **extra})["VirtualMFADevice"]
    return device["SerialNumber"], seed_key(device["Base32StringSeed"].decode("ascii"))


def _pair(h: Harness, key: bytes, offset: int = 0) -> dict[str, str]:
    step = time_step(h.now) + offset
    return {"AuthenticationCode1": hotp(key, step - 1), "AuthenticationCode2": hotp(key, step)}


def _enable(h: Harness, serial: str, key: bytes, user: str = "bob") -> None:
    h.call("EnableMFADevice", {"UserName": user, "SerialNumber": serial, **_pair(h, key)})


def test_create_returns_seed_and_qr_once_and_seals_the_seed(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html: the QR code
    encodes otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String."""
    device = h.call("CreateVirtualMFADevice", {"VirtualMFADeviceName": "bob-phone"})["VirtualMFADevice"]
    assert device["SerialNumber"] == SERIAL
    seed = device["Base32StringSeed"].decode("ascii")
    assert len(seed) == 40 and set(seed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    expected = io.BytesIO()
    uri = f"otpauth://totp/bob-phone@{ACCOUNT_ID}?secret={seed}"
    segno.make(uri, error="m", micro=False).save(expected, kind="png", scale=4)
    assert device["QRCodePNG"] == expected.getvalue()
    assert _png_size(device["QRCodePNG"])[0] > 100
    with h.store.transaction(readonly=True) as tx:
        stored = tx.get_mfa_device(ACCOUNT_ID, SERIAL)
    assert stored is not None and seed.encode() not in stored.seed_ciphertext
    assert h.env.secrets.open(stored.seed_ciphertext.decode("ascii"), record=SERIAL) == seed.encode()
    listed = h.call("ListVirtualMFADevices")["VirtualMFADevices"]
    assert listed == [{"SerialNumber": SERIAL}]


def test_a_name_too_long_for_a_serial_number_is_invalid_input(h: Harness) -> None:
    # Found by the fuzzer: the model sets no maximum on VirtualMFADeviceName, and a 5,000-character
    # name was a 500 (no QR code holds it). Every operation that names a device takes a
    # SerialNumber of at most 256 characters, so such a device could never be used.
    longest = "n" * (256 - len(f"arn:aws:iam::{ACCOUNT_ID}:mfa/"))
    assert _create(h, longest)[0] == f"arn:aws:iam::{ACCOUNT_ID}:mfa/{longest}"
    with pytest.raises(InvalidInput, match="serial number would be 257 characters long"):
        _create(h, longest + "n")


def test_the_qr_code_names_the_account_by_its_alias(h: Harness) -> None:
    h.call("CreateAccountAlias", {"AccountAlias": "example-corp"})
    device = h.call("CreateVirtualMFADevice", {"VirtualMFADeviceName": "p", "Path": "/team/"})["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT_ID}:mfa/team/p"
    seed = device["Base32StringSeed"].decode("ascii")
    expected = io.BytesIO()
    segno.make(f"otpauth://totp/p@example-corp?secret={seed}", error="m", micro=False).save(
        expected, kind="png", scale=4
    )
    assert device["QRCodePNG"] == expected.getvalue()


def test_enable_needs_two_consecutive_codes(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html"""
    serial, key = _create(h)
    step = time_step(h.now)
    same_twice = {"AuthenticationCode1": hotp(key, step), "AuthenticationCode2": hotp(key, step)}
    with pytest.raises(InvalidAuthenticationCode, match=f"^{BAD_CODE_MESSAGE}$"):
        h.call("EnableMFADevice", {"UserName": "bob", "SerialNumber": serial, **same_twice})
    _enable(h, serial, key)
    listed = h.call("ListMFADevices", {"UserName": "bob"})["MFADevices"]
    assert listed == [{"UserName": "bob", "SerialNumber": serial, "EnableDate": h.now}]
    with pytest.raises(EntityAlreadyExists, match="^MFA Device is already in use.$"):
        _enable(h, serial, key)


def test_enable_unknown_device_or_user(h: Harness) -> None:
    with pytest.raises(NoSuchEntity, match=f"^VirtualMFADevice with serial number {SERIAL} doesn't exist.$"):
        h.call("EnableMFADevice", {"UserName": "bob", "SerialNumber": SERIAL,
                                   "AuthenticationCode1": "123456", "AuthenticationCode2": "234567"})
    serial, key = _create(h)
    with pytest.raises(NoSuchEntity, match="^The user with name alice cannot be found.$"):
        _enable(h, serial, key, user="alice")


def test_codes_are_used_once(h: Harness) -> None:
    """Codes already accepted by EnableMFADevice cannot enable or resync again."""
    serial, key = _create(h)
    _enable(h, serial, key)
    with pytest.raises(InvalidAuthenticationCode):
        h.call("ResyncMFADevice", {"UserName": "bob", "SerialNumber": serial, **_pair(h, key)})
    h.now += timedelta(seconds=60)
    h.call("ResyncMFADevice", {"UserName": "bob", "SerialNumber": serial, **_pair(h, key)})


def test_wrong_codes_throttle_the_device_and_are_counted_despite_the_error(h: Harness) -> None:
    serial, key = _create(h)
    wrong = {"AuthenticationCode1": "000000", "AuthenticationCode2": "000001"}
    for _ in range(THROTTLE_AFTER):
        with pytest.raises(InvalidAuthenticationCode):
            h.call("EnableMFADevice", {"UserName": "bob", "SerialNumber": serial, **wrong})
    with h.store.transaction(readonly=True) as tx:
        device = tx.get_mfa_device(ACCOUNT_ID, serial)
    assert device is not None and device.failed_attempts == THROTTLE_AFTER
    assert device.throttled_until is not None and device.throttled_until > h.now
    with pytest.raises(InvalidAuthenticationCode):  # right codes, but throttled
        _enable(h, serial, key)
    h.now = device.throttled_until + timedelta(seconds=1)
    _enable(h, serial, key)
    with h.store.transaction(readonly=True) as tx:
        device = tx.get_mfa_device(ACCOUNT_ID, serial)
    assert device is not None and device.failed_attempts == 0 and device.throttled_until is None


def test_deactivate_delete_and_user_deletion(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html"""
    serial, key = _create(h)
    _enable(h, serial, key)
    with pytest.raises(DeleteConflict, match="^MFA device is still in use.$"):
        h.call("DeleteVirtualMFADevice", {"SerialNumber": serial})
    with pytest.raises(DeleteConflict, match="must delete MFA device first"):
        h.call("DeleteUser", {"UserName": "bob"})
    h.call("DeactivateMFADevice", {"UserName": "bob", "SerialNumber": serial})
    assert h.call("ListMFADevices", {"UserName": "bob"})["MFADevices"] == []
    with pytest.raises(NoSuchEntity):
        h.call("DeactivateMFADevice", {"UserName": "bob", "SerialNumber": serial})
    h.call("DeleteVirtualMFADevice", {"SerialNumber": serial})
    with pytest.raises(NoSuchEntity):
        h.call("DeleteVirtualMFADevice", {"SerialNumber": serial})
    h.call("DeleteUser", {"UserName": "bob"})


def test_list_virtual_devices_by_assignment(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html"""
    assigned, key = _create(h, "a-phone")
    free, _ = _create(h, "b-phone")
    _enable(h, assigned, key)

    def serials(status: str | None) -> list[str]:
        params = {"AssignmentStatus": status} if status else {}
        return [d["SerialNumber"] for d in h.call("ListVirtualMFADevices", params)["VirtualMFADevices"]]

    assert serials(None) == serials("Any") == [assigned, free]
    assert serials("Assigned") == [assigned]
    assert serials("Unassigned") == [free]
    entry = h.call("ListVirtualMFADevices", {"AssignmentStatus": "Assigned"})["VirtualMFADevices"][0]
    assert entry["User"]["UserName"] == "bob" and entry["EnableDate"] == h.now
    assert "Base32StringSeed" not in entry and "QRCodePNG" not in entry
    page = h.call("ListVirtualMFADevices", {"MaxItems": 1})
    assert page["IsTruncated"] and len(page["VirtualMFADevices"]) == 1
    rest = h.call("ListVirtualMFADevices", {"Marker": page["Marker"]})
    assert [d["SerialNumber"] for d in rest["VirtualMFADevices"]] == [free]


def test_tags_on_devices(h: Harness) -> None:
    serial, _ = _create(h, Tags=[{"Key": "owner", "Value": "bob"}])
    h.call("TagMFADevice", {"SerialNumber": serial, "Tags": [{"Key": "kind", "Value": "phone"}]})
    tags = h.call("ListMFADeviceTags", {"SerialNumber": serial})["Tags"]
    assert tags == [{"Key": "kind", "Value": "phone"}, {"Key": "owner", "Value": "bob"}]
    h.call("UntagMFADevice", {"SerialNumber": serial, "TagKeys": ["kind"]})
    assert h.call("ListMFADeviceTags", {"SerialNumber": serial})["Tags"] == [{"Key": "owner", "Value": "bob"}]
    with pytest.raises(NoSuchEntity, match="doesn't exist"):
        h.call("ListMFADeviceTags", {"SerialNumber": f"arn:aws:iam::{ACCOUNT_ID}:mfa/other"})


def test_authorization_resources(h: Harness) -> None:
    """Resources per the Service Authorization Reference for IAM: mfa/ for create and delete,
    the user for enable/resync/deactivate/list, `*` for ListVirtualMFADevices."""
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied) as caught:
        h.call("CreateVirtualMFADevice", {"VirtualMFADeviceName": "x"}, caller=bob)
    assert caught.value.message == denial(bob.arn, "iam:CreateVirtualMFADevice", f"arn:aws:iam::{ACCOUNT_ID}:mfa/x")
    grant(h, "bob", allow("iam:CreateVirtualMFADevice", f"arn:aws:iam::{ACCOUNT_ID}:mfa/${{aws:username}}"),
          allow("iam:EnableMFADevice", "arn:aws:iam::*:user/${aws:username}"),
          allow("iam:ListMFADevices", "arn:aws:iam::*:user/${aws:username}"))
    serial, key = _create_as(h, bob, "bob")
    h.call("EnableMFADevice", {"UserName": "bob", "SerialNumber": serial, **_pair(h, key)}, caller=bob)
    assert len(h.call("ListMFADevices", {}, caller=bob)["MFADevices"]) == 1
    with pytest.raises(AccessDenied) as caught:
        h.call("ListVirtualMFADevices", {}, caller=bob)
    assert caught.value.message == (
        f"User: {bob.arn} is not authorized to perform: iam:ListVirtualMFADevices because no "
        "identity-based policy allows the iam:ListVirtualMFADevices action"
    )
    with pytest.raises(AccessDenied, match="iam:DeactivateMFADevice on resource: arn:aws:iam::111122223333:user/bob"):
        h.call("DeactivateMFADevice", {"SerialNumber": serial}, caller=bob)


def _create_as(h: Harness, caller: Any, name: str) -> tuple[str, bytes]:
    device = h.call("CreateVirtualMFADevice", {"VirtualMFADeviceName": name}, caller=caller)["VirtualMFADevice"]
    return device["SerialNumber"], seed_key(device["Base32StringSeed"].decode("ascii"))


def test_duplicate_name_is_refused(h: Harness) -> None:
    _create(h)
    with pytest.raises(EntityAlreadyExists, match="^MFADevice entity at the same path and name already exists.$"):
        _create(h)


def _png_size(png: bytes) -> tuple[int, int]:
    stream = io.BytesIO(png)
    assert stream.read(8) == b"\x89PNG\r\n\x1a\n"
    stream.read(8)  # IHDR length and type
    return int.from_bytes(stream.read(4), "big"), int.from_bytes(stream.read(4), "big")


def test_resync_learns_the_device_clock_drift(h: Harness) -> None:
    """A device whose clock runs five minutes fast: its codes are refused until ResyncMFADevice
    sees two consecutive ones, and accepted afterwards.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResyncMFADevice.html"""
    from warden.services.dispatch import CommitThenRaise
    from warden.services.mfa_codes import RESYNC_WINDOW_STEPS, check_code

    serial, key = _create(h)
    _enable(h, serial, key)
    h.now += timedelta(seconds=60)
    drift = 10  # steps: five minutes fast
    with pytest.raises(InvalidAuthenticationCode):  # outside the normal one-step window
        h.call("ResyncMFADevice", {"UserName": "bob", "SerialNumber": serial, **_pair(h, key, RESYNC_WINDOW_STEPS + 2)})
    h.now += timedelta(seconds=60)
    h.call("ResyncMFADevice", {"UserName": "bob", "SerialNumber": serial, **_pair(h, key, drift)})
    with h.store.transaction(readonly=True) as tx:
        device = tx.get_mfa_device(ACCOUNT_ID, serial)
    assert device is not None and device.clock_offset_steps == drift
    h.now += timedelta(seconds=60)
    with h.store.transaction() as tx:
        current = tx.get_mfa_device(ACCOUNT_ID, serial)
        assert current is not None
        check_code(tx, h.env.secrets, current, hotp(key, time_step(h.now) + drift), h.now, AccessDenied("no"))
    # The server's own time is now wrong for this device (the refusal commits its failure count).
    with pytest.raises(CommitThenRaise), h.store.transaction() as tx:
        current = tx.get_mfa_device(ACCOUNT_ID, serial)
        assert current is not None
        check_code(tx, h.env.secrets, current, hotp(key, time_step(h.now + timedelta(seconds=30))), h.now, AccessDenied("no"))
