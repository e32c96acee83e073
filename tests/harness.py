"""A test harness that runs IAM/STS operations in-process, without HTTP.

Parameters go through the same botocore-model validation the server applies, then through
`warden.services.dispatch` against a fresh SQLite store, so handler tests exercise the real
authorization path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warden.auth.passwords import PasswordHasher
from warden.auth.secretbox import MasterKey, SecretBox
from warden.ids import IdGenerator, SeededRandomSource
from warden.model import Account
from warden.protocol import load_service, validate_input
from warden.services.authorize import Authorizer
from warden.services.call import RequestMeta
from warden.services.caller import Caller, CallerKind
from warden.services.change_feed import ChangeFeed
from warden.services.dispatch import HandlerTable, dispatch
from warden.services.environment import ServiceEnvironment
from warden.store import Store, open_store

ACCOUNT_ID = "111122223333"


def root_caller(account_id: str = ACCOUNT_ID, partition: str = "aws") -> Caller:
    return Caller(
        kind=CallerKind.ROOT,
        arn=f"arn:{partition}:iam::{account_id}:root",
        account_id=account_id,
        principal_id=account_id,
        access_key_id=None,
    )


@dataclass
class Harness:
    store: Store
    env: ServiceEnvironment
    feed: ChangeFeed
    handlers: dict[str, HandlerTable]
    account_id: str = ACCOUNT_ID
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 28, 12, 0, tzinfo=UTC))

    @property
    def root(self) -> Caller:
        return root_caller(self.account_id, self.env.partition)

    def user_caller(self, name: str) -> Caller:
        with self.store.transaction(readonly=True) as tx:
            user = tx.get_user(self.account_id, name)
        assert user is not None, f"no user {name}"
        return Caller.of_user(user, None)

    def call(
        self,
        operation: str,
        params: Mapping[str, Any] | None = None,
        *,
        caller: Caller | None = None,
        service: str = "iam",
        source_ip: str = "198.51.100.7",
    ) -> Mapping[str, Any]:
        """Run one operation as `caller` (root by default); raises warden.errors.AwsError."""
        model = load_service(service)
        op = model.find_operation(operation)
        assert op is not None, f"{service} has no operation {operation}"
        values = dict(params or {})
        validate_input(op, values)
        meta = RequestMeta(
            request_id="00000000-0000-4000-8000-000000000000",
            received_at=self.now,
            source_ip=source_ip,
            user_agent="warden-tests",
            secure_transport=False,
            region="us-east-1",
        )
        return dispatch(
            store=self.store,
            services=self.env,
            feed=self.feed,
            handlers=self.handlers[service],
            operation=operation,
            caller=caller or self.root,
            meta=meta,
            params=values,
        )


def make_harness(tmp_path: Path, handlers: dict[str, HandlerTable], url: str | None = None) -> Harness:
    """A harness on a fresh SQLite file, or on the empty database at `url`."""
    store = open_store(url or f"sqlite:///{tmp_path / 'warden.db'}")
    feed = ChangeFeed()
    env = ServiceEnvironment(
        partition="aws",
        authorizer=Authorizer(feed),
        ids=IdGenerator(SeededRandomSource("tests")),
        secrets=SecretBox(MasterKey.generate()),
        passwords=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    harness = Harness(store=store, env=env, feed=feed, handlers=handlers)
    with store.transaction() as tx:
        tx.create_account(Account(account_id=ACCOUNT_ID, create_date=harness.now))
    return harness
