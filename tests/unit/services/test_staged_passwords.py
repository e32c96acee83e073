"""The password operations run their argon2 work with no write transaction open
(`warden.services.staged`), and write only what still holds when they take the lock.

CreateLoginProfile, UpdateLoginProfile and ChangePassword hash (and verify against the old
password and the reuse history) between a read-only transaction and their write transaction,
so a burst of them no longer holds SQLite's write lock or the account's PostgreSQL lock for
~0.1 s of argon2 each. Every test runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from identity_grants import allow, grant

from harness import Harness, make_harness
from pg_support import postgres_schema
from warden.auth.passwords import PasswordHasher
from warden.errors import (
    AccessDenied,
    EntityAlreadyExists,
    NoSuchEntity,
    PasswordPolicyViolation,
    ServiceFailure,
)
from warden.services.call import Call, RequestMeta, Services
from warden.services.dispatch import dispatch
from warden.services.iam import account_settings, change_password, login_profiles, users
from warden.services.iam.change_password import WRONG_OLD_PASSWORD_MESSAGE
from warden.services.iam.password_lifecycle import new_password_hash, reuse_message
from warden.services.staged import Staged
from warden.store import Store, Transaction

FIRST, SECOND, THIRD = "Corr3ct-Horse", "Batt3ry-Staple", "Tr0ub4dor-And-3"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class WatchedStore:
    """The store, counting the write transactions open at this moment (on any thread)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.writing = 0

    @property
    def short_reads_inline(self) -> bool:
        return self.inner.short_reads_inline

    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[Transaction]:
        with self.inner.transaction(readonly) as tx:
            self.writing += 0 if readonly else 1
            try:
                yield tx
            finally:
                self.writing -= 0 if readonly else 1

    def close(self) -> None:
        self.inner.close()

    def wipe(self) -> None:
        self.inner.wipe()


class WatchedHasher:
    """The test hasher, noting for every argon2 run whether a write transaction was open. The
    functions in `before` run (once each, in order) just before the next argon2 run: they change
    the store between a staged call's read and its write; one added by them waits for the run
    after."""

    def __init__(self, inner: PasswordHasher, store: WatchedStore) -> None:
        self.inner = inner
        self.store = store
        self.runs: list[tuple[str, bool]] = []
        self.before: list[Callable[[], None]] = []

    def _run(self, kind: str) -> None:
        self.runs.append((kind, self.store.writing > 0))
        hooks, self.before = self.before, []
        for hook in hooks:
            hook()

    def hash(self, password: str) -> str:
        self._run("hash")
        return self.inner.hash(password)

    def verify(self, stored_hash: str, password: str) -> None:
        self._run("verify")
        self.inner.verify(stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.inner.needs_rehash(stored_hash)


@contextmanager
def _database(backend: str, tmp_path: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    with postgres_schema(tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    handlers: dict[str, Any] = {
        **users.HANDLERS,
        **login_profiles.HANDLERS,
        **change_password.HANDLERS,
        **account_settings.HANDLERS,
    }
    with _database(request.param, tmp_path) as url:
        harness = make_harness(tmp_path, {"iam": handlers}, url)
        store = WatchedStore(harness.store)
        harness.store = store  # type: ignore[assignment]
        harness.env = dataclasses.replace(harness.env, passwords=WatchedHasher(harness.env.passwords, store))
        harness.call("CreateUser", {"UserName": "bob"})
        try:
            yield harness
        finally:
            store.close()


def _hasher(h: Harness) -> WatchedHasher:
    hasher = h.env.passwords
    assert isinstance(hasher, WatchedHasher)
    return hasher


def _change(h: Harness, old: str, new: str) -> None:
    h.call("ChangePassword", {"OldPassword": old, "NewPassword": new}, caller=h.user_caller("bob"))


def _stored_hash(h: Harness) -> str | None:
    with h.store.transaction(readonly=True) as tx:
        profile = tx.get_login_profile(h.account_id, "bob")
    return None if profile is None else profile.password_hash


def _history(h: Harness) -> list[str]:
    with h.store.transaction(readonly=True) as tx:
        return tx.list_password_history(h.account_id, "bob", 24)


def test_no_argon2_run_happens_inside_a_write_transaction(h: Harness) -> None:
    h.call("UpdateAccountPasswordPolicy", {"PasswordReusePrevention": 3, "AllowUsersToChangePassword": True})
    hasher = _hasher(h)
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND})
    _change(h, SECOND, THIRD)
    assert [kind for kind, _ in hasher.runs] == [
        "hash",  # CreateLoginProfile
        "verify", "hash",  # UpdateLoginProfile: FIRST in the history, then the new hash
        "verify", "verify", "verify", "hash",  # ChangePassword: the old one, the history of 2
    ]  # fmt: skip
    assert not any(writing for _, writing in hasher.runs)
    assert len(_history(h)) == 3
    # The watch itself sees hashing inside a write transaction, as the handlers used to do it.
    with h.store.transaction() as tx:
        new_password_hash(tx, hasher, h.account_id, "bob", "An0ther-Password", h.now)  # type: ignore[arg-type]
    assert hasher.runs[-1] == ("hash", True)


def test_an_unauthorized_or_invalid_call_costs_no_argon2_run(h: Harness) -> None:
    h.call("UpdateAccountPasswordPolicy", {"AllowUsersToChangePassword": True})
    h.call("CreateUser", {"UserName": "mallory"})
    mallory = h.user_caller("mallory")
    with pytest.raises(AccessDenied):
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST}, caller=mallory)
    grant(h, "mallory", allow("iam:*LoginProfile"))
    with pytest.raises(NoSuchEntity):
        h.call("CreateLoginProfile", {"UserName": "ghost", "Password": FIRST}, caller=mallory)
    with pytest.raises(PasswordPolicyViolation):
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": "short"}, caller=mallory)
    with pytest.raises(NoSuchEntity, match="^Login Profile for User bob cannot be found.$"):
        h.call("UpdateLoginProfile", {"UserName": "bob", "Password": FIRST}, caller=mallory)
    with pytest.raises(NoSuchEntity, match="^Login Profile for User bob cannot be found.$"):
        _change(h, FIRST, SECOND)
    assert _hasher(h).runs == []


def test_a_writer_is_not_held_up_while_a_password_is_hashed(h: Harness) -> None:
    hashing, release = threading.Event(), threading.Event()
    waited_out: list[bool] = []

    def hold() -> None:
        hashing.set()
        waited_out.append(not release.wait(timeout=5))

    _hasher(h).before.append(hold)
    errors: list[Exception] = []

    def create() -> None:
        try:
            h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
        except Exception as error:  # noqa: BLE001 -- reported by the main thread
            errors.append(error)

    worker = threading.Thread(target=create)
    worker.start()
    try:
        assert hashing.wait(timeout=5)
        # Another write in the same account while the hash is running: neither SQLite's write
        # lock nor the account's PostgreSQL lock is held by the hashing call.
        h.call("CreateUser", {"UserName": "carol"})
    finally:
        release.set()
        worker.join(timeout=10)
    assert waited_out == [False] and errors == []
    assert _stored_hash(h) is not None


def test_a_profile_deleted_between_the_steps(h: Harness) -> None:
    h.call("UpdateAccountPasswordPolicy", {"AllowUsersToChangePassword": True})
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    hasher = _hasher(h)
    for attempt in (
        lambda: h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND}),
        lambda: _change(h, FIRST, SECOND),
    ):
        hasher.before.append(lambda: h.call("DeleteLoginProfile", {"UserName": "bob"}))
        with pytest.raises(NoSuchEntity, match="^Login Profile for User bob cannot be found.$"):
            attempt()
        assert _stored_hash(h) is None and _history(h) == []  # forgotten with the profile
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})


def test_a_profile_created_between_the_steps(h: Harness) -> None:
    hasher = _hasher(h)
    hasher.before.append(lambda: h.call("CreateLoginProfile", {"UserName": "bob", "Password": SECOND}))
    with pytest.raises(EntityAlreadyExists, match="^Login Profile for user bob already exists.$"):
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    stored = _stored_hash(h)
    assert stored is not None
    h.env.passwords.verify(stored, SECOND)
    assert len(_history(h)) == 1


def test_a_user_deleted_between_the_steps(h: Harness) -> None:
    _hasher(h).before.append(lambda: h.call("DeleteUser", {"UserName": "bob"}))
    with pytest.raises(NoSuchEntity, match="^The user with name bob cannot be found.$"):
        h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})


def test_a_password_set_between_the_steps_counts_toward_reuse(h: Harness) -> None:
    h.call("UpdateAccountPasswordPolicy", {"PasswordReusePrevention": 2})
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    hasher = _hasher(h)
    hasher.before.append(lambda: h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND}))
    with pytest.raises(PasswordPolicyViolation, match=f"^{reuse_message(2)}$"):
        h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND})
    h.env.passwords.verify(_stored_hash(h) or "", SECOND)
    assert len(_history(h)) == 2


def test_an_old_password_reset_between_the_steps_is_checked_again(h: Harness) -> None:
    h.call("UpdateAccountPasswordPolicy", {"AllowUsersToChangePassword": True})
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    _hasher(h).before.append(lambda: h.call("UpdateLoginProfile", {"UserName": "bob", "Password": THIRD}))
    with pytest.raises(AccessDenied, match=f"^{WRONG_OLD_PASSWORD_MESSAGE}$"):
        _change(h, FIRST, SECOND)
    h.env.passwords.verify(_stored_hash(h) or "", THIRD)


def test_a_state_that_keeps_changing_falls_back_to_one_transaction(h: Harness) -> None:
    h.call("CreateLoginProfile", {"UserName": "bob", "Password": FIRST})
    hasher = _hasher(h)
    flips = iter([True, False, True])

    def flip() -> None:
        reset = next(flips, None)
        if reset is not None:
            h.call("UpdateLoginProfile", {"UserName": "bob", "PasswordResetRequired": reset})
            hasher.before.append(flip)

    hasher.before.append(flip)
    h.call("UpdateLoginProfile", {"UserName": "bob", "Password": SECOND})
    # Three staged attempts saw the profile change under them; the fourth held the lock.
    assert hasher.runs[-4:] == [("hash", False)] * 3 + [("hash", True)]
    h.env.passwords.verify(_stored_hash(h) or "", SECOND)


class _Events:
    def __init__(self, store: WatchedStore) -> None:
        self.store = store
        self.recorded: list[tuple[Mapping[str, Any], bool]] = []

    def record_in(self, tx: Transaction, result: Mapping[str, Any]) -> None:
        self.recorded.append((result, self.store.writing > 0))


def _dispatch(h: Harness, operation: str, params: dict[str, Any], **kwargs: Any) -> Mapping[str, Any]:
    meta = RequestMeta("req-1", h.now, "127.0.0.1", "tests", False, "us-east-1")
    return dispatch(
        store=h.store, services=h.env, feed=h.feed, operation=operation, caller=h.root, meta=meta,
        params=params, **{"handlers": h.handlers["iam"], **kwargs},
    )  # fmt: skip


def test_one_audit_event_stored_with_the_write_even_after_a_retry(h: Harness) -> None:
    assert isinstance(h.store, WatchedStore)
    events = _Events(h.store)
    _hasher(h).before.append(lambda: h.call("UpdateAccountPasswordPolicy", {"MinimumPasswordLength": 9}))
    _dispatch(h, "CreateLoginProfile", {"UserName": "bob", "Password": FIRST}, audit=events)
    assert len(_hasher(h).runs) == 2  # the policy changed after the first hash: hashed again
    assert [writing for _, writing in events.recorded] == [True]
    assert events.recorded[0][0]["LoginProfile"]["UserName"] == "bob"


def test_a_staged_operation_that_skips_authorization_fails_closed_before_computing(h: Harness) -> None:
    computed: list[object] = []

    def prepare(call: Call, params: dict[str, Any]) -> str:
        return "unchecked"

    def compute(services: Services, prepared: str) -> None:
        computed.append(prepared)

    def write(call: Call, prepared: str, computed: None) -> Mapping[str, Any]:
        return {}

    staged = Staged("Careless", prepare, compute, write)
    with pytest.raises(ServiceFailure, match="^Careless was not authorized$"):
        _dispatch(h, "Careless", {}, handlers={"Careless": staged})
    assert computed == []
