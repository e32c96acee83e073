"""Managed policies and their versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, exists, func, or_, select, true, union_all, update

from warden.model import ManagedPolicy, PolicyScope, PolicyUsage, PolicyVersion, TaggedKind
from warden.store.errors import ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing, starts_with

__all__ = ["PoliciesMixin"]

_p = s.managed_policies.c
_v = s.policy_versions.c
_ATTACHMENTS = (
    (s.user_policy_attachments, s.users, s.users.c.user_id),
    (s.group_policy_attachments, s.groups, s.groups.c.group_id),
    (s.role_policy_attachments, s.roles, s.roles.c.role_id),
)


def _visible_to(account_id: str) -> ColumnElement[bool]:
    """Policies an account can see: its own, and every AWS managed policy."""
    return (_p.account_id == account_id) | (_p.aws_managed == true())


def _attachments_in(account_id: str) -> Any:
    """(policy_id) rows, one per attachment to an identity of the account."""
    return union_all(
        *(
            select(table.c.policy_id)
            .join(owner, owner_id == table.c.owner_id)
            .where(owner.c.account_id == account_id)
            for table, owner, owner_id in _ATTACHMENTS
        )
    ).subquery()


def _boundary_in(account_id: str) -> ColumnElement[bool]:
    """The policy is the permissions boundary of some user or role of the account."""
    return or_(
        *(
            exists().where(table.c.account_id == account_id, table.c.permissions_boundary_arn == _p.arn)
            for table in (s.users, s.roles)
        )
    )


class PoliciesMixin(SqlTransactionBase):
    def _policies(self, account_id: str, rows: Sequence[Row[Any]]) -> list[ManagedPolicy]:
        ids = [row._mapping["policy_id"] for row in rows]
        attachments: dict[str, int] = {}
        boundaries: dict[str, int] = {}
        if ids:
            counted = _attachments_in(account_id)
            attachments = {
                str(policy_id): int(count)
                for policy_id, count in (
                    self._conn.execute(
                        select(counted.c.policy_id, func.count())
                        .where(counted.c.policy_id.in_(ids))
                        .group_by(counted.c.policy_id)
                    ).all()
                )
            }
            arns = [row._mapping["arn"] for row in rows]
            for table in (s.users, s.roles):
                column = table.c.permissions_boundary_arn
                for arn, count in self._conn.execute(
                    select(column, func.count())
                    .where(table.c.account_id == account_id, column.in_(arns))
                    .group_by(column)
                ).all():
                    boundaries[arn] = boundaries.get(arn, 0) + count
        tags = self._load_tags(TaggedKind.POLICY, ids)
        return [
            ManagedPolicy(
                policy_id=m["policy_id"],
                account_id=m["account_id"],
                name=m["name"],
                path=m["path"],
                arn=m["arn"],
                create_date=m["create_date"],
                update_date=m["update_date"],
                default_version_id=m["default_version_id"],
                attachment_count=attachments.get(m["policy_id"], 0),
                permissions_boundary_usage_count=boundaries.get(m["arn"], 0),
                is_attachable=m["is_attachable"],
                description=m["description"],
                aws_managed=m["aws_managed"],
                tags=tags[m["policy_id"]],
            )
            for m in (row._mapping for row in rows)
        ]

    def _policy_row(self, account_id: str, arn: str) -> Row[Any]:
        if names_nothing(arn):
            raise NotFound("policy", arn)
        row = self._conn.execute(
            select(s.managed_policies).where(_p.arn == arn, _visible_to(account_id))
        ).first()
        if row is None:
            raise NotFound("policy", arn)
        return row

    def _policy_id(self, account_id: str, arn: str) -> str:
        return str(self._policy_row(account_id, arn)._mapping["policy_id"])

    def create_policy(self, policy: ManagedPolicy, document: str) -> PolicyVersion:
        if not policy.aws_managed:
            self._require_account(policy.account_id)
        self._insert_unique(
            s.managed_policies.insert().values(
                policy_id=policy.policy_id,
                account_id=policy.account_id,
                name=policy.name,
                name_lower=policy.name.lower(),
                path=policy.path,
                arn=policy.arn,
                create_date=policy.create_date,
                update_date=policy.create_date,
                default_version_id="v1",
                last_version_number=1,
                is_attachable=policy.is_attachable,
                description=policy.description,
                aws_managed=policy.aws_managed,
            ),
            "policy",
            policy.name,
        )
        self._conn.execute(
            s.policy_versions.insert().values(
                policy_id=policy.policy_id,
                version_id="v1",
                version_number=1,
                document=document,
                create_date=policy.create_date,
            )
        )
        self._write_tags(TaggedKind.POLICY, policy.policy_id, policy.tags)
        self._bump(policy.account_id)
        return PolicyVersion(policy.arn, "v1", document, True, policy.create_date)

    def get_policy(self, account_id: str, arn: str) -> ManagedPolicy | None:
        if names_nothing(arn):
            return None
        row = self._conn.execute(
            select(s.managed_policies).where(_p.arn == arn, _visible_to(account_id))
        ).first()
        return None if row is None else self._policies(account_id, [row])[0]

    def list_policies(
        self,
        account_id: str,
        scope: PolicyScope = PolicyScope.ALL,
        only_attached: bool = False,
        path_prefix: str = "/",
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        usage: PolicyUsage | None = None,
    ) -> Page[ManagedPolicy]:
        if scope is PolicyScope.AWS:
            visible = _p.aws_managed == true()
        elif scope is PolicyScope.LOCAL:
            visible = (_p.account_id == account_id) & (_p.aws_managed != true())
        else:
            visible = _visible_to(account_id)
        statement = select(s.managed_policies).where(visible, starts_with(_p.path, path_prefix))
        if only_attached or usage is PolicyUsage.PERMISSIONS_POLICY:
            attached = _attachments_in(account_id)
            statement = statement.where(exists().where(attached.c.policy_id == _p.policy_id))
        if usage is PolicyUsage.PERMISSIONS_BOUNDARY:
            statement = statement.where(_boundary_in(account_id))
        return self._page(
            statement,
            [_p.name_lower, _p.policy_id],
            marker,
            max_items,
            lambda rows: self._policies(account_id, rows),
        )

    def delete_policy(self, account_id: str, arn: str) -> None:
        row = self._policy_row(account_id, arn)._mapping
        policy_id = row["policy_id"]
        for table, _, _ in _ATTACHMENTS:
            if self._exists(table.c.policy_id == policy_id):
                raise ConflictDeleting("policy", arn, Dependent.POLICY_ATTACHMENTS)
        if self._exists((_v.policy_id == policy_id) & (_v.version_id != row["default_version_id"])):
            raise ConflictDeleting("policy", arn, Dependent.POLICY_VERSIONS)
        self._conn.execute(s.policy_versions.delete().where(_v.policy_id == policy_id))
        self._delete_tags(TaggedKind.POLICY, policy_id)
        self._conn.execute(s.managed_policies.delete().where(_p.policy_id == policy_id))
        self._bump(row["account_id"])

    def count_policies(self, account_id: str) -> int:
        return self._count(select(_p.policy_id).where(_p.account_id == account_id, _p.aws_managed != true()))

    def create_policy_version(
        self, account_id: str, arn: str, document: str, set_as_default: bool, create_date: datetime
    ) -> PolicyVersion:
        row = self._policy_row(account_id, arn)._mapping
        number = row["last_version_number"] + 1
        version_id = f"v{number}"
        self._conn.execute(
            s.policy_versions.insert().values(
                policy_id=row["policy_id"],
                version_id=version_id,
                version_number=number,
                document=document,
                create_date=create_date,
            )
        )
        values: dict[str, Any] = {"last_version_number": number, "update_date": create_date}
        if set_as_default:
            values["default_version_id"] = version_id
        self._conn.execute(
            update(s.managed_policies).where(_p.policy_id == row["policy_id"]).values(**values)
        )
        self._bump(row["account_id"])
        return PolicyVersion(arn, version_id, document, set_as_default, create_date)

    def get_policy_version(self, account_id: str, arn: str, version_id: str) -> PolicyVersion | None:
        if names_nothing(arn) or names_nothing(version_id):
            return None
        policy = self._conn.execute(
            select(s.managed_policies).where(_p.arn == arn, _visible_to(account_id))
        ).first()
        if policy is None:
            return None
        m = policy._mapping
        row = self._conn.execute(
            select(s.policy_versions).where(_v.policy_id == m["policy_id"], _v.version_id == version_id)
        ).first()
        if row is None:
            return None
        v = row._mapping
        return PolicyVersion(
            arn, v["version_id"], v["document"], v["version_id"] == m["default_version_id"], v["create_date"]
        )

    def list_policy_versions(self, account_id: str, arn: str) -> tuple[PolicyVersion, ...]:
        m = self._policy_row(account_id, arn)._mapping
        rows = self._conn.execute(
            select(s.policy_versions).where(_v.policy_id == m["policy_id"]).order_by(_v.version_number.desc())
        ).all()
        return tuple(
            PolicyVersion(
                arn,
                v["version_id"],
                v["document"],
                v["version_id"] == m["default_version_id"],
                v["create_date"],
            )
            for v in (row._mapping for row in rows)
        )

    def set_default_policy_version(self, account_id: str, arn: str, version_id: str) -> None:
        m = self._policy_row(account_id, arn)._mapping
        if not self._exists((_v.policy_id == m["policy_id"]) & (_v.version_id == version_id)):
            raise NotFound("policy version", f"{arn} {version_id}")
        self._conn.execute(
            update(s.managed_policies)
            .where(_p.policy_id == m["policy_id"])
            .values(default_version_id=version_id)
        )
        self._bump(m["account_id"])

    def delete_policy_version(self, account_id: str, arn: str, version_id: str) -> None:
        m = self._policy_row(account_id, arn)._mapping
        if version_id == m["default_version_id"]:
            raise ConflictDeleting("policy version", f"{arn} {version_id}", Dependent.DEFAULT_VERSION)
        result = self._conn.execute(
            s.policy_versions.delete().where(_v.policy_id == m["policy_id"], _v.version_id == version_id)
        )
        if result.rowcount == 0:
            raise NotFound("policy version", f"{arn} {version_id}")
        self._bump(m["account_id"])
