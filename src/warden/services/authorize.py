"""Authorization of warden's own API calls through the policy engine, as AWS authorizes IAM calls.

The caller's policies are loaded from the store once, compiled, and cached until the change feed
says something changed; a decision for a known caller then needs no store round trip.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from warden.errors import AccessDenied
from warden.model import PrincipalKind
from warden.policy import (
    CompiledPolicySet,
    Decision,
    PolicyKind,
    PolicySet,
    Request,
    compile_policy_set,
    decide,
    parse_policy,
)
from warden.policy.ast import Policy
from warden.policy.request import TRUST_ACTIONS
from warden.services.call import Call
from warden.services.caller import Caller, CallerKind
from warden.services.change_feed import ChangeFeed
from warden.services.denial import denial_message
from warden.services.denial_details import encode_denial
from warden.services.effective_policies import PolicyDocuments, load_policy_documents

__all__ = ["Authorizer", "caller_context", "policy_set_for"]

_CACHE_SIZE = 4096
_ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
_ROOT_FEDERATION = PolicyDocuments((("the account root user", _ALLOW_ALL),), None)
# AWS: credentials from GetFederationToken cannot call IAM, nor STS except GetCallerIdentity.
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
_FEDERATED_FORBIDDEN = ("iam:", "sts:")
# AWS: credentials from GetSessionToken cannot call "any STS API except AssumeRole or
# GetCallerIdentity" (the session tags and source identity AssumeRole sets are part of it).
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html (Permissions)
_SESSION_TOKEN_STS = frozenset({"sts:assumerole", "sts:tagsession", "sts:setsourceidentity", "sts:getcalleridentity"})


def _outside_session_scope(caller: Caller, action: str) -> bool:
    """Whether temporary credentials of this kind may never call `action` (lower case), whatever
    the policies say: a federated user calls neither IAM nor STS; a GetSessionToken session calls
    STS only to assume a role (IAM without MFA is refused at authentication)."""
    if caller.kind is CallerKind.FEDERATED_USER:
        return action.startswith(_FEDERATED_FORBIDDEN)
    from_session_token = caller.kind in (CallerKind.USER, CallerKind.ROOT) and caller.token_issued_at is not None
    return from_session_token and action.startswith("sts:") and action not in _SESSION_TOKEN_STS


@dataclass(frozen=True, slots=True)
class _Entry:
    generation: int
    documents: PolicyDocuments | None


def _parse(document: str, kind: PolicyKind) -> Policy:
    # Stored documents were validated when written; size limits are not re-checked here.
    return parse_policy(document, kind, size_limit=None)


def policy_set_for(
    caller: Caller, documents: PolicyDocuments | None, resource_policy: str | None, *, trust: bool = False
) -> PolicySet:
    """The engine's view of everything that governs `caller` for one request."""
    identity: tuple[Policy, ...] = ()
    boundary = None
    if documents is not None:
        identity = tuple(_parse(text, PolicyKind.IDENTITY) for _, text in documents.identity)
        if documents.permissions_boundary is not None:
            boundary = _parse(documents.permissions_boundary, PolicyKind.PERMISSIONS_BOUNDARY)
    session = None
    if caller.session_policies:
        # Several session policies (inline Policy plus PolicyArns) intersect as one: AWS combines
        # them into the session; the engine takes one document, so statements are merged.
        session = _parse(_merge_session_policies(caller.session_policies), PolicyKind.SESSION)
    resource_kind = PolicyKind.TRUST if trust else PolicyKind.RESOURCE
    resource = _parse(resource_policy, resource_kind) if resource_policy else None
    return PolicySet(
        identity=identity, permissions_boundary=boundary, session=session, resource=resource
    )


def _merge_session_policies(texts: tuple[str, ...]) -> str:
    statements: list[object] = []
    for text in texts:
        body = json.loads(text)
        found = body.get("Statement", [])
        statements.extend(found if isinstance(found, list) else [found])
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def caller_context(call: Call) -> dict[str, str | tuple[str, ...]]:
    """The global condition keys AWS puts in every request context for this caller."""
    caller, meta = call.caller, call.meta
    context: dict[str, str | tuple[str, ...]] = {
        "aws:userid": caller.principal_id,
        "aws:PrincipalAccount": caller.account_id,
        "aws:PrincipalArn": caller.principal_arn,
        "aws:PrincipalType": caller.principal_type,
        "aws:SourceIp": meta.source_ip,
        "aws:SecureTransport": "true" if meta.secure_transport else "false",
        "aws:RequestedRegion": meta.region,
        "aws:CurrentTime": meta.received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(meta.received_at.timestamp())),
    }
    if meta.user_agent:
        context["aws:UserAgent"] = meta.user_agent
    if caller.kind is CallerKind.USER and caller.name:
        context["aws:username"] = caller.name
    for key, value in caller.tags:
        context[f"aws:PrincipalTag/{key}"] = value
    if caller.token_issued_at is not None:
        # Keys AWS sets only for temporary credentials.
        context["aws:TokenIssueTime"] = caller.token_issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        context["aws:MultiFactorAuthPresent"] = "true" if caller.mfa_authenticated else "false"
        if caller.mfa_authenticated and caller.mfa_authenticated_at is not None:
            age = int((meta.received_at - caller.mfa_authenticated_at).total_seconds())
            context["aws:MultiFactorAuthAge"] = str(max(age, 0))
    if caller.source_identity:
        context["aws:SourceIdentity"] = caller.source_identity
    return context


class Authorizer:
    """Decides for calls; caches each principal's compiled policies per change-feed generation."""

    def __init__(self, feed: ChangeFeed) -> None:
        self._feed = feed
        self._documents: OrderedDict[tuple[str, str, str, str], _Entry] = OrderedDict()
        self._compiled: OrderedDict[tuple[object, ...], CompiledPolicySet] = OrderedDict()
        self._lock = threading.Lock()

    def _documents_for(self, call: Call) -> PolicyDocuments | None:
        caller = call.caller
        if caller.kind is CallerKind.USER:
            kind, name = PrincipalKind.USER, caller.name or ""
        elif caller.kind is CallerKind.ASSUMED_ROLE:
            kind, name = PrincipalKind.ROLE, caller.role_name or ""
        elif caller.kind is CallerKind.FEDERATED_USER and caller.name:
            # A federated user holds the policies of the IAM user that federated it, narrowed by
            # its session policies.
            kind, name = PrincipalKind.USER, caller.name
        elif caller.kind is CallerKind.FEDERATED_USER:
            return _ROOT_FEDERATION  # federated by the root user: only session policies narrow it
        else:
            return None  # the root user carries no stored identity policies
        key = (call.partition, caller.account_id, kind.value, name.lower())
        generation = self._feed.generation
        with self._lock:
            entry = self._documents.get(key)
            if entry is not None and entry.generation == generation:
                self._documents.move_to_end(key)
                return entry.documents
        documents = load_policy_documents(call.tx, caller.account_id, kind, name, call.partition)
        with self._lock:
            self._documents[key] = _Entry(generation, documents)
            if len(self._documents) > _CACHE_SIZE:
                self._documents.popitem(last=False)
        return documents

    def compiled_for(
        self, call: Call, resource_policy: str | None, *, trust: bool = False
    ) -> CompiledPolicySet:
        """`trust` reads `resource_policy` as a role's trust policy (sts:AssumeRole and kin)."""
        documents = self._documents_for(call)
        key = (documents, call.caller.session_policies, resource_policy, trust)
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
                return found
        compiled = compile_policy_set(policy_set_for(call.caller, documents, resource_policy, trust=trust))
        with self._lock:
            self._compiled[key] = compiled
            if len(self._compiled) > _CACHE_SIZE:
                self._compiled.popitem(last=False)
        return compiled

    def decide(
        self,
        call: Call,
        action: str,
        resource: str,
        context: Mapping[str, str | tuple[str, ...]],
        resource_policy: str | None,
        *,
        explain: bool = False,
        resource_account: str | None = None,
    ) -> Decision:
        merged = caller_context(call)
        merged.update(context)
        request = Request.from_dict(
            {
                "principal": call.caller.arn,
                "action": action,
                "resource": resource,
                "resource_account": resource_account or call.account_id,
                "context": merged,
            }
        )
        trust = action.lower() in TRUST_ACTIONS
        return decide(request, self.compiled_for(call, resource_policy, trust=trust), explain=explain)

    def authorize(
        self,
        call: Call,
        action: str,
        resource: str,
        context: Mapping[str, str | tuple[str, ...]],
        resource_policy: str | None,
        resource_account: str | None = None,
    ) -> None:
        if call.services.mock:
            return
        if _outside_session_scope(call.caller, action.lower()):
            raise AccessDenied(denial_message(call.caller.arn, action, resource, "implicitDeny", {}))
        decision = self.decide(
            call, action, resource, context, resource_policy, resource_account=resource_account
        )
        if decision.allowed:
            return
        explained = self.decide(
            call, action, resource, context, resource_policy, explain=True, resource_account=resource_account
        )
        denied = AccessDenied(
            denial_message(
                call.caller.arn, action, resource, explained.outcome.value, explained.details or {}
            )
        )
        merged = caller_context(call)
        merged.update(context)
        denied.encoded_authorization_message = encode_denial(
            call.services.authorization_messages, call.caller, action, resource, merged, explained
        )
        raise denied
