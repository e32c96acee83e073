"""Shared machinery of the SQL transaction: the connection, the change counter, unique inserts,
entity lookups by name, keyset pages and tag loading. Each area module builds on this."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Executable,
    Row,
    Select,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from warden.model import PrincipalKind, Tag, TaggedKind
from warden.store.errors import AlreadyExists, InvalidMarker, NotFound
from warden.store.pagination import Page, decode_marker, encode_marker
from warden.store.sqlalchemy import schema as s
from warden.text import storable

__all__ = ["NOTIFY_CHANNEL", "SqlTransactionBase", "names_nothing", "starts_with"]

T = TypeVar("T")

NOTIFY_CHANNEL = "warden_changes"
"""PostgreSQL channel notified (payload: account id) when an account's change counter moves."""

MAX_PAGE = 1000
"""AWS caps IAM `MaxItems` at 1000."""

_OWNER_TABLES = {
    PrincipalKind.USER: (s.users, s.users.c.user_id),
    PrincipalKind.GROUP: (s.groups, s.groups.c.group_id),
    PrincipalKind.ROLE: (s.roles, s.roles.c.role_id),
}

# Built once (an expanding IN takes the list at execution): constructing a statement costs more
# than running it on SQLite's hot cache.
_TAGS_OF = (
    select(s.tags.c.resource_id, s.tags.c.key, s.tags.c.value)
    .where(s.tags.c.resource_kind == bindparam("kind"), s.tags.c.resource_id.in_(bindparam("ids", expanding=True)))
    .order_by(s.tags.c.resource_id, s.tags.c.key_lower)
)
# One resource's tags, the common case: an expanding IN is rendered anew at every execution.
_TAGS_OF_ONE = (
    select(s.tags.c.resource_id, s.tags.c.key, s.tags.c.value)
    .where(s.tags.c.resource_kind == bindparam("kind"), s.tags.c.resource_id == bindparam("id"))
    .order_by(s.tags.c.key_lower)
)


def names_nothing(key: str) -> bool:
    """Whether a name or ARN to look up holds what no stored one does (a NUL, a lone surrogate;
    see warden.text): PostgreSQL would refuse the query, and neither driver can encode a lone
    surrogate, where the answer is simply no row. Such a key comes only from an ARN, which has
    no pattern to validate it by (`PolicyArn=arn:aws:iam::123456789012:policy/a%00b`)."""
    return not storable(key)


class SqlTransactionBase:
    """State and helpers of one open database transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"
        self._bumped: set[str] = set()

    # -- change tracking ---------------------------------------------------------------------

    @property
    def changed_permissions(self) -> bool:
        """Whether this transaction changed anything authorization depends on."""
        return bool(self._bumped)

    def _bump(self, account_id: str) -> None:
        """Advance the account's change counter once per transaction, and on PostgreSQL queue a
        NOTIFY that is delivered only if the transaction commits."""
        if account_id in self._bumped:
            return
        self._conn.execute(
            update(s.accounts)
            .where(s.accounts.c.account_id == account_id)
            .values(change_counter=s.accounts.c.change_counter + 1)
        )
        if self._postgres:
            self._conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": account_id},
            )
        self._bumped.add(account_id)

    # -- writes ------------------------------------------------------------------------------

    def _insert_unique(self, statement: Executable, kind: str, name: str) -> None:
        """Run an insert inside a savepoint, turning a uniqueness violation into AlreadyExists
        while leaving the surrounding transaction usable (PostgreSQL aborts it otherwise)."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(statement)
        except IntegrityError as exc:
            raise AlreadyExists(kind, name) from exc

    # -- reads -------------------------------------------------------------------------------

    def _exists(self, condition: ColumnElement[bool]) -> bool:
        return bool(self._conn.execute(select(exists().where(condition))).scalar())

    def _count(self, statement: Select[Any]) -> int:
        return int(self._conn.execute(select(func.count()).select_from(statement.subquery())).scalar_one())

    def _require_account(self, account_id: str) -> None:
        if not self._exists(s.accounts.c.account_id == account_id):
            raise NotFound("account", account_id)

    def _owner_row(self, account_id: str, kind: PrincipalKind, name: str) -> Row[Any]:
        """The row of a user, group or role by name (case-insensitively), or NotFound."""
        if names_nothing(name):
            raise NotFound(kind.value, name)
        table, _ = _OWNER_TABLES[kind]
        row = self._conn.execute(
            select(table).where(table.c.account_id == account_id, table.c.name_lower == name.lower())
        ).first()
        if row is None:
            raise NotFound(kind.value, name)
        return row

    def _owner_id(self, account_id: str, kind: PrincipalKind, name: str) -> str:
        _, id_column = _OWNER_TABLES[kind]
        return str(self._owner_row(account_id, kind, name)._mapping[id_column.name])

    def _user_id(self, account_id: str, name: str) -> str:
        return self._owner_id(account_id, PrincipalKind.USER, name)

    def _page(
        self,
        statement: Select[Any],
        keys: Sequence[ColumnElement[Any]],
        marker: str | None,
        max_items: int,
        convert: Callable[[Sequence[Row[Any]]], Sequence[T]],
    ) -> Page[T]:
        """Keyset pagination ordered by `keys` (the last key must be unique)."""
        if not 1 <= max_items <= MAX_PAGE:
            raise ValueError(f"max_items must be between 1 and {MAX_PAGE}, got {max_items}")
        if marker is not None:
            values = decode_marker(marker, len(keys))
            if not all(isinstance(value, str) for value in values):
                raise InvalidMarker(marker)
            statement = statement.where(_after(keys, values))
        rows = self._conn.execute(statement.order_by(*keys).limit(max_items + 1)).all()
        truncated = len(rows) > max_items
        rows = rows[:max_items]
        next_marker = None
        if truncated:
            last = rows[-1]._mapping
            next_marker = encode_marker([str(last[key]) for key in keys])
        return Page(items=tuple(convert(rows)), marker=next_marker, is_truncated=truncated)

    # -- tags --------------------------------------------------------------------------------

    def _load_tags(self, kind: TaggedKind, resource_ids: Iterable[str]) -> dict[str, tuple[Tag, ...]]:
        ids = list(resource_ids)
        found: dict[str, list[Tag]] = {resource_id: [] for resource_id in ids}
        if len(ids) == 1:
            rows = self._conn.execute(_TAGS_OF_ONE, {"kind": kind.value, "id": ids[0]}).all()
        elif ids:
            rows = self._conn.execute(_TAGS_OF, {"kind": kind.value, "ids": ids}).all()
        else:
            rows = []
        for resource_id, key, value in rows:
            found[resource_id].append(Tag(key=key, value=value))
        return {resource_id: tuple(tags) for resource_id, tags in found.items()}

    def _write_tags(self, kind: TaggedKind, resource_id: str, tags: Iterable[Tag]) -> None:
        """Upsert tags; an existing key (any case) keeps its spelling and takes the new value."""
        for tag in tags:
            key_lower = tag.key.lower()
            condition = and_(
                s.tags.c.resource_kind == kind.value,
                s.tags.c.resource_id == resource_id,
                s.tags.c.key_lower == key_lower,
            )
            if self._exists(condition):
                self._conn.execute(update(s.tags).where(condition).values(value=tag.value))
            else:
                self._conn.execute(
                    s.tags.insert().values(
                        resource_kind=kind.value,
                        resource_id=resource_id,
                        key=tag.key,
                        key_lower=key_lower,
                        value=tag.value,
                    )
                )

    def _delete_tags(self, kind: TaggedKind, resource_id: str) -> None:
        self._conn.execute(
            s.tags.delete().where(s.tags.c.resource_kind == kind.value, s.tags.c.resource_id == resource_id)
        )


def _after(keys: Sequence[ColumnElement[Any]], values: Sequence[Any]) -> ColumnElement[bool]:
    """Row-value comparison `(k1, k2, ...) > (v1, v2, ...)`, spelled out for SQLite."""
    condition: ColumnElement[bool] = keys[-1] > values[-1]
    for key, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        condition = or_(key > value, and_(key == value, condition))
    return condition


def starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """A literal, case-sensitive prefix match (no wildcards): `PathPrefix` filtering, ARN
    prefixes. The LIKE can use an index; comparing the leading characters keeps case, which
    SQLite's LIKE ignores (PostgreSQL's does not)."""
    return and_(column.startswith(prefix, autoescape=True), func.substr(column, 1, len(prefix)) == prefix)
