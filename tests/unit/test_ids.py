"""Ids in AWS's shapes: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids"""

from __future__ import annotations

import os
import re
import uuid

import pytest

from warden.ids import IdGenerator, IdKind, SeededRandomSource, SystemRandomSource


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        (IdKind.USER, r"AIDA[A-Z2-7]{17}"),
        (IdKind.GROUP, r"AGPA[A-Z2-7]{17}"),
        (IdKind.ROLE, r"AROA[A-Z2-7]{17}"),
        (IdKind.POLICY, r"ANPA[A-Z2-7]{17}"),
        (IdKind.INSTANCE_PROFILE, r"AIPA[A-Z2-7]{17}"),
        (IdKind.ACCESS_KEY, r"AKIA[A-Z2-7]{16}"),
        (IdKind.TEMPORARY_ACCESS_KEY, r"ASIA[A-Z2-7]{16}"),
    ],
)
def test_unique_id_shapes(kind: IdKind, pattern: str) -> None:
    ids = IdGenerator()
    values = {ids.unique_id(kind) for _ in range(50)}
    assert len(values) == 50
    assert all(re.fullmatch(pattern, value) for value in values)


def test_named_helpers_match_kinds() -> None:
    ids = IdGenerator()
    assert ids.user_id().startswith("AIDA") and ids.group_id().startswith("AGPA")
    assert ids.role_id().startswith("AROA") and ids.policy_id().startswith("ANPA")
    assert ids.instance_profile_id().startswith("AIPA") and ids.access_key_id().startswith("AKIA")
    assert ids.temporary_access_key_id().startswith("ASIA")


def test_secret_request_and_account_ids() -> None:
    ids = IdGenerator()
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", ids.secret_access_key())
    request_id = ids.request_id()
    assert uuid.UUID(request_id).version == 4 and str(uuid.UUID(request_id)) == request_id
    assert all(re.fullmatch(r"\d{12}", ids.account_id()) for _ in range(100))


def test_seeded_source_is_reproducible_and_seed_sensitive() -> None:
    first, second, other = (IdGenerator(SeededRandomSource(s)) for s in (42, 42, 43))
    run = [first.user_id(), first.secret_access_key(), first.account_id(), first.request_id()]
    assert run == [second.user_id(), second.secret_access_key(), second.account_id(), second.request_id()]
    assert other.user_id() != run[0]


def test_base32_symbols_are_all_reachable() -> None:
    ids = IdGenerator(SeededRandomSource(1))
    seen = set("".join(ids.user_id()[4:] for _ in range(200)))
    assert seen == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_request_id_is_the_uuid4_of_the_same_bytes() -> None:
    drawn = SeededRandomSource(7).token_bytes(16 * 20)
    ids = IdGenerator(SeededRandomSource(7))
    for start in range(0, len(drawn), 16):
        assert ids.request_id() == str(uuid.UUID(bytes=drawn[start : start + 16], version=4))


def test_system_source_hands_out_fresh_bytes_across_block_refills() -> None:
    source = SystemRandomSource(block=64)
    chunks = [source.token_bytes(16) for _ in range(40)] + [source.token_bytes(100)]
    assert len(chunks[-1]) == 100 and all(len(chunk) == 16 for chunk in chunks[:-1])
    assert len(set(chunks)) == len(chunks)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_never_reuses_the_parents_read_ahead_bytes() -> None:
    source = SystemRandomSource()
    source.token_bytes(16)  # the parent now holds a block read ahead
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.write(writer, source.token_bytes(16))
        os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    from_child = os.read(reader, 16)
    os.close(reader)
    assert from_child != source.token_bytes(16)
