"""`warden.policy.__all__` is honest: every name exists, and every public module's names are reachable."""

from __future__ import annotations

import importlib
import pkgutil

from warden import policy


def test_every_listed_name_is_importable() -> None:
    for name in policy.__all__:
        assert getattr(policy, name) is not None
    assert len(set(policy.__all__)) == len(policy.__all__)


def test_facade_names_cover_the_engine_entry_points() -> None:
    for name in (
        "parse_policy",
        "validate_policy",
        "Policy",
        "PolicyKind",
        "Request",
        "PolicySet",
        "compile_policy",
        "compile_policy_set",
        "decide",
        "Decision",
        "authorize",
        "MalformedPolicyDocument",
        "InvalidAuthorizationRequest",
    ):
        assert name in policy.__all__


def test_every_public_module_declares_all() -> None:
    for info in pkgutil.walk_packages(policy.__path__, prefix="warden.policy."):
        if info.name.rsplit(".", 1)[1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{info.name} has no __all__"
        for name in exported:
            assert hasattr(module, name), f"{info.name}.__all__ lists missing {name}"
