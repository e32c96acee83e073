"""Service last accessed reports (IAM access advisor), computed from the audit trail.

GenerateServiceLastAccessedDetails resolves a user, group, role or managed policy, lists the
services its permissions policies allow, and for each finds the most recent authenticated attempt
to use it by the principals the entity stands for: the user; the role's sessions; a group's member
users; every user, role (and member of a group) a managed policy is attached to. AWS counts every
authenticated attempt, successful or denied, and reports 400 days of activity; so does warden
(requests that failed to authenticate are left out, as AWS leaves out unauthenticated requests).
The report is built at once, so the job is COMPLETED when its JobId is returned; jobs are kept in
memory on the node that generated them (`warden.services.access_report_jobs`), and only the
principal that generated a job can read it.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from warden.errors import InvalidInput, NoSuchEntity
from warden.model import PrincipalKind, Tag
from warden.services.access_report_jobs import AccessReportJob
from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.effective_policies import all_pages, managed_policy_document, policies_of
from warden.services.iam.pages import computed_page
from warden.services.iam.policies_managed import policy_not_found
from warden.services.iam.service_catalog import allowed_services, service_name, tracked_actions
from warden.services.partition_arns import stored_policy_arn
from warden.store.protocols.audit import PrincipalAccess

__all__ = ["HANDLERS", "TRACKING_PERIOD"]

TRACKING_PERIOD = timedelta(days=400)
# Requests that never authenticated: AWS does not report them.
_UNAUTHENTICATED = (
    "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
    "ExpiredToken", "InvalidAccessKeyId", "AuthFailure",
)
_KINDS = {"user": PrincipalKind.USER, "group": PrincipalKind.GROUP, "role": PrincipalKind.ROLE}


@dataclass(frozen=True, slots=True)
class _Entity:
    """Who the principals of the trail stand for: ARN -> the entity info reported for it."""

    documents: tuple[str, ...]
    exact: dict[str, dict[str, str]]
    sessions: dict[str, dict[str, str]]  # role session ARN prefix -> the role's info


def _info(kind: str, name: str, entity_id: str, arn: str, path: str) -> dict[str, str]:
    return {"Arn": arn, "Name": name, "Type": kind.upper(), "Id": entity_id, "Path": path}


def _own_documents(call: Call, kind: PrincipalKind, name: str) -> list[str]:
    return [document for _, document in policies_of(call.tx, call.account_id, kind, name, call.partition)]


def _add_user(call: Call, entity: _Entity, name: str) -> None:
    user = call.tx.get_user(call.account_id, name)
    if user is not None:
        entity.exact[user.arn] = _info("user", user.name, user.user_id, user.arn, user.path)


def _add_role(call: Call, entity: _Entity, name: str) -> None:
    role = call.tx.get_role(call.account_id, name)
    if role is not None:
        info = _info("role", role.name, role.role_id, role.arn, role.path)
        entity.exact[role.arn] = info
        entity.sessions[f"arn:{call.partition}:sts::{call.account_id}:assumed-role/{role.name}/"] = info


def _add_group_members(call: Call, entity: _Entity, name: str) -> None:
    for user in all_pages(lambda m: call.tx.list_group_members(call.account_id, name, marker=m, max_items=1000)):
        entity.exact[user.arn] = _info("user", user.name, user.user_id, user.arn, user.path)


def _not_found(kind: str, name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The {kind} with name {name} cannot be found.")


def _resolve(call: Call, arn: str) -> _Entity:
    """The entity an ARN names, its permissions policies and the principals it stands for."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or "/" not in parts[5]:
        raise InvalidInput(f"ARN {arn} is not valid.")
    kind_text, _, rest = parts[5].partition("/")
    name = rest.rsplit("/", 1)[-1]
    if kind_text == "policy":
        policy = call.tx.get_policy(call.account_id, stored_policy_arn(arn, call.partition))
        if policy is None:
            raise policy_not_found(arn)
        document = managed_policy_document(call.tx, call.account_id, policy.arn, call.partition)
        entity = _Entity((document,) if document else (), {}, {})
        for attached in all_pages(
            lambda m: call.tx.list_entities_for_policy(call.account_id, policy.arn, marker=m, max_items=1000)
        ):
            if attached.kind is PrincipalKind.USER:
                _add_user(call, entity, attached.name)
            elif attached.kind is PrincipalKind.ROLE:
                _add_role(call, entity, attached.name)
            else:
                _add_group_members(call, entity, attached.name)
        return entity
    kind = _KINDS.get(kind_text)
    if kind is None:
        raise InvalidInput(f"ARN {arn} is not valid.")
    found = {
        PrincipalKind.USER: call.tx.get_user, PrincipalKind.GROUP: call.tx.get_group, PrincipalKind.ROLE: call.tx.get_role,
    }[kind](call.account_id, name)
    if found is None or found.arn != arn:
        raise _not_found(kind_text, name)
    documents = _own_documents(call, kind, found.name)
    entity = _Entity((), {}, {})
    if kind is PrincipalKind.USER:
        for group in all_pages(lambda m: call.tx.list_groups_for_user(call.account_id, found.name, marker=m)):
            documents += _own_documents(call, PrincipalKind.GROUP, group.name)
        _add_user(call, entity, found.name)
    elif kind is PrincipalKind.ROLE:
        _add_role(call, entity, found.name)
    else:
        _add_group_members(call, entity, found.name)
    return _Entity(tuple(documents), entity.exact, entity.sessions)


def _tags_of(call: Call, arn: str) -> tuple[Tag, ...]:
    """The tags of the user, role or managed policy `arn` names, for `aws:ResourceTag/*` (those
    resource types carry it; groups have no tags); none when it names nothing of this account."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[1] != call.partition or parts[2] != "iam":
        return ()
    kind_text, _, rest = parts[5].partition("/")
    found: Any = None
    if kind_text == "policy":
        found = call.tx.get_policy(call.account_id, stored_policy_arn(arn, call.partition))
    elif kind_text in ("user", "role"):
        getter = call.tx.get_user if kind_text == "user" else call.tx.get_role
        found = getter(call.account_id, rest.rsplit("/", 1)[-1])
        found = found if found is not None and found.arn == arn else None
    return tuple(found.tags) if found is not None else ()


def _owner(entity: _Entity, principal: str) -> dict[str, str] | None:
    found = entity.exact.get(principal)
    if found is not None:
        return found
    for prefix, info in entity.sessions.items():
        if principal.startswith(prefix):
            return info
    return None


def _latest(uses: Iterable[tuple[PrincipalAccess, dict[str, str]]]) -> tuple[PrincipalAccess, dict[str, str]] | None:
    return max(uses, key=lambda pair: pair[0].last_time, default=None)


def _service_row(
    namespace: str, uses: list[tuple[PrincipalAccess, dict[str, str]]], action_level: bool, allowed: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {"ServiceName": service_name(namespace), "ServiceNamespace": namespace}
    latest = _latest(uses)
    if latest is not None:
        use, info = latest
        row["LastAuthenticated"] = use.last_time
        row["LastAuthenticatedEntity"] = info["Arn"]
        if use.region:
            row["LastAuthenticatedRegion"] = use.region
        row["TotalAuthenticatedEntities"] = len({i["Arn"] for _, i in uses})
    else:
        row["TotalAuthenticatedEntities"] = 0
    actions = tracked_actions(namespace)
    if action_level and actions:
        tracked = []
        for action in actions:
            if not allowed(f"{namespace}:{action}"):
                continue
            item: dict[str, Any] = {"ActionName": action}
            found = _latest(pair for pair in uses if pair[0].event_name == action)
            if found is not None:
                item["LastAccessedEntity"] = found[1]["Arn"]
                item["LastAccessedTime"] = found[0].last_time
                if found[0].region:
                    item["LastAccessedRegion"] = found[0].region
            tracked.append(item)
        row["TrackedActionsLastAccessed"] = tracked
    return row


def _entities_by_service(
    uses: list[tuple[PrincipalAccess, dict[str, str]]],
) -> dict[str, tuple[tuple[dict[str, str], datetime], ...]]:
    latest: dict[str, dict[str, tuple[dict[str, str], datetime]]] = {}
    for use, info in uses:
        namespace = use.event_source.removesuffix(".amazonaws.com")
        known = latest.setdefault(namespace, {}).get(info["Arn"])
        if known is None or use.last_time > known[1]:
            latest[namespace][info["Arn"]] = (info, use.last_time)
    return {ns: tuple(by_arn.values()) for ns, by_arn in latest.items()}


def generate_service_last_accessed_details(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    arn = params["Arn"]
    call.authorize("iam:GenerateServiceLastAccessedDetails", arn, resource_tags=_tags_of(call, arn))
    granularity = params.get("Granularity", "SERVICE_LEVEL")
    entity = _resolve(call, arn)
    namespaces, allowed = allowed_services(entity.documents)
    found = call.tx.last_access_by_principal(
        call.account_id, entity.exact.keys(), entity.sessions.keys(), call.now - TRACKING_PERIOD, _UNAUTHENTICATED
    )
    uses = [(use, info) for use in found if (info := _owner(entity, use.principal_arn)) is not None]
    rows = []
    for namespace in namespaces:
        source = f"{namespace}.amazonaws.com"
        mine = [pair for pair in uses if pair[0].event_source == source]
        rows.append(_service_row(namespace, mine, granularity == "ACTION_LEVEL", allowed))
    job = AccessReportJob(
        job_id=call.services.ids.request_id(),
        account_id=call.account_id,
        owner_arn=call.caller.arn,
        granularity=granularity,
        created=call.now,
        completed=call.now,
        services=tuple(rows),
        entities=_entities_by_service(uses),
    )
    call.services.access_reports.put(job)
    return {"JobId": job.job_id}


def _job(call: Call, job_id: str) -> AccessReportJob:
    job: AccessReportJob | None = call.services.access_reports.get(call.account_id, call.caller.arn, job_id)
    if job is None:
        raise NoSuchEntity(f"The job with id {job_id} cannot be found.")
    return job


def _paged(result: dict[str, Any], member: str, items: list[Any], params: dict[str, Any]) -> dict[str, Any]:
    chunk, following = computed_page(items, params)
    result[member] = list(chunk)
    result["IsTruncated"] = following is not None
    if following:
        result["Marker"] = following
    return result


def get_service_last_accessed_details(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetServiceLastAccessedDetails", "*")
    job = _job(call, params["JobId"])
    result: dict[str, Any] = {
        "JobStatus": "COMPLETED",
        "JobType": job.granularity,
        "JobCreationDate": job.created,
        "JobCompletionDate": job.completed,
    }
    return _paged(result, "ServicesLastAccessed", list(job.services), params)


def get_service_last_accessed_details_with_entities(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.authorize("iam:GetServiceLastAccessedDetailsWithEntities", "*")
    job = _job(call, params["JobId"])
    namespace = params["ServiceNamespace"]
    entries = sorted(job.entities.get(namespace, ()), key=lambda pair: pair[1], reverse=True)
    details = [{"EntityInfo": dict(info), "LastAuthenticated": when} for info, when in entries]
    result: dict[str, Any] = {"JobStatus": "COMPLETED", "JobCreationDate": job.created, "JobCompletionDate": job.completed}
    return _paged(result, "EntityDetailsList", details, params)


HANDLERS: dict[str, Handler] = {
    "GenerateServiceLastAccessedDetails": generate_service_last_accessed_details,
    "GetServiceLastAccessedDetails": get_service_last_accessed_details,
    "GetServiceLastAccessedDetailsWithEntities": get_service_last_accessed_details_with_entities,
}
