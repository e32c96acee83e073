"""Builders of model values for the contract tests (fixed timestamps, random ids)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from warden.model import Account, Group, InstanceProfile, ManagedPolicy, Role, Tag, User
from warden.store import Store

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'


def _id(prefix: str) -> str:
    return prefix + secrets.token_hex(8).upper()


def new_account(store: Store) -> str:
    account_id = "".join(secrets.choice("0123456789") for _ in range(12))
    with store.transaction() as tx:
        tx.create_account(Account(account_id=account_id, create_date=NOW))
    return account_id


def user(account_id: str, name: str, path: str = "/", tags: tuple[Tag, ...] = ()) -> User:
    return User(
        _id("AIDA"), account_id, name, path, f"arn:aws:iam::{account_id}:user{path}{name}", NOW, tags=tags
    )


def group(account_id: str, name: str, path: str = "/") -> Group:
    return Group(_id("AGPA"), account_id, name, path, f"arn:aws:iam::{account_id}:group{path}{name}", NOW)


def role(account_id: str, name: str, path: str = "/", tags: tuple[Tag, ...] = ()) -> Role:
    return Role(
        _id("AROA"),
        account_id,
        name,
        path,
        f"arn:aws:iam::{account_id}:role{path}{name}",
        NOW,
        TRUST,
        tags=tags,
    )


def policy(account_id: str, name: str, path: str = "/") -> ManagedPolicy:
    arn = f"arn:aws:iam::{account_id}:policy{path}{name}"
    return ManagedPolicy(_id("ANPA"), account_id, name, path, arn, NOW, NOW)


def aws_policy(name: str) -> ManagedPolicy:
    return ManagedPolicy(
        _id("ANPA"), "aws", name, "/", f"arn:aws:iam::aws:policy/{name}", NOW, NOW, aws_managed=True
    )


def instance_profile(account_id: str, name: str) -> InstanceProfile:
    arn = f"arn:aws:iam::{account_id}:instance-profile/{name}"
    return InstanceProfile(_id("AIPA"), account_id, name, "/", arn, NOW)
