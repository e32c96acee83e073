"""An in-process warden for the fuzz tests: the real ASGI app over a fresh SQLite store, requests
signed by botocore, and the checks every answer must pass (a uniquely named module, not a conftest).

Requests go through `WardenApp` exactly as uvicorn would hand them over, on one event loop kept
in a background thread (anyio's blocking portal), so each example costs a request, not a loop.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.auth
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select

from pg_support import postgres_schema
from warden.audit.alerts.defaults import DEFAULT_RULES
from warden.auth.passwords import PasswordHasher
from warden.config import Settings
from warden.protocol import load_service
from warden.server.app import WardenApp
from warden.server.pipeline import warm_up
from warden.server.runtime import Runtime
from warden.services import bootstrap
from warden.store.sqlalchemy import schema as s

__all__ = ["Answer", "FuzzServer", "Keys", "fuzz_settings", "running_server"]

ACCOUNT_ID = "111122223333"
REGION = "us-east-1"
HOST = "warden.test"
MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"

# AWS's common errors (any operation may answer them) and their HTTP statuses:
# https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
# https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
# plus the SigV4 errors of https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
COMMON_ERRORS = {
    "AccessDenied": 403,
    "AccessDeniedException": 400,  # the JSON services' name for it
    "ExpiredToken": 400,
    "IncompleteSignature": 400,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "InvalidParameterCombination": 400,
    "InvalidParameterValue": 400,
    "InvalidQueryParameter": 400,
    "MalformedQueryString": 404,
    "MissingAction": 400,
    "MissingAuthenticationToken": 403,
    "MissingParameter": 400,
    "RequestExpired": 400,
    "SignatureDoesNotMatch": 403,
    "Throttling": 400,
    "ValidationError": 400,
    "ValidationException": 400,
    "UnknownOperationException": 400,
    "SerializationException": 400,
    "NotImplemented": 501,  # warden's answer to an operation it does not implement yet (README)
    "RequestEntityTooLarge": 413,  # warden's answer to a body over 1 MiB, which it does not read
}


def _modelled_errors() -> dict[str, int]:
    """Every error code the three models declare, with the status the model gives it."""
    statuses: dict[str, int] = {}
    for name in ("iam", "sts", "cloudtrail"):
        model = load_service(name).model
        for shape_name in model.shape_names:
            shape = model.shape_for(shape_name)
            error = shape.metadata.get("error")
            if shape.metadata.get("exception"):
                code = (error or {}).get("code", shape_name)
                statuses[code] = int((error or {}).get("httpStatusCode", 400))
    return statuses


def fuzz_settings(examples: int) -> settings:
    """The fuzz tests' fixed profile: `examples` derandomized examples, so CI always sends the
    same requests; WARDEN_FUZZ_EXAMPLES=N explores locally with N examples from a random seed."""
    explore = os.environ.get("WARDEN_FUZZ_EXAMPLES")
    return settings(
        max_examples=int(explore or examples),
        derandomize=explore is None,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


class Payload:
    """A request body whose repr stays short (hypothesis prints every argument it draws)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        shown = self.data if len(self.data) <= 300 else self.data[:300] + b"...(%d bytes)" % len(self.data)
        return f"Payload({shown!r})"


@dataclass(frozen=True)
class Keys:
    access_key_id: str
    secret_access_key: str


@dataclass
class Answer:
    """One HTTP answer, and what the checks read from it."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-amzn-requestid")


class _ErrorLog(logging.Handler):
    """Collects ERROR records of warden's loggers (an "unexpected failure" is one)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def describe(self) -> str:
        formatter = logging.Formatter()
        return "\n".join(
            record.getMessage() + ("\n" + formatter.formatException(record.exc_info) if record.exc_info else "")
            for record in self.records
        )


class FuzzServer:
    """The app, its runtime, and a portal to call it from synchronous tests."""

    def __init__(self, runtime: Runtime, portal: BlockingPortal) -> None:
        self.runtime = runtime
        self.app = WardenApp(runtime)
        self.portal = portal
        self.errors = _ErrorLog()
        self.statuses = {**_modelled_errors(), **COMMON_ERRORS}
        self._last_seq = 0

    # -- sending ------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        body: bytes,
        headers: Sequence[tuple[str, str]] | Sequence[tuple[bytes, bytes]],
        query: bytes = b"",
        path: str = "/",
    ) -> Answer:
        self._skip_earlier_events()
        self.errors.records.clear()
        raw_headers = [
            (name if isinstance(name, bytes) else name.lower().encode(), value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass"))
            for name, value in headers
        ]
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "headers": raw_headers,
            "client": ("198.51.100.7", 50000),
            "server": (HOST, 80),
        }
        return self.portal.call(self._call, scope, body)

    async def _call(self, scope: dict[str, Any], body: bytes) -> Answer:
        sent: list[Mapping[str, Any]] = []
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Mapping[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
        return Answer(start["status"], headers, payload)

    def signed(
        self,
        keys: Keys | None,
        service: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        method: str = "POST",
        query: str = "",
        unsigned: Sequence[tuple[str, str]] = (),
    ) -> Answer:
        """Sign with botocore's SigV4Auth as `keys` (unsigned when None) and send, with the
        `unsigned` headers added after signing (as SigV4 leaves User-Agent unsigned)."""
        url = f"http://{HOST}/" + (f"?{query}" if query else "")
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        if keys is not None:
            credentials = Credentials(keys.access_key_id, keys.secret_access_key)
            botocore.auth.SigV4Auth(credentials, service, REGION).add_auth(request)
        prepared = request.prepare()
        pairs = [("host", HOST), *((name, str(value)) for name, value in prepared.headers.items()), *unsigned]
        sent_body = prepared.body or b""
        if isinstance(sent_body, str):
            sent_body = sent_body.encode()
        return self.send(method, sent_body, pairs, query=query.encode())

    # -- the checks ---------------------------------------------------------------------------

    def check(self, answer: Answer, *, json_wire: bool) -> str | None:
        """Assert everything an answer must satisfy; returns its error code (None on success)."""
        assert not self.errors.records, self.errors.describe()
        assert answer.status != 500 and b"InternalFailure" not in answer.body, answer
        request_id = answer.request_id
        assert request_id, f"no x-amzn-RequestId header: {answer}"
        code = self._check_json(answer) if json_wire else self._check_xml(answer, request_id)
        if code is not None:
            expected = self.statuses.get(code)
            assert expected is not None, f"{code} is neither a modelled nor a common AWS error: {answer}"
            assert answer.status == expected, f"{code} answered with HTTP {answer.status}, AWS uses {expected}"
        else:
            assert answer.status == 200, answer
        self._check_one_event(request_id, code)
        return code

    def _check_xml(self, answer: Answer, request_id: str) -> str | None:
        assert answer.headers.get("content-type") == "text/xml", answer
        root = ET.fromstring(answer.body)
        namespace = root.tag.partition("}")[0].lstrip("{")
        assert namespace in (IAM_NAMESPACE, STS_NAMESPACE), root.tag
        ns = {"a": namespace}
        if answer.status == 200:
            assert root.tag.endswith("Response"), root.tag
            assert root.findtext("a:ResponseMetadata/a:RequestId", namespaces=ns) == request_id
            return None
        assert root.tag == f"{{{namespace}}}ErrorResponse", root.tag
        code = root.findtext("a:Error/a:Code", namespaces=ns)
        assert code, answer
        assert root.findtext("a:Error/a:Type", namespaces=ns) in ("Sender", "Receiver"), answer
        assert root.find("a:Error/a:Message", ns) is not None, answer
        assert root.findtext("a:RequestId", namespaces=ns) == request_id, answer
        return code

    def _check_json(self, answer: Answer) -> str | None:
        assert answer.headers.get("content-type", "").startswith("application/x-amz-json-1."), answer
        document = json.loads(answer.body)
        assert isinstance(document, dict), answer
        if answer.status == 200:
            return None
        code = document.get("__type")
        assert isinstance(code, str) and code, answer
        assert isinstance(document.get("message"), str), answer
        return code

    def _skip_earlier_events(self) -> None:
        """Start counting events afresh (a failed check may have left some unread)."""
        self.runtime.audit.flush()
        with self.runtime.store._engine.connect() as conn:  # type: ignore[attr-defined]
            self._last_seq = conn.execute(select(func.coalesce(func.max(s.audit_events.c.seq), 0))).scalar_one()

    def _check_one_event(self, request_id: str, code: str | None) -> None:
        """Exactly one audit event was stored since the request was sent, and it is this one's."""
        self.runtime.audit.flush()
        with self.runtime.store._engine.connect() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                select(s.audit_events.c.record).where(s.audit_events.c.seq > self._last_seq)
            ).scalars().all()
        records = [json.loads(record) for record in rows]
        assert [r.get("requestID") for r in records] == [request_id], records
        assert ("errorCode" in records[0]) == (code is not None), records[0]


@contextmanager
def running_server(data_dir: Path, database_url: str | None = None) -> Iterator[tuple[FuzzServer, Keys]]:
    """A runtime with the first account (root keys returned) on `database_url` (default SQLite in
    `data_dir`); cheap password hashing, and the shipped alert rules off (they would log a line
    for most root calls)."""
    quiet = {"version": 1, "rules": [], "builtin": {rule.name: {"enabled": False} for rule in DEFAULT_RULES}}
    (data_dir / "alerts.json").write_text(json.dumps(quiet))
    settings = Settings(
        data_dir=data_dir, database_url=database_url, master_key_b64=MASTER_KEY, region=REGION, access_log=False
    )
    runtime = Runtime.build(settings)
    # argon2id at production cost would dominate every login-profile example.
    runtime.env = dataclasses.replace(
        runtime.env, passwords=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    warm_up()
    created = bootstrap.ensure_first_account(
        runtime.store,
        runtime.env.ids,
        runtime.env.secrets,
        runtime.now(),
        data_dir=data_dir,
        endpoint_url=f"http://{HOST}",
        region=REGION,
        account_id=ACCOUNT_ID,
    )
    assert created is not None
    account = created[0]
    warden_logger = logging.getLogger("warden")
    try:
        with start_blocking_portal() as portal:
            server = FuzzServer(runtime, portal)
            warden_logger.addHandler(server.errors)
            try:
                yield server, Keys(account.access_key_id, account.secret_access_key)
            finally:
                warden_logger.removeHandler(server.errors)
    finally:
        runtime.close()


@contextmanager
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """None for SQLite (the data folder's); an empty PostgreSQL schema's URL, or a visible skip
    when PostgreSQL cannot be reached. PostgreSQL enforces column widths SQLite ignores."""
    if backend == "sqlite":
        yield None
        return
    with postgres_schema(tmp_path_factory.mktemp("pg")) as url:
        yield url


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys]]:
    """A running server on the backend a module fixture parametrized with BACKENDS was given."""
    with database_url(request.param, tmp_path_factory) as url, running_server(
        tmp_path_factory.mktemp("fuzz"), url
    ) as running:
        yield running
