"""Errors the engine raises. The server translates them to AWS wire errors at the edge.

    PolicyError
    ├── MalformedPolicyDocument   a policy that AWS would reject (message in AWS's words, position)
    └── InvalidAuthorizationRequest  a request object that does not follow the spec (names the field)
"""

from __future__ import annotations

from .ast import Position

__all__ = ["InvalidAuthorizationRequest", "MalformedPolicyDocument", "PolicyError"]


class PolicyError(Exception):
    """Base of every error the policy engine raises."""


class MalformedPolicyDocument(PolicyError):
    """The document is not a valid policy of its kind; `message` is AWS's text."""

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None or not self.position.path:
            return self.message
        return f"{self.message} (at {self.position})"


class InvalidAuthorizationRequest(PolicyError):
    """An authorization request object is malformed; `field` names the offending member."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
