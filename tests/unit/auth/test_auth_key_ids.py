"""The account id inside AWS-format access key ids.

Vectors: AWS's documentation example key AKIAIOSFODNN7EXAMPLE, which
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html answers with
account 581039954779.
"""

from __future__ import annotations

import os

import pytest

from warden.auth.key_ids import account_of_key_id, key_id_for_account


def test_documentation_example_key() -> None:
    assert account_of_key_id("AKIAIOSFODNN7EXAMPLE") == "581039954779"


@pytest.mark.parametrize("key_id", ["AKIA", "AKIAIOSFODNN7EXAMPL", "AKIA0000000000000000", "AKIAiosfodnn7example"])
def test_ids_not_of_the_format_decode_to_nothing(key_id: str) -> None:
    assert account_of_key_id(key_id) is None


def test_minted_ids_round_trip() -> None:
    for account in ("000000000001", "111122223333", "999999999999"):
        for _ in range(50):
            key_id = key_id_for_account("ASIA", account, os.urandom(5))
            assert len(key_id) == 20 and key_id.startswith("ASIA") and key_id.isalnum()
            assert account_of_key_id(key_id) == account


def test_minting_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        key_id_for_account("ASIA", "12345", os.urandom(5))
    with pytest.raises(ValueError):
        key_id_for_account("ASIA", "111122223333", os.urandom(4))
