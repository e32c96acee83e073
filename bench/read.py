"""Per-call cost of an IAM read (iam:GetUser) end to end, and of the pieces it is made of.

Each piece is timed old against new in the same process on the same inputs: the old forms are
kept here, written out as they were before they were made cheaper, so the ratio survives a noisy
machine. The whole GetUser is an authenticated, signed request driven through the ASGI app in
process (no sockets) by an IAM user allowed by an inline policy, on SQLite; its CPU time covers
every thread (the store work runs on a worker thread, audit records are written on another).
Prints medians and minimums of several rounds; never asserts on time.
Run: python -m bench.read [--quick]
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from sqlalchemy import Engine, Row, bindparam, create_engine, event, select
from sqlalchemy.engine import Connection

from warden.config import Settings
from warden.model import Tag, TaggedKind, User
from warden.policy import Request
from warden.policy.request import normalise_context
from warden.server.app import WardenApp
from warden.server.pipeline import warm_up
from warden.server.runtime import Runtime
from warden.services import bootstrap, iam
from warden.services.authorize import caller_context
from warden.services.call import Call, RequestMeta
from warden.services.dispatch import dispatch
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.transaction import SqlTransaction

Asgi = Callable[..., Any]
Scope = dict[str, Any]

READ_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}'


def timed_us(action: Callable[[], object], rounds: int, per_round: int) -> tuple[float, float]:
    """(median, min) wall microseconds per call over `rounds` rounds of `per_round` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(per_round):
            action()
        samples.append((time.perf_counter_ns() - start) / per_round / 1000)
    return statistics.median(samples), min(samples)


def show(
    label: str, old: tuple[float, float] | None, new: tuple[float, float], names: tuple[str, str] = ("old", "new")
) -> None:
    figures = f"{names[1]} {new[0]:8.1f} (min {new[1]:7.1f})"
    if old is not None:
        ratio = f"{names[0]}/{names[1]} {old[0] / new[0]:4.1f}x"
        figures = f"{names[0]} {old[0]:8.1f} (min {old[1]:7.1f})   {figures}   {ratio}"
    print(f"  {label:<34} {figures}")


# -- the signed requests ----------------------------------------------------------------------


def signed_scope(body: str, service: str, key: str, secret: str) -> tuple[Scope, bytes]:
    """An ASGI scope and body of a botocore-signed Query POST (valid for 15 minutes)."""
    request = AWSRequest(
        method="POST",
        url="http://127.0.0.1:8080/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    botocore.auth.SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = [(b"host", b"127.0.0.1:8080"), (b"user-agent", b"bench")]
    for name, value in prepared.headers.items():
        headers.append((name.lower().encode(), value if isinstance(value, bytes) else str(value).encode()))
    payload = prepared.body if isinstance(prepared.body, bytes) else str(prepared.body).encode()
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }
    return scope, payload


async def call_app(app: Asgi, scope: Scope, body: bytes) -> bytes:
    """One request through the ASGI app; the response body."""
    parts: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(parts)


class Server:
    """A runtime on a fresh SQLite data folder, with user `bench` allowed iam:GetUser."""

    def __init__(self) -> None:
        logging.getLogger("warden.alerts").disabled = True  # root-user alerts during set-up
        data = Path(tempfile.mkdtemp(prefix="warden-bench-read-"))
        settings = Settings(data_dir=data, access_log=False)
        self.runtime = Runtime.build(settings)
        first = bootstrap.ensure_first_account(
            self.runtime.store,
            self.runtime.env.ids,
            self.runtime.env.secrets,
            self.runtime.now(),
            data_dir=data,
            endpoint_url=settings.endpoint_url,
            region=settings.region,
            partition=settings.partition,
        )
        assert first is not None
        account, _, _ = first
        self.account_id = account.account_id
        warm_up()
        self.app = WardenApp(self.runtime)
        root = (account.access_key_id, account.secret_access_key)
        self.ask(self.iam("CreateUser", "UserName=bench", *root))
        self.ask(self.iam("PutUserPolicy", f"UserName=bench&PolicyName=read&PolicyDocument={READ_POLICY}", *root))
        self.ask(self.iam("TagUser", "UserName=bench&Tags.member.1.Key=team&Tags.member.1.Value=a", *root))
        answer = self.ask(self.iam("CreateAccessKey", "UserName=bench", *root)).decode()
        key = _element(answer, "AccessKeyId")
        secret = _element(answer, "SecretAccessKey")
        self.key = key
        self.get_user = self.iam("GetUser", "UserName=bench", key, secret)
        self.caller_identity = signed_scope("Action=GetCallerIdentity&Version=2011-06-15", "sts", key, secret)
        self.ask(self.get_user)
        self.runtime.audit.flush()

    def iam(self, action: str, params: str, key: str, secret: str) -> tuple[Scope, bytes]:
        return signed_scope(f"Action={action}&{params}&Version=2010-05-08", "iam", key, secret)

    def ask(self, request: tuple[Scope, bytes]) -> bytes:
        answer = asyncio.run(call_app(self.app, *request))
        if b"<Error>" in answer:
            raise RuntimeError(answer.decode())
        return answer

    def close(self) -> None:
        self.runtime.close()


def _element(xml: str, name: str) -> str:
    found = re.search(f"<{name}>(.*?)</{name}>", xml)
    assert found is not None, xml
    return found.group(1)


# -- the store: the old forms, as they were -----------------------------------------------


def legacy_engine(url: str) -> Engine:
    """The engine as it was: BEGIN issued from a `begin` event listener."""
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get("warden_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


@contextmanager
def legacy_read_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn = conn.execution_options(warden_readonly=True)
        with conn.begin():
            yield conn


_LEGACY_USER = select(s.users).where(
    s.users.c.account_id == bindparam("account_id"), s.users.c.name_lower == bindparam("name_lower")
)
_LEGACY_TAGS = (
    select(s.tags.c.resource_id, s.tags.c.key, s.tags.c.value)
    .where(s.tags.c.resource_kind == bindparam("kind"), s.tags.c.resource_id.in_(bindparam("ids", expanding=True)))
    .order_by(s.tags.c.resource_id, s.tags.c.key_lower)
)


_USER_FIELDS = (
    "user_id", "account_id", "name", "path", "arn", "create_date", "permissions_boundary_arn", "password_last_used"
)


def legacy_get_user(conn: Connection, account_id: str, name: str) -> User | None:
    """The user read as it was: the row, then its tags through an expanding IN."""
    row: Row[Any] | None = conn.execute(
        _LEGACY_USER, {"account_id": account_id, "name_lower": name.lower()}
    ).first()
    if row is None:
        return None
    m = row._mapping
    tag_rows = conn.execute(_LEGACY_TAGS, {"kind": TaggedKind.USER.value, "ids": [m["user_id"]]}).all()
    tags = tuple(Tag(key=key, value=value) for _, key, value in tag_rows)
    return User(**{name: m[name] for name in _USER_FIELDS}, tags=tags)


def bench_store(server: Server, rounds: int, per_round: int) -> None:
    store = server.runtime.store
    engine = legacy_engine(str(store.engine.url).replace("+warden_pysqlite", ""))  # type: ignore[attr-defined]
    account_id = server.account_id

    def old_empty() -> None:
        with legacy_read_transaction(engine):
            pass

    def new_empty() -> None:
        with store.transaction(readonly=True):
            pass

    def old_read() -> User | None:
        with legacy_read_transaction(engine) as conn:
            return legacy_get_user(conn, account_id, "bench")

    def new_read() -> User | None:
        with store.transaction(readonly=True) as tx:
            return tx.get_user(account_id, "bench")

    assert old_read() == new_read() is not None
    print("store (SQLite), us per call:")
    show("read-only transaction, empty", timed_us(old_empty, rounds, per_round), timed_us(new_empty, rounds, per_round))
    with legacy_read_transaction(engine) as conn, store.transaction(readonly=True) as tx:
        assert isinstance(tx, SqlTransaction)
        show(
            "get_user inside a transaction",
            timed_us(lambda: legacy_get_user(conn, account_id, "bench"), rounds, per_round),
            timed_us(lambda: tx.get_user(account_id, "bench"), rounds, per_round),
        )
    show("transaction + get_user", timed_us(old_read, rounds, per_round), timed_us(new_read, rounds, per_round))
    engine.dispose()


# -- authorization: the engine's request --------------------------------------------------


def legacy_normalise_context(raw: Mapping[str, Any]) -> dict[str, str | tuple[str, ...]]:
    """normalise_context as it was: the error field formatted for every key, generic checks."""
    context: dict[str, str | tuple[str, ...]] = {}
    for key, value in raw.items():
        field = f"context.{key}"
        if not isinstance(key, str) or not key:
            raise ValueError("context keys must be non-empty strings")
        lowered = key.lower()
        if lowered in context:
            raise ValueError(f"{field} is given twice")
        if isinstance(value, (list, tuple)):
            context[lowered] = tuple(str(item) for item in value)
        elif isinstance(value, str):
            context[lowered] = value
        else:
            raise TypeError(f"{field} must be a string or a list of strings")
    return context


def bench_authorization(server: Server, rounds: int, per_round: int) -> None:
    runtime = server.runtime
    env = runtime.env_for_partition("aws")
    caller = runtime.credentials.resolve(server.key).caller
    meta = RequestMeta("bench", runtime.now(), "127.0.0.1", "bench", False, "us-east-1")
    print("authorization of GetUser (policies cached), us per call:")
    with runtime.store.transaction(readonly=True) as tx:
        found = tx.get_user(server.account_id, "bench")
        assert found is not None
        user = found
        call = Call(caller=caller, meta=meta, tx=tx, services=env)
        merged = caller_context(call)
        merged.update({f"aws:ResourceTag/{tag.key}": tag.value for tag in user.tags})
        show(
            "normalise the context",
            timed_us(lambda: legacy_normalise_context(merged), rounds, per_round),
            timed_us(lambda: normalise_context(merged), rounds, per_round),
        )
        question = {
            "principal": caller.arn,
            "action": "iam:GetUser",
            "resource": user.arn,
            "resource_account": caller.account_id,
            "context": merged,
        }
        show("Request.from_dict", None, timed_us(lambda: Request.from_dict(question), rounds, per_round))
        authorize = partial(call.authorize, "iam:GetUser", user.arn, resource_tags=user.tags)
        show("Call.authorize (whole)", None, timed_us(authorize, rounds, per_round))


# -- the worker thread ----------------------------------------------------------------------


def bench_thread_hop(server: Server, rounds: int, count: int) -> None:
    """What handing GetUser's store work to a worker thread costs, against running it inline
    on the event loop (which the pipeline does for short reads on a SQLite file)."""
    runtime = server.runtime
    env = runtime.env_for_partition("aws")
    caller = runtime.credentials.resolve(server.key).caller
    meta = RequestMeta("bench", runtime.now(), "127.0.0.1", "bench", False, "us-east-1")

    def work() -> Mapping[str, Any]:
        return dispatch(
            store=runtime.store,
            services=env,
            feed=runtime.feed,
            handlers=iam.HANDLERS,
            operation="GetUser",
            caller=caller,
            meta=meta,
            params={"UserName": "bench"},
        )

    async def inline() -> None:
        for _ in range(count):
            work()

    async def threaded() -> None:
        for _ in range(count):
            await anyio.to_thread.run_sync(work)

    def cpu(loop: Callable[[], Any]) -> tuple[float, float]:
        samples = []
        for _ in range(rounds):
            start = time.process_time()
            asyncio.run(loop())
            samples.append((time.process_time() - start) / count * 1e6)
        return statistics.median(samples), min(samples)

    print("GetUser's dispatch (transaction, read, authorize), CPU us per call, all threads:")
    show("on a worker thread vs inline", cpu(threaded), cpu(inline), names=("thread", "inline"))


# -- the whole request ----------------------------------------------------------------------


def cpu_per_request(server: Server, request: tuple[Scope, bytes], rounds: int, count: int) -> Sequence[float]:
    """CPU microseconds per request (all threads, audit writes flushed) for each round."""
    app = server.app

    async def many(n: int) -> None:
        for _ in range(n):
            await call_app(app, *request)

    asyncio.run(many(count // 5))
    server.runtime.audit.flush()
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        asyncio.run(many(count))
        server.runtime.audit.flush()
        samples.append((time.process_time() - start) / count * 1e6)
    return samples


def bench_whole(server: Server, rounds: int, count: int) -> None:
    print("whole request in process (ASGI, signed, SQLite), CPU us per request, all threads:")
    for label, request in (
        ("iam:GetUser (IAM user, inline policy)", server.get_user),
        ("sts:GetCallerIdentity (no store)", server.caller_identity),
    ):
        samples = cpu_per_request(server, request, rounds, count)
        print(f"  {label:<38} median {statistics.median(samples):7.1f}  min {min(samples):7.1f}")


def main(argv: Sequence[str]) -> None:
    quick = "--quick" in argv
    rounds, per_round, count = (3, 300, 500) if quick else (7, 2000, 3000)
    server = Server()
    try:
        bench_store(server, rounds, per_round)
        bench_authorization(server, rounds, per_round)
        bench_thread_hop(server, rounds, count)
        bench_whole(server, rounds, count)
    finally:
        server.close()


if __name__ == "__main__":
    main(sys.argv[1:])

