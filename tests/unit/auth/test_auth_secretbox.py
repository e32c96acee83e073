"""Secrets at rest: AES-256-GCM envelopes under a rotatable master key bound to their record."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from warden.auth.secretbox import (
    KEY_FILE_NAME,
    MASTER_KEY_ENV,
    MasterKey,
    MasterKeyError,
    SecretBox,
    SecretBoxError,
)


def test_round_trip_and_nonce_freshness() -> None:
    box = SecretBox(MasterKey.generate())
    first, second = box.seal("s3cret", record="AKIA1"), box.seal("s3cret", record="AKIA1")
    assert first != second and "s3cret" not in first
    assert box.open(first, record="AKIA1") == b"s3cret"


def test_ciphertext_cannot_move_to_another_record() -> None:
    box = SecretBox(MasterKey.generate())
    sealed = box.seal("s3cret", record="AKIA1")
    with pytest.raises(SecretBoxError):
        box.open(sealed, record="AKIA2")


@pytest.mark.parametrize("position", [0, 1, 9, 21, -1])
def test_tampering_is_detected(position: int) -> None:
    box = SecretBox(MasterKey.generate())
    raw = bytearray(base64.b64decode(box.seal("s3cret", record="r")))
    raw[position] ^= 0x80
    with pytest.raises(SecretBoxError):
        box.open(base64.b64encode(bytes(raw)).decode(), record="r")


def test_garbage_is_rejected() -> None:
    box = SecretBox(MasterKey.generate())
    for junk in ("", "!!!", base64.b64encode(b"short").decode()):
        with pytest.raises(SecretBoxError):
            box.open(junk, record="r")


def test_rotation() -> None:
    old, new = MasterKey.generate(), MasterKey.generate()
    sealed = SecretBox(old).seal("s3cret", record="r")
    rotated_box = SecretBox([new, old])
    assert rotated_box.needs_reseal(sealed)
    resealed = rotated_box.reseal(sealed, record="r")
    assert not rotated_box.needs_reseal(resealed)
    assert SecretBox(new).open(resealed, record="r") == b"s3cret"
    with pytest.raises(SecretBoxError):
        SecretBox(new).open(sealed, record="r")


def test_load_from_environment(tmp_path: Path) -> None:
    material = os.urandom(32)
    key = MasterKey.load(tmp_path, {MASTER_KEY_ENV: base64.b64encode(material).decode()})
    assert key.key.material == material
    assert not (tmp_path / KEY_FILE_NAME).exists()


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_bad_environment_key(tmp_path: Path, value: str) -> None:
    with pytest.raises(MasterKeyError):
        MasterKey.load(tmp_path, {MASTER_KEY_ENV: value})


def test_key_file_created_0600_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = MasterKey.load(data_dir, {})
    path = data_dir / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = MasterKey.load(data_dir, {})
    assert again.key.material == first.key.material and again.key_id == first.key_id


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_loose_key_file_is_refused(tmp_path: Path, mode: int) -> None:
    MasterKey.load(tmp_path, {})
    os.chmod(tmp_path / KEY_FILE_NAME, mode)
    with pytest.raises(MasterKeyError, match="chmod 600"):
        MasterKey.load(tmp_path, {})


def test_master_key_is_not_in_repr() -> None:
    key = MasterKey.generate()
    assert key.key.to_base64() not in repr(key)
