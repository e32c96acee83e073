"""Access keys and login profiles (secrets arrive and leave as ciphertext or hashes only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from warden.model import AccessKey, AccessKeyStatus, LoginProfile
from warden.store.errors import AlreadyExists, NotFound
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import schema as s
from warden.store.sqlalchemy.base import SqlTransactionBase, names_nothing

__all__ = ["CredentialsMixin"]

_k = s.access_keys.c
_l = s.login_profiles.c
_h = s.password_history.c


def _keys(rows: Sequence[Row[Any]]) -> list[AccessKey]:
    return [
        AccessKey(
            access_key_id=m["access_key_id"],
            account_id=m["account_id"],
            user_name=m["user_name"],
            status=AccessKeyStatus(m["status"]),
            create_date=m["create_date"],
            secret_ciphertext=bytes(m["secret_ciphertext"]),
            last_used_date=m["last_used_date"],
            last_used_service=m["last_used_service"],
            last_used_region=m["last_used_region"],
        )
        for m in (row._mapping for row in rows)
    ]


_KEY_SELECT = select(s.access_keys, s.users.c.name.label("user_name")).outerjoin(
    s.users, s.users.c.user_id == _k.user_id
)


class CredentialsMixin(SqlTransactionBase):
    def _key_owner(self, account_id: str, user_name: str | None) -> Any:
        """The owner filter: a user's keys, or (user_name None) the root user's own keys."""
        if user_name is None:
            return (_k.account_id == account_id) & _k.user_id.is_(None)
        return _k.user_id == self._user_id(account_id, user_name)

    def create_access_key(self, key: AccessKey) -> None:
        user_id = None if key.user_name is None else self._user_id(key.account_id, key.user_name)
        self._insert_unique(
            s.access_keys.insert().values(
                access_key_id=key.access_key_id,
                account_id=key.account_id,
                user_id=user_id,
                status=key.status.value,
                create_date=key.create_date,
                secret_ciphertext=key.secret_ciphertext,
                last_used_date=key.last_used_date,
                last_used_service=key.last_used_service,
                last_used_region=key.last_used_region,
            ),
            "access key",
            key.access_key_id,
        )
        self._bump(key.account_id)

    def get_access_key(self, access_key_id: str) -> AccessKey | None:
        row = self._conn.execute(_KEY_SELECT.where(_k.access_key_id == access_key_id)).first()
        return None if row is None else _keys([row])[0]

    def list_access_keys(
        self,
        account_id: str,
        user_name: str | None,
        marker: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[AccessKey]:
        return self._page(
            _KEY_SELECT.where(self._key_owner(account_id, user_name)),
            [_k.access_key_id],
            marker,
            max_items,
            _keys,
        )

    def set_access_key_status(self, account_id: str, access_key_id: str, status: AccessKeyStatus) -> None:
        result = self._conn.execute(
            update(s.access_keys)
            .where(_k.access_key_id == access_key_id, _k.account_id == account_id)
            .values(status=status.value)
        )
        if result.rowcount == 0:
            raise NotFound("access key", access_key_id)
        self._bump(account_id)

    def record_access_key_use(self, access_key_id: str, when: datetime, service: str, region: str) -> None:
        self._conn.execute(
            update(s.access_keys)
            .where(_k.access_key_id == access_key_id)
            .values(last_used_date=when, last_used_service=service, last_used_region=region)
        )

    def delete_access_key(self, account_id: str, access_key_id: str) -> None:
        result = self._conn.execute(
            s.access_keys.delete().where(_k.access_key_id == access_key_id, _k.account_id == account_id)
        )
        if result.rowcount == 0:
            raise NotFound("access key", access_key_id)
        self._bump(account_id)

    def count_access_keys(self, account_id: str, user_name: str | None) -> int:
        return self._count(select(_k.access_key_id).where(self._key_owner(account_id, user_name)))

    def create_login_profile(self, account_id: str, profile: LoginProfile) -> None:
        user_id = self._user_id(account_id, profile.user_name)
        if self._exists(_l.user_id == user_id):
            raise AlreadyExists("login profile", profile.user_name)
        self._insert_unique(
            s.login_profiles.insert().values(
                user_id=user_id,
                password_hash=profile.password_hash,
                password_reset_required=profile.password_reset_required,
                create_date=profile.create_date,
                password_set_date=profile.password_set_date,
                failed_signins=profile.failed_signins,
                locked_until=profile.locked_until,
            ),
            "login profile",
            profile.user_name,
        )
        self._bump(account_id)

    def get_login_profile(self, account_id: str, user_name: str) -> LoginProfile | None:
        if names_nothing(user_name):
            return None
        row = self._conn.execute(
            select(s.login_profiles, s.users.c.name)
            .join(s.users, s.users.c.user_id == _l.user_id)
            .where(s.users.c.account_id == account_id, s.users.c.name_lower == user_name.lower())
        ).first()
        if row is None:
            return None
        m = row._mapping
        return LoginProfile(
            user_name=m["name"],
            password_hash=m["password_hash"],
            create_date=m["create_date"],
            password_reset_required=m["password_reset_required"],
            password_set_date=m["password_set_date"],
            failed_signins=m["failed_signins"] or 0,
            locked_until=m["locked_until"],
        )

    def update_login_profile(self, account_id: str, profile: LoginProfile) -> None:
        user_id = self._user_id(account_id, profile.user_name)
        result = self._conn.execute(
            update(s.login_profiles)
            .where(_l.user_id == user_id)
            .values(
                password_hash=profile.password_hash,
                password_reset_required=profile.password_reset_required,
                password_set_date=profile.password_set_date,
            )
        )
        if result.rowcount == 0:
            raise NotFound("login profile", profile.user_name)
        self._bump(account_id)

    def delete_login_profile(self, account_id: str, user_name: str) -> None:
        user_id = self._user_id(account_id, user_name)
        result = self._conn.execute(s.login_profiles.delete().where(_l.user_id == user_id))
        if result.rowcount == 0:
            raise NotFound("login profile", user_name)
        self._conn.execute(s.password_history.delete().where(_h.user_id == user_id))
        self._bump(account_id)

    def record_signin_result(
        self, account_id: str, user_name: str, failed_signins: int, locked_until: datetime | None
    ) -> None:
        user_id = self._user_id(account_id, user_name)
        result = self._conn.execute(
            update(s.login_profiles)
            .where(_l.user_id == user_id)
            .values(failed_signins=failed_signins, locked_until=locked_until)
        )
        if result.rowcount == 0:
            raise NotFound("login profile", user_name)

    def add_password_history(self, account_id: str, user_name: str, set_date: datetime, password_hash: str) -> None:
        user_id = self._user_id(account_id, user_name)
        self._conn.execute(
            s.password_history.insert().values(user_id=user_id, set_date=set_date, password_hash=password_hash)
        )

    def list_password_history(self, account_id: str, user_name: str, limit: int) -> list[str]:
        user_id = self._user_id(account_id, user_name)
        rows = self._conn.execute(
            select(_h.password_hash).where(_h.user_id == user_id).order_by(_h.set_date.desc()).limit(limit)
        )
        return [row.password_hash for row in rows]

    def trim_password_history(self, account_id: str, user_name: str, keep: int) -> None:
        user_id = self._user_id(account_id, user_name)
        statement = s.password_history.delete().where(_h.user_id == user_id)
        if keep > 0:
            oldest_kept = self._conn.execute(
                select(_h.set_date)
                .where(_h.user_id == user_id)
                .order_by(_h.set_date.desc())
                .offset(keep - 1)
                .limit(1)
            ).first()
            if oldest_kept is None:
                return  # fewer than `keep` remembered
            statement = statement.where(_h.set_date < oldest_kept.set_date)
        self._conn.execute(statement)
