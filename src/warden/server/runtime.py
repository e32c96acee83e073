"""Everything a running server holds, built once from Settings (the composition root)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import datetime

from warden.audit import AuditRecorder, DigestSigner
from warden.audit.alerts import AlertEngine
from warden.auth.authorization_messages import authorization_message_keyring_for
from warden.auth.passwords import PasswordHasher
from warden.auth.secretbox import MasterKey, SecretBox
from warden.auth.signing_keys import SigningKeyCache
from warden.auth.token_keys import token_keyring_for
from warden.clock import Clock, SystemClock
from warden.config import DEFAULT_MOCK_ACCOUNT_ID, Settings
from warden.ids import IdGenerator
from warden.server.change_listener import PostgresChangeListener, is_postgres_url
from warden.services import bootstrap
from warden.services.authorize import Authorizer
from warden.services.change_feed import ChangeFeed
from warden.services.credentials import CredentialResolver
from warden.services.environment import ServiceEnvironment
from warden.services.key_usage import KeyUsageRecorder
from warden.services.role_usage import RoleUsageRecorder
from warden.store import AlreadyExists, Store, open_store

__all__ = ["Runtime"]


@dataclass
class Runtime:
    settings: Settings
    store: Store
    env: ServiceEnvironment
    feed: ChangeFeed
    credentials: CredentialResolver
    signing_keys: SigningKeyCache
    clock: Clock
    key_usage: KeyUsageRecorder
    audit: AuditRecorder
    alerts: AlertEngine
    role_usage: RoleUsageRecorder
    listener: PostgresChangeListener | None = None
    _envs: dict[str, ServiceEnvironment] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> Runtime:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        env_vars = dict(os.environ)
        if settings.master_key_b64:
            env_vars["WARDEN_MASTER_KEY"] = settings.master_key_b64
        if settings.previous_master_keys_b64:
            env_vars["WARDEN_MASTER_KEY_PREVIOUS"] = settings.previous_master_keys_b64
        master = MasterKey.load(settings.data_dir, env_vars)
        masters = [master, *MasterKey.load_previous(env_vars)]
        secrets = SecretBox(masters)
        store = open_store(settings.effective_database_url, settings.database_pool_size)
        feed = ChangeFeed()
        env = ServiceEnvironment(
            partition=settings.partition,
            authorizer=Authorizer(feed),
            ids=IdGenerator(),
            secrets=secrets,
            passwords=PasswordHasher(),
            mock=settings.mock,
            tokens=token_keyring_for(*masters),
            authorization_messages=authorization_message_keyring_for(*masters),
        )
        listener = None
        if is_postgres_url(settings.effective_database_url):
            listener = PostgresChangeListener(settings.effective_database_url, feed)
            listener.start()
        clock = clock or SystemClock()
        audit = AuditRecorder(store, DigestSigner(master, previous=masters[1:]), clock, seal_interval=settings.audit_seal_interval)
        # In mock mode every call made without keys warden issued is the root user's: alerting
        # on each would bury the log. A rules file that enables the rule still gets it.
        quiet = frozenset({"root-user-activity"}) if settings.mock else frozenset()
        alerts = AlertEngine.from_data_dir(settings.data_dir, off_by_default=quiet)
        audit.add_listener(alerts.offer)
        audit.start()
        return cls(
            audit=audit,
            alerts=alerts,
            listener=listener,
            settings=settings,
            store=store,
            env=env,
            feed=feed,
            credentials=CredentialResolver(store, secrets, feed, settings.partition, env.tokens),
            signing_keys=SigningKeyCache(),
            clock=clock,
            key_usage=KeyUsageRecorder(store),
            role_usage=RoleUsageRecorder(store),
        )

    def env_for_partition(self, partition: str) -> ServiceEnvironment:
        if partition == self.env.partition:
            return self.env
        found = self._envs.get(partition)
        if found is None:
            found = dataclasses.replace(self.env, partition=partition)
            self._envs[partition] = found
        return found

    def now(self) -> datetime:
        return self.clock.now()

    def ensure_mock_account(self) -> None:
        """Mock mode's default account, created on demand (and again after a reset)."""
        if bootstrap.account_exists(self.store, DEFAULT_MOCK_ACCOUNT_ID):
            return
        try:
            bootstrap.create_account(
                self.store,
                self.env.ids,
                self.env.secrets,
                self.now(),
                account_id=DEFAULT_MOCK_ACCOUNT_ID,
                with_root_key=False,
            )
        except AlreadyExists:
            pass  # another request created it first

    def close(self) -> None:
        self.audit.close()
        self.alerts.close()
        if self.listener is not None:
            self.listener.stop()
        self.store.close()

    def reset(self) -> None:
        """Wipe all state (mock mode's `POST /moto-api/reset`)."""
        self.audit.flush()
        self.store.wipe()
        self.feed.bump()
        self.ensure_mock_account()
