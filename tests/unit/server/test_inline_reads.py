"""Short reads run on the event loop when the store is a local SQLite file; everything else, and
every read on PostgreSQL, goes to a worker thread. Either way the answer and its audit event
are the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio.to_thread
import pytest
from fuzz_client import BACKENDS, FuzzServer, Keys, served  # type: ignore[import-not-found]

from warden.services import iam, sts
from warden.services.dispatch import _POINT_READS, is_point_read, is_read_only

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
_PIPELINE_WORK = "Pipeline._run.<locals>.run"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys, str]]:
    with served(request, tmp_path_factory) as (fuzz, root):
        answer = fuzz.signed(root, "iam", b"Action=CreateUser&UserName=reader&Version=2010-05-08", FORM)
        assert answer.status == 200, answer.body
        yield fuzz, root, request.param


@pytest.fixture
def handed_to_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The qualified names of the functions the pipeline sends to a worker thread."""
    sent: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(function, "__qualname__", repr(function)))
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return sent


def test_point_reads_are_implemented_reads() -> None:
    tables = {"iam": iam.HANDLERS, "sts": sts.HANDLERS}
    for service, operation in _POINT_READS:
        assert operation in tables[service], (service, operation)
        assert is_read_only(operation), operation
    assert not is_point_read("iam", "ListUsers")  # grows with the account
    assert not is_point_read("iam", "CreateUser")


def test_a_point_read_runs_on_the_loop_only_on_sqlite(server: tuple[FuzzServer, Keys, str], handed_to_threads: list[str]) -> None:
    fuzz, root, backend = server
    answer = fuzz.signed(root, "iam", b"Action=GetUser&UserName=reader&Version=2010-05-08", FORM)
    assert fuzz.check(answer, json_wire=False) is None  # answered, with its one audit event
    assert b"<UserName>reader</UserName>" in answer.body
    assert handed_to_threads.count(_PIPELINE_WORK) == (0 if backend == "sqlite" else 1)


def test_a_failing_point_read_on_the_loop_gets_its_error(server: tuple[FuzzServer, Keys, str], handed_to_threads: list[str]) -> None:
    fuzz, root, backend = server
    answer = fuzz.signed(root, "iam", b"Action=GetUser&UserName=nobody&Version=2010-05-08", FORM)
    assert fuzz.check(answer, json_wire=False) == "NoSuchEntity"
    assert answer.status == 404
    assert handed_to_threads.count(_PIPELINE_WORK) == (0 if backend == "sqlite" else 1)


def test_a_listing_goes_to_a_worker_thread(server: tuple[FuzzServer, Keys, str], handed_to_threads: list[str]) -> None:
    fuzz, root, _ = server
    answer = fuzz.signed(root, "iam", b"Action=ListUsers&Version=2010-05-08", FORM)
    assert fuzz.check(answer, json_wire=False) is None
    assert handed_to_threads.count(_PIPELINE_WORK) == 1
