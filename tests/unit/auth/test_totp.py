"""TOTP against the authority's vectors, and the window/reuse rules warden builds on them.

Vectors: RFC 6238 Appendix B (https://www.rfc-editor.org/rfc/rfc6238#appendix-B), eight digits,
with the RFC's seeds: ASCII "1234567890" repeated to the hash's block of key bytes.
Device defaults: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from warden.auth.totp import (
    InvalidTotpCode,
    encode_seed,
    hotp,
    otpauth_uri,
    seed_key,
    time_step,
    totp,
    verify_consecutive,
    verify_totp,
)

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}

RFC_6238_APPENDIX_B = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("seconds", "sha1", "sha256", "sha512"), RFC_6238_APPENDIX_B)
def test_rfc_6238_appendix_b(seconds: int, sha1: str, sha256: str, sha512: str) -> None:
    moment = datetime.fromtimestamp(seconds, UTC)
    for algorithm, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp(SEEDS[algorithm], moment, digits=8, algorithm=algorithm) == expected


def test_rfc_4226_appendix_d_first_values() -> None:
    """HOTP, RFC 4226 Appendix D: counters 0..2 of the same SHA1 seed, six digits."""
    assert [hotp(SEEDS["sha1"], c) for c in range(3)] == ["755224", "287082", "359152"]


def test_six_digit_sha1_agrees_with_pyotp() -> None:
    seed = encode_seed(bytes(range(25)))
    assert len(seed) == 40
    reference = pyotp.TOTP(seed)
    for seconds in (0, 29, 30, 1_700_000_000, 4_102_444_800):
        moment = datetime.fromtimestamp(seconds, UTC)
        assert totp(seed_key(seed), moment) == reference.at(seconds)


def test_seed_round_trip_tolerates_case_and_padding() -> None:
    raw = bytes(range(10, 35))
    assert seed_key(encode_seed(raw).lower()) == raw


def test_window_accepts_one_step_either_side_only() -> None:
    key, now = SEEDS["sha1"], datetime(2026, 3, 1, 12, 0, 15, tzinfo=UTC)
    step = time_step(now)
    for delta in (-1, 0, 1):
        assert verify_totp(key, hotp(key, step + delta), now) == step + delta
    for delta in (-2, 2):
        with pytest.raises(InvalidTotpCode):
            verify_totp(key, hotp(key, step + delta), now)


def test_a_code_at_or_before_the_last_accepted_step_is_refused() -> None:
    key, now = SEEDS["sha1"], datetime(2026, 3, 1, 12, 0, 15, tzinfo=UTC)
    step = time_step(now)
    accepted = verify_totp(key, hotp(key, step), now)
    with pytest.raises(InvalidTotpCode):
        verify_totp(key, hotp(key, step), now, after_step=accepted)
    with pytest.raises(InvalidTotpCode):
        verify_totp(key, hotp(key, step - 1), now, after_step=accepted)
    assert verify_totp(key, hotp(key, step + 1), now, after_step=accepted) == step + 1


def test_consecutive_codes() -> None:
    key, now = SEEDS["sha1"], datetime(2026, 3, 1, 12, 0, 15, tzinfo=UTC)
    step = time_step(now)
    assert verify_consecutive(key, hotp(key, step - 1), hotp(key, step), now) == step
    assert verify_consecutive(key, hotp(key, step), hotp(key, step + 1), now) == step + 1
    bad_pairs = [
        (hotp(key, step), hotp(key, step)),  # the same code twice
        (hotp(key, step), hotp(key, step - 1)),  # in the wrong order
        (hotp(key, step - 2), hotp(key, step)),  # not consecutive
        (hotp(key, step - 3), hotp(key, step - 2)),  # too old
    ]
    for first, second in bad_pairs:
        with pytest.raises(InvalidTotpCode):
            verify_consecutive(key, first, second, now)
    with pytest.raises(InvalidTotpCode):
        verify_consecutive(key, hotp(key, step - 1), hotp(key, step), now, after_step=step - 1)


def test_codes_that_are_not_digits_are_simply_wrong() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(InvalidTotpCode):
        verify_totp(SEEDS["sha1"], "abcdéf", now)


def test_time_must_be_aware() -> None:
    with pytest.raises(ValueError, match="time zone"):
        time_step(datetime(2026, 3, 1) + timedelta(0))


def test_otpauth_uri_is_what_apps_read() -> None:
    seed = encode_seed(bytes(range(25)))
    uri = otpauth_uri("phone@111122223333", seed)
    assert uri == f"otpauth://totp/phone@111122223333?secret={seed}"
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == seed
    assert parsed.name == "phone@111122223333"
