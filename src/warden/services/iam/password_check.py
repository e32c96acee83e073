"""Checking a new console password against the account password policy, or AWS's default one.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
Without a custom policy AWS requires at least 8 characters and three of the four character
classes; with one, every requirement it sets. Violations raise `PasswordPolicyViolation` with
AWS's sentences ("Password should have at least one uppercase letter", ...).
"""

from __future__ import annotations

from collections.abc import Callable

from warden.errors import PasswordPolicyViolation
from warden.model import PasswordPolicy

__all__ = ["DEFAULT_MINIMUM_LENGTH", "SYMBOLS", "check_password"]

SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
"""The nonalphanumeric characters IAM counts as symbols."""

DEFAULT_MINIMUM_LENGTH = 8
_DEFAULT_CLASSES_REQUIRED = 3


def _has_upper(password: str) -> bool:
    return any("A" <= ch <= "Z" for ch in password)


def _has_lower(password: str) -> bool:
    return any("a" <= ch <= "z" for ch in password)


def _has_number(password: str) -> bool:
    return any("0" <= ch <= "9" for ch in password)


def _has_symbol(password: str) -> bool:
    return any(ch in SYMBOLS for ch in password)


_CLASSES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("Password should have at least one uppercase letter", _has_upper),
    ("Password should have at least one lowercase letter", _has_lower),
    ("Password should have at least one number", _has_number),
    ("Password should have at least one symbol", _has_symbol),
)


def _length_rule(minimum: int) -> str:
    return f"Password should have a minimum length of {minimum}"


def check_password(password: str, policy: PasswordPolicy | None) -> None:
    """Return only if `password` satisfies `policy` (None: AWS's default policy)."""
    if policy is None:
        _check_default(password)
    else:
        _check_custom(password, policy)


def _check_default(password: str) -> None:
    if len(password) < DEFAULT_MINIMUM_LENGTH:
        raise PasswordPolicyViolation(_length_rule(DEFAULT_MINIMUM_LENGTH))
    missing = [rule for rule, present in _CLASSES if not present(password)]
    short_by = _DEFAULT_CLASSES_REQUIRED - (len(_CLASSES) - len(missing))
    if short_by > 0:
        raise PasswordPolicyViolation(
            f"Password should meet {short_by} more of the following requirements: {', '.join(missing)}"
        )


def _check_custom(password: str, policy: PasswordPolicy) -> None:
    required = (
        policy.require_uppercase_characters,
        policy.require_lowercase_characters,
        policy.require_numbers,
        policy.require_symbols,
    )
    failures = []
    if len(password) < policy.minimum_password_length:
        failures.append(_length_rule(policy.minimum_password_length))
    for (rule, present), needed in zip(_CLASSES, required, strict=True):
        if needed and not present(password):
            failures.append(rule)
    if failures:
        raise PasswordPolicyViolation(", ".join(failures))
