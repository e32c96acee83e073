"""Loaded service models shared by the protocol tests."""

from __future__ import annotations

import pytest

from warden.protocol import Service, load_service


@pytest.fixture(scope="session")
def iam() -> Service:
    return load_service("iam")


@pytest.fixture(scope="session")
def sts() -> Service:
    return load_service("sts")


@pytest.fixture(scope="session")
def cloudtrail() -> Service:
    return load_service("cloudtrail")
