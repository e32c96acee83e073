"""A known caller is authenticated and authorized without the store once its key and compiled
policies are cached: GetCallerIdentity then opens no store transaction, and GetUser only the one
its handler reads the user in. A change of permissions makes the next request read again."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from fuzz_client import BACKENDS, FuzzServer, Keys, served  # type: ignore[import-not-found]

import warden.services.authorize
from warden.store import Transaction

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
READ_USERS = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}'
CALLER_IDENTITY = b"Action=GetCallerIdentity&Version=2011-06-15"
GET_USER = b"Action=GetUser&UserName=reader&Version=2010-05-08"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys, Keys]]:
    with served(request, tmp_path_factory) as (fuzz, root):
        for body in (
            b"Action=CreateUser&UserName=reader&Version=2010-05-08",
            b"Action=PutUserPolicy&UserName=reader&PolicyName=read&PolicyDocument=" + READ_USERS.encode() + b"&Version=2010-05-08",
        ):
            assert fuzz.signed(root, "iam", body, FORM).status == 200
        created = fuzz.signed(root, "iam", b"Action=CreateAccessKey&UserName=reader&Version=2010-05-08", FORM)
        text = created.body.decode()
        reader = Keys(_between(text, "AccessKeyId"), _between(text, "SecretAccessKey"))
        yield fuzz, root, reader


def _between(text: str, tag: str) -> str:
    return text.split(f"<{tag}>", 1)[1].split(f"</{tag}>", 1)[0]


class StoreUse:
    """Transactions opened for requests (not by the audit writer, which stores events later)
    and policy sets read for authorization."""

    def __init__(self) -> None:
        self.transactions = 0
        self.policy_loads = 0


@pytest.fixture
def store_use(server: tuple[FuzzServer, Keys, Keys], monkeypatch: pytest.MonkeyPatch) -> StoreUse:
    fuzz, _, _ = server
    use = StoreUse()
    store = fuzz.runtime.store
    real_transaction: Callable[..., AbstractContextManager[Transaction]] = store.transaction
    real_load = warden.services.authorize.load_policy_documents

    def transaction(*args: Any, **kwargs: Any) -> AbstractContextManager[Transaction]:
        if threading.current_thread().name != "warden-audit":
            use.transactions += 1
        return real_transaction(*args, **kwargs)

    def load(*args: Any, **kwargs: Any) -> Any:
        use.policy_loads += 1
        return real_load(*args, **kwargs)

    monkeypatch.setattr(store, "transaction", transaction)
    monkeypatch.setattr(warden.services.authorize, "load_policy_documents", load)
    return use


def _ask(fuzz: FuzzServer, keys: Keys, service: str, body: bytes) -> None:
    answer = fuzz.signed(keys, service, body, FORM)
    assert answer.status == 200, answer.body


def test_caller_identity_of_a_known_caller_needs_no_store(server: tuple[FuzzServer, Keys, Keys], store_use: StoreUse) -> None:
    fuzz, _, reader = server
    _ask(fuzz, reader, "sts", CALLER_IDENTITY)  # may read the key and record its first use
    store_use.transactions = 0
    for _ in range(3):
        _ask(fuzz, reader, "sts", CALLER_IDENTITY)
    assert store_use.transactions == 0


def test_get_user_by_a_known_caller_reads_only_the_user(server: tuple[FuzzServer, Keys, Keys], store_use: StoreUse) -> None:
    fuzz, _, reader = server
    _ask(fuzz, reader, "iam", GET_USER)  # may load and compile the caller's policies
    store_use.transactions = store_use.policy_loads = 0
    for _ in range(3):
        _ask(fuzz, reader, "iam", GET_USER)
    assert (store_use.transactions, store_use.policy_loads) == (3, 0)


def test_a_change_of_permissions_is_read_on_the_next_request(server: tuple[FuzzServer, Keys, Keys], store_use: StoreUse) -> None:
    fuzz, root, reader = server
    _ask(fuzz, reader, "iam", GET_USER)
    _ask(fuzz, root, "iam", b"Action=TagUser&UserName=reader&Tags.member.1.Key=team&Tags.member.1.Value=a&Version=2010-05-08")
    store_use.policy_loads = 0
    _ask(fuzz, reader, "iam", GET_USER)
    assert store_use.policy_loads == 1
