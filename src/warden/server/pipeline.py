"""The request pipeline (DESIGN.md): one small function per step.

route by the SigV4 scope -> verify the signature -> resolve the caller -> decode and validate
the parameters -> authorize and run the handler in one transaction -> encode the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import anyio.to_thread

from warden.audit import DraftAudit, EventDraft
from warden.auth import HttpRequest, SignatureInfo, parse_signature, verify_signature
from warden.config import DEFAULT_MOCK_ACCOUNT_ID
from warden.errors import (
    AccessDenied,
    AwsError,
    NotImplementedOperation,
    RequestEntityTooLarge,
    Throttling,
)
from warden.partitions import partition_for_region
from warden.protocol import (
    Operation,
    Service,
    decode_json_request,
    decode_query_request,
    encode_json_error,
    encode_json_response,
    encode_query_error,
    encode_query_response,
    json_content_type,
    load_service,
    validator_for,
)
from warden.server.access_log import AccessRecord, log_access
from warden.server.runtime import Runtime
from warden.services import cloudtrail, iam, sts
from warden.services.call import Call, RequestMeta
from warden.services.caller import Caller, CallerKind
from warden.services.credentials import ResolvedKey, refuse_stray_session_token
from warden.services.dispatch import HandlerTable, dispatch, is_point_read
from warden.services.role_usage import session_role_id
from warden.services.sts_decode_message import ENCODED_MESSAGE_HEADER
from warden.services.sts_session_token import check_session_token_scope
from warden.store import StoreBusy
from warden.text import utf8_safe

__all__ = ["MAX_BODY_BYTES", "Pipeline", "Response", "warm_up"]

_logger = logging.getLogger("warden.server")

MAX_BODY_BYTES = 1024 * 1024

IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"
_SERVICES: dict[str, tuple[str, HandlerTable]] = {
    # SigV4 signing name -> (botocore model name, handlers)
    "iam": ("iam", iam.HANDLERS),
    "sts": ("sts", sts.HANDLERS),
    "cloudtrail": ("cloudtrail", cloudtrail.HANDLERS),
}
# JSON services' X-Amz-Target prefix -> signing name, for unsigned requests in mock mode.
_TARGET_PREFIXES = {
    prefix: signing_name
    for signing_name, (model_name, _) in _SERVICES.items()
    if (prefix := load_service(model_name).target_prefix)
}
_JSON_ERROR_TYPE = "application/x-amz-json-1.1"
_VERSIONS = {"2010-05-08": "iam", "2011-06-15": "sts"}
# Operations that read nothing from the store: answered on the event loop, no thread hop.
_STORELESS = {("sts", "GetCallerIdentity")}


async def _bookkeeping(record: Callable[..., None], *args: Any) -> None:
    """Write "last used" bookkeeping off the event loop. A store too busy to take it (SQLite's
    writers queued past the busy timeout) must not fail the call it describes: that use goes
    unrecorded, and a later one in the next minute is written."""
    try:
        await anyio.to_thread.run_sync(record, *args)
    except StoreBusy:
        _logger.warning("last-use bookkeeping skipped: the store is busy")


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str
    request_id: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def warm_up() -> None:
    """Compile every served operation's input validator now rather than on its first request."""
    for model_name, handlers in _SERVICES.values():
        service = load_service(model_name)
        for name in handlers:
            operation = service.find_operation(name)
            if operation is not None:
                validator_for(operation)


class InternalFailure(AwsError):
    code = "InternalFailure"
    http_status = 500


def _read_form(text: str, params: dict[str, str]) -> None:
    """Add the pairs of form-encoded `text` to `params`: what dict(parse_qsl(text,
    keep_blank_values=True)) gives, in one pass without its checks."""
    for piece in text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        name = unquote(name.replace("+", " "))
        if name.startswith("X-Amz-"):
            continue  # presigned-URL authentication parameters are not operation input
        params[name] = unquote(value.replace("+", " "))


def _form_params(request: HttpRequest) -> dict[str, str]:
    """Query-protocol parameters: the query string, and the form body of any request but a GET.

    AWS reads a POST's query string as well as its body: boto 2 signed POSTs with every parameter
    in the URL (boto/boto#1081) and the AWS SDK for Java 1.x puts them there when the POST has a
    payload (Comcast/cmb#20 quotes its HttpRequestFactory); both were answered by AWS. A name in
    both places takes the body's value."""
    params: dict[str, str] = {}
    if request.query:
        _read_form(request.query, params)
    if request.method != "GET" and request.body:
        _read_form(request.body.decode("utf-8", "replace"), params)
    return params


def _unsigned_service(target: str | None, params: Mapping[str, str]) -> str:
    """The service of an unsigned request (mock mode): its JSON target or its Query version."""
    if target is not None:
        return _TARGET_PREFIXES.get(target.rpartition(".")[0], "cloudtrail")
    return _VERSIONS.get(params.get("Version", ""), "iam")


def _route(service_name: str) -> tuple[Service, HandlerTable]:
    routed = _SERVICES.get(service_name)
    if routed is None:
        raise NotImplementedOperation(f"warden does not serve the {service_name} service yet.")
    model_name, handlers = routed
    return load_service(model_name), handlers


def _mock_caller(region: str) -> Caller:
    partition = partition_for_region(region)
    return Caller(
        kind=CallerKind.ROOT,
        arn=f"arn:{partition}:iam::{DEFAULT_MOCK_ACCOUNT_ID}:root",
        account_id=DEFAULT_MOCK_ACCOUNT_ID,
        principal_id=DEFAULT_MOCK_ACCOUNT_ID,
        access_key_id=None,
    )


class Pipeline:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._mock = runtime.settings.mock

    async def handle(self, scope: Mapping[str, Any], body: bytes | None) -> Response:
        """Answer one request; `body` is None when it was longer than MAX_BODY_BYTES and not read
        (answered RequestEntityTooLarge, with a request id and an audit event like any other)."""
        runtime = self._runtime
        request_id = runtime.env.ids.request_id()
        started = time.perf_counter()
        client = scope.get("client") or ("127.0.0.1", 0)
        record = AccessRecord(request_id=request_id, source_ip=str(client[0]))
        draft = EventDraft(
            event_id=runtime.env.ids.request_id(),
            request_id=request_id,
            event_time=runtime.now(),
            service="iam",
            region=runtime.settings.region,
            source_ip=record.source_ip,
            user_agent="",
        )
        audit = DraftAudit(draft)
        namespace = IAM_NAMESPACE
        json_wire = False
        try:
            request = HttpRequest.from_asgi(scope, body or b"")
            draft.user_agent = utf8_safe(request.header("user-agent") or "")
            target = request.header("x-amz-target")
            json_wire = target is not None
            if body is None:
                raise RequestEntityTooLarge(f"Request body must be at most {MAX_BODY_BYTES} bytes.")
            params = {} if json_wire else _form_params(request)
            draft.name_from_request(target.rpartition(".")[2] if target else params.get("Action"))
            info = self._signature(request, draft)
            service_name = info.service if info else _unsigned_service(target, params)
            record.service = draft.service = service_name
            service, handlers = _route(service_name)
            json_wire = service.protocol == "json"
            namespace = service.xml_namespace or IAM_NAMESPACE
            region = info.region if info else runtime.settings.region
            draft.region = region
            caller = await self._caller(request, info, region, draft)
            draft.caller = caller
            check_session_token_scope(caller, service_name)
            record.principal, record.access_key_id = caller.arn, caller.access_key_id
            if json_wire:
                operation, values = decode_json_request(service, target, request.body)
            else:
                operation, values = decode_query_request(service, params)
            record.action = draft.event_name = operation.name
            draft.operation, draft.params = operation, values
            if operation.name not in handlers:
                raise NotImplementedOperation(f"The {operation.name} operation is not implemented by warden yet.")
            meta = RequestMeta(
                request_id=request_id,
                received_at=draft.event_time,
                source_ip=record.source_ip,
                user_agent=draft.user_agent,
                secure_transport=scope.get("scheme") == "https",
                region=region,
            )
            if service_name == "cloudtrail":
                # A caller looking up events sees its own latest calls.
                await anyio.to_thread.run_sync(runtime.audit.flush)
            result = await self._run(service_name, operation, handlers, caller, meta, values, audit)
            draft.result = result
            record.status = 200
            if json_wire:
                return Response(200, encode_json_response(operation, result), json_content_type(service), request_id)
            return Response(200, encode_query_response(operation, result, request_id), "text/xml", request_id)
        except AwsError as error:
            draft.fail(error.code, error.message)
            return self._error(error, request_id, namespace, record, json_wire)
        except StoreBusy:
            # Writers queued past the store's patience: AWS's answer to load, which SDKs retry.
            throttled = Throttling("Rate exceeded")
            draft.fail(throttled.code, throttled.message)
            return self._error(throttled, request_id, namespace, record, json_wire)
        except Exception:
            _logger.exception("unexpected failure in request %s", request_id)
            failure = InternalFailure("We encountered an internal error. Please try again.")
            draft.fail(failure.code, failure.message)
            return self._error(failure, request_id, namespace, record, json_wire)
        finally:
            record.latency_ms = (time.perf_counter() - started) * 1000
            log_access(record)
            if audit.event is not None:  # stored with the change it records
                runtime.audit.committed(audit.event)
            else:
                runtime.audit.submit(draft)

    def _error(
        self, error: AwsError, request_id: str, namespace: str, record: AccessRecord, json_wire: bool
    ) -> Response:
        record.status, record.error_code = error.http_status, error.code
        headers: tuple[tuple[bytes, bytes], ...] = ()
        encoded = error.encoded_authorization_message if isinstance(error, AccessDenied) else None
        if encoded:
            # Not in the message text: AWS IAM and STS never append one (see sts_decode_message).
            headers = ((ENCODED_MESSAGE_HEADER.encode(), encoded.encode("ascii")),)
        if json_wire:
            return Response(error.http_status, encode_json_error(error), _JSON_ERROR_TYPE, request_id, headers)
        body = encode_query_error(error, request_id, xml_namespace=namespace)
        return Response(error.http_status, body, "text/xml", request_id, headers)

    def _signature(self, request: HttpRequest, draft: EventDraft) -> SignatureInfo | None:
        """The claimed signature; None only for an unsigned request in mock mode."""
        try:
            info = parse_signature(request)
            # Header text keeps bytes that are not UTF-8 (as surrogates) for the signature's
            # sake; the trail stores text, so they are recorded as U+FFFD.
            draft.claimed_access_key_id = utf8_safe(info.access_key_id)
            return info
        except AwsError:
            if self._mock:
                return None  # mock mode accepts unsigned requests and any authentication
            raise

    async def _caller(
        self, request: HttpRequest, info: SignatureInfo | None, region: str, draft: EventDraft
    ) -> Caller:
        runtime = self._runtime
        if info is None:
            await self._ensure_mock_account()
            return _mock_caller(region)
        try:
            if not self._mock:  # there, a key warden issued resolves to its owner whatever comes with it
                refuse_stray_session_token(info.access_key_id, info.security_token)
            # A known long-term key is answered from the cache without a coroutine or a thread.
            resolved = runtime.credentials.cached(info.access_key_id) or await self._resolve(info)
        except AwsError:
            if self._mock:
                await self._ensure_mock_account()
                return _mock_caller(region)
            raise
        now = runtime.now()
        # Until the signature checks out the caller is only claimed: events name the key and
        # its account, not the principal.
        draft.claimed_account_id = resolved.caller.account_id
        if not self._mock:
            verify_signature(request, info, resolved.secret, now, cache=runtime.signing_keys)
        if info.access_key_id.startswith("AKIA") and runtime.key_usage.due(
            info.access_key_id, info.service, region, now
        ):
            await _bookkeeping(runtime.key_usage.record, info.access_key_id, info.service, region, now)
        role_id = session_role_id(resolved.caller)
        if role_id is not None and runtime.role_usage.due(role_id, region, now):
            await _bookkeeping(runtime.role_usage.record, role_id, region, now)
        return resolved.caller

    async def _resolve(self, info: SignatureInfo) -> ResolvedKey:
        """The key's secret and caller: from the sealed token for ASIA keys, from the cache or
        the store (off the event loop) for long-term keys."""
        credentials = self._runtime.credentials
        if info.access_key_id.startswith("ASIA"):
            return credentials.resolve_temporary(info.access_key_id, info.security_token, self._runtime.now())
        return await anyio.to_thread.run_sync(credentials.resolve, info.access_key_id)

    async def _ensure_mock_account(self) -> None:
        await anyio.to_thread.run_sync(self._runtime.ensure_mock_account)

    async def _run(
        self,
        service_name: str,
        operation: Operation,
        handlers: HandlerTable,
        caller: Caller,
        meta: RequestMeta,
        values: dict[str, Any],
        audit: DraftAudit,
    ) -> Mapping[str, Any]:
        runtime = self._runtime
        env = runtime.env_for_partition(caller.arn.split(":")[1])
        if (service_name, operation.name) in _STORELESS:
            call = Call(caller=caller, meta=meta, tx=None, services=env)  # type: ignore[arg-type]
            return handlers[operation.name](call, values) or {}

        def run() -> Mapping[str, Any]:
            return dispatch(
                store=runtime.store,
                services=env,
                feed=runtime.feed,
                handlers=handlers,
                operation=operation.name,
                caller=caller,
                meta=meta,
                params=values,
                audit=audit,
            )

        try:
            if runtime.store.short_reads_inline and is_point_read(service_name, operation.name):
                return run()
            return await anyio.to_thread.run_sync(run)
        except BaseException:
            audit.rolled_back()  # the transaction and the event in it are gone
            raise


