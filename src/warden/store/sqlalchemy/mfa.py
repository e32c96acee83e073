"""Virtual MFA devices and their assignment to users."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select, update

from warden.model import MfaDevice, TaggedKind
from warden.store.errors import AlreadyExists, ConflictDeleting, Dependent, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing

__all__ = ["MfaMixin"]

_m = s.mfa_devices.c
_SELECT = select(s.mfa_devices, s.users.c.name.label("user_name")).outerjoin(
    s.users, s.users.c.user_id == _m.user_id
)


def _devices(rows: Sequence[Row[Any]]) -> list[MfaDevice]:
    return [
        MfaDevice(
            serial_number=m["serial_number"],
            account_id=m["account_id"],
            name=m["name"],
            path=m["path"],
            create_date=m["create_date"],
            seed_ciphertext=bytes(m["seed_ciphertext"]),
            user_name=m["user_name"],
            enable_date=m["enable_date"],
            last_used_step=m["last_used_step"],
            failed_attempts=int(m["failed_attempts"] or 0),
            throttled_until=m["throttled_until"],
            clock_offset_steps=int(m["clock_offset_steps"] or 0),
        )
        for m in (row._mapping for row in rows)
    ]


class MfaMixin(SqlTransactionBase):
    def create_mfa_device(self, device: MfaDevice) -> None:
        self._require_account(device.account_id)
        self._insert_unique(
            s.mfa_devices.insert().values(
                serial_number=device.serial_number,
                account_id=device.account_id,
                name=device.name,
                path=device.path,
                create_date=device.create_date,
                seed_ciphertext=device.seed_ciphertext,
            ),
            "mfa device",
            device.serial_number,
        )
        self._bump(device.account_id)

    def get_mfa_device(self, account_id: str, serial_number: str) -> MfaDevice | None:
        if names_nothing(serial_number):
            return None
        row = self._conn.execute(
            _SELECT.where(_m.account_id == account_id, _m.serial_number == serial_number)
        ).first()
        return None if row is None else _devices([row])[0]

    def list_mfa_devices(
        self,
        account_id: str,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        assigned: bool | None = None,
    ) -> Page[MfaDevice]:
        statement = _SELECT.where(_m.account_id == account_id)
        if user_name is not None:
            statement = statement.where(_m.user_id == self._user_id(account_id, user_name))
        if assigned is not None:
            statement = statement.where(_m.user_id.is_not(None) if assigned else _m.user_id.is_(None))
        return self._page(statement, [_m.serial_number], marker, max_items, _devices)

    def enable_mfa_device(self, account_id: str, serial_number: str, user_name: str, when: datetime) -> None:
        user_id = self._user_id(account_id, user_name)
        current = self._conn.execute(
            select(_m.user_id).where(_m.account_id == account_id, _m.serial_number == serial_number)
        ).first()
        if current is None:
            raise NotFound("mfa device", serial_number)
        if current.user_id is not None:
            raise AlreadyExists("mfa assignment", serial_number)
        self._conn.execute(
            update(s.mfa_devices)
            .where(_m.serial_number == serial_number)
            .values(user_id=user_id, enable_date=when)
        )
        self._bump(account_id)

    def deactivate_mfa_device(self, account_id: str, serial_number: str) -> None:
        result = self._conn.execute(
            update(s.mfa_devices)
            .where(_m.account_id == account_id, _m.serial_number == serial_number, _m.user_id.is_not(None))
            .values(user_id=None, enable_date=None)
        )
        if result.rowcount == 0:
            raise NotFound("mfa assignment", serial_number)
        self._bump(account_id)

    def delete_mfa_device(self, account_id: str, serial_number: str) -> None:
        current = self._conn.execute(
            select(_m.user_id).where(_m.account_id == account_id, _m.serial_number == serial_number)
        ).first()
        if current is None:
            raise NotFound("mfa device", serial_number)
        if current.user_id is not None:
            raise ConflictDeleting("mfa device", serial_number, Dependent.MFA_USER)
        self._delete_tags(TaggedKind.MFA_DEVICE, serial_number)
        self._conn.execute(s.mfa_devices.delete().where(_m.serial_number == serial_number))
        self._bump(account_id)

    def count_mfa_devices(self, account_id: str, user_name: str) -> int:
        user_id = self._user_id(account_id, user_name)
        return self._count(select(_m.serial_number).where(_m.user_id == user_id))

    def accept_mfa_step(self, account_id: str, serial_number: str, step: int) -> bool:
        # One conditional UPDATE, so two requests racing with the same code cannot both win.
        result = self._conn.execute(
            update(s.mfa_devices)
            .where(
                _m.account_id == account_id,
                _m.serial_number == serial_number,
                or_(_m.last_used_step.is_(None), _m.last_used_step < step),
            )
            .values(last_used_step=step, failed_attempts=0, throttled_until=None)
        )
        return bool(result.rowcount)

    def record_mfa_failure(
        self, account_id: str, serial_number: str, throttle_after: int, throttled_until: datetime
    ) -> int:
        where = (_m.account_id == account_id, _m.serial_number == serial_number)
        self._conn.execute(
            update(s.mfa_devices).where(*where).values(failed_attempts=_m.failed_attempts + 1)
        )
        count = self._conn.execute(select(_m.failed_attempts).where(*where)).scalar()
        if count is None:
            raise NotFound("mfa device", serial_number)
        if count >= throttle_after:
            self._conn.execute(update(s.mfa_devices).where(*where).values(throttled_until=throttled_until))
        return int(count)

    def reset_mfa_state(self, account_id: str, serial_number: str) -> None:
        self._conn.execute(
            update(s.mfa_devices)
            .where(_m.account_id == account_id, _m.serial_number == serial_number)
            .values(last_used_step=None, failed_attempts=0, throttled_until=None, clock_offset_steps=0)
        )

    def set_mfa_clock_offset(self, account_id: str, serial_number: str, offset_steps: int) -> None:
        self._conn.execute(
            update(s.mfa_devices)
            .where(_m.account_id == account_id, _m.serial_number == serial_number)
            .values(clock_offset_steps=offset_steps)
        )
