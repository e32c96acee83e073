"""Accounts and their root users: the first start of a server, `warden account create`, mock mode.

A new account gets a root access key (sealed at rest; the plaintext is handed back once, to be
written to the user's shared-credentials file) and sees AWS managed policies.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warden.auth.keys import new_access_key
from warden.auth.secretbox import SecretBox
from warden.ids import IdGenerator
from warden.model import AccessKey, AccessKeyStatus, Account
from warden.services.iam.policies_aws import install_aws_managed_policies
from warden.store import Store, Transaction

__all__ = [
    "NewAccount",
    "account_exists",
    "create_account",
    "ensure_first_account",
    "first_account_id",
    "install_aws_managed",
    "write_credentials_files",
]


@dataclass(frozen=True, slots=True)
class NewAccount:
    account_id: str
    access_key_id: str
    secret_access_key: str = field(repr=False)


def install_aws_managed(tx: Transaction, ids: IdGenerator, now: datetime) -> None:
    """AWS managed policies (idempotent)."""
    install_aws_managed_policies(tx, ids, now)


def first_account_id(store: Store) -> str | None:
    with store.transaction(readonly=True) as tx:
        page = tx.list_accounts(max_items=1)
    return page.items[0].account_id if page.items else None


def account_exists(store: Store, account_id: str) -> bool:
    with store.transaction(readonly=True) as tx:
        return tx.get_account(account_id) is not None


def create_account(
    store: Store,
    ids: IdGenerator,
    secrets: SecretBox,
    now: datetime,
    *,
    account_id: str | None = None,
    partition: str = "aws",
    with_root_key: bool = True,
) -> NewAccount | None:
    """Create an account (random 12-digit id unless given) with a root access key.

    Returns None without a key when `with_root_key` is false. Raises AlreadyExists("account").
    """
    chosen = account_id or ids.account_id()
    with store.transaction() as tx:
        tx.create_account(Account(account_id=chosen, create_date=now, partition=partition))
        install_aws_managed(tx, ids, now)
        if not with_root_key:
            return None
        pair = new_access_key(ids)
        sealed = secrets.seal(pair.secret_access_key, record=pair.access_key_id)
        tx.create_access_key(
            AccessKey(
                access_key_id=pair.access_key_id,
                account_id=chosen,
                user_name=None,
                status=AccessKeyStatus.ACTIVE,
                create_date=now,
                secret_ciphertext=sealed.encode("ascii"),
            )
        )
    return NewAccount(chosen, pair.access_key_id, pair.secret_access_key)


def _write_private(path: Path, parser: configparser.ConfigParser) -> None:
    """Write an INI file readable by its owner only (0600), created that way (no window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        parser.write(handle)
    os.chmod(path, 0o600)


def write_credentials_files(
    data_dir: Path,
    account: NewAccount,
    *,
    profile: str,
    endpoint_url: str,
    region: str,
) -> tuple[Path, Path]:
    """Add `profile` to DIR/credentials (0600) and DIR/config, keeping other profiles."""
    credentials_path = data_dir / "credentials"
    config_path = data_dir / "config"
    credentials = configparser.ConfigParser()
    credentials.read(credentials_path)
    credentials[profile] = {
        "aws_access_key_id": account.access_key_id,
        "aws_secret_access_key": account.secret_access_key,
    }
    _write_private(credentials_path, credentials)
    config = configparser.ConfigParser()
    config.read(config_path)
    section = "default" if profile == "default" else f"profile {profile}"
    config[section] = {"region": region, "endpoint_url": endpoint_url}
    _write_private(config_path, config)
    return credentials_path, config_path




def ensure_first_account(
    store: Store,
    ids: IdGenerator,
    secrets: SecretBox,
    now: datetime,
    *,
    data_dir: Path,
    endpoint_url: str,
    region: str,
    partition: str = "aws",
    account_id: str | None = None,
) -> tuple[NewAccount, Path, Path] | None:
    """On an empty store: the first account, its root key written to DATA/credentials and
    DATA/config. On a store that has an account: nothing (a restart keeps everything)."""
    if first_account_id(store) is not None:
        return None
    created = create_account(store, ids, secrets, now, account_id=account_id, partition=partition)
    assert created is not None
    credentials, config = write_credentials_files(
        data_dir, created, profile="default", endpoint_url=endpoint_url, region=region
    )
    return created, credentials, config
