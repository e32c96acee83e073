"""AWS wire errors: one class per error code, raised anywhere below the server and encoded at the edge.

    AwsError (code, http_status, sender_fault, message)
    ├── client errors (sender_fault=True): AccessDenied, ValidationError, NoSuchEntity, ...
    │   └── authentication errors: MissingAuthenticationToken, IncompleteSignature, ...
    └── server errors (sender_fault=False): ServiceFailure, ServiceUnavailable
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AccessDenied",
    "AwsError",
    "ConcurrentModification",
    "DeleteConflict",
    "EntityAlreadyExists",
    "EntityTemporarilyUnmodifiable",
    "ExpiredToken",
    "IncompleteSignature",
    "InvalidAction",
    "InvalidAuthenticationCode",
    "InvalidAuthorizationMessageException",
    "InvalidClientTokenId",
    "InvalidInput",
    "InvalidParameterCombination",
    "InvalidParameterValue",
    "InvalidUserType",
    "LimitExceeded",
    "MalformedPolicyDocument",
    "MalformedQueryString",
    "MissingAction",
    "MissingAuthenticationToken",
    "MissingParameter",
    "NoSuchEntity",
    "NotImplementedOperation",
    "PackedPolicyTooLarge",
    "PasswordPolicyViolation",
    "PolicyEvaluation",
    "PolicyNotAttachable",
    "RequestEntityTooLarge",
    "RequestExpired",
    "ServiceFailure",
    "SignatureDoesNotMatch",
    "Throttling",
    "UnmodifiableEntity",
    "ValidationError",
    "error_class_for_code",
]


class AwsError(Exception):
    """An error as AWS puts it on the wire: a code, an HTTP status, and who is at fault."""

    code: ClassVar[str] = "InternalFailure"
    http_status: ClassVar[int] = 500
    sender_fault: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def fault_type(self) -> str:
        """The `<Type>` element of an XML error: Sender or Receiver."""
        return "Sender" if self.sender_fault else "Receiver"


class _ClientError(AwsError):
    http_status = 400
    sender_fault = True


class AccessDenied(_ClientError):
    code = "AccessDenied"
    http_status = 403
    # Set by the authorizer: the sealed details of the denial (STS DecodeAuthorizationMessage).
    encoded_authorization_message: str | None = None


class ValidationError(_ClientError):
    code = "ValidationError"


class InvalidInput(_ClientError):
    code = "InvalidInput"


class InvalidParameterValue(_ClientError):
    code = "InvalidParameterValue"


class InvalidParameterCombination(_ClientError):
    code = "InvalidParameterCombination"


class MissingParameter(_ClientError):
    code = "MissingParameter"


class MissingAction(_ClientError):
    code = "MissingAction"


class MalformedQueryString(_ClientError):
    code = "MalformedQueryString"
    http_status = 404


class InvalidAction(_ClientError):
    code = "InvalidAction"


class RequestEntityTooLarge(_ClientError):
    """A request body over the size warden reads (the body is not read, so no Action is known)."""

    code = "RequestEntityTooLarge"
    http_status = 413


class NotImplementedOperation(_ClientError):
    """An operation AWS has that warden does not implement yet; names the operation."""

    code = "NotImplemented"
    http_status = 501


class NoSuchEntity(_ClientError):
    code = "NoSuchEntity"
    http_status = 404


class EntityAlreadyExists(_ClientError):
    code = "EntityAlreadyExists"
    http_status = 409


class EntityTemporarilyUnmodifiable(_ClientError):
    code = "EntityTemporarilyUnmodifiable"
    http_status = 409


class DeleteConflict(_ClientError):
    code = "DeleteConflict"
    http_status = 409


class LimitExceeded(_ClientError):
    code = "LimitExceeded"
    http_status = 409


class ConcurrentModification(_ClientError):
    code = "ConcurrentModification"
    http_status = 409


class MalformedPolicyDocument(_ClientError):
    code = "MalformedPolicyDocument"


class PolicyNotAttachable(_ClientError):
    code = "PolicyNotAttachable"


class PolicyEvaluation(AwsError):
    code = "PolicyEvaluation"


class UnmodifiableEntity(_ClientError):
    code = "UnmodifiableEntity"


class PasswordPolicyViolation(_ClientError):
    code = "PasswordPolicyViolation"


class InvalidUserType(_ClientError):
    code = "InvalidUserType"


class InvalidAuthenticationCode(_ClientError):
    code = "InvalidAuthenticationCode"
    http_status = 403


class InvalidAuthorizationMessageException(_ClientError):
    """STS DecodeAuthorizationMessage: the message is not one this service encoded (or was altered)."""

    code = "InvalidAuthorizationMessageException"


class PackedPolicyTooLarge(_ClientError):
    code = "PackedPolicyTooLarge"


class Throttling(_ClientError):
    code = "Throttling"


# --- authentication (SigV4 and tokens) ---------------------------------------------------------


class MissingAuthenticationToken(_ClientError):
    code = "MissingAuthenticationToken"
    http_status = 403


class IncompleteSignature(_ClientError):
    code = "IncompleteSignature"


class SignatureDoesNotMatch(_ClientError):
    code = "SignatureDoesNotMatch"
    http_status = 403


class InvalidClientTokenId(_ClientError):
    code = "InvalidClientTokenId"
    http_status = 403


class RequestExpired(_ClientError):
    code = "RequestExpired"


class ExpiredToken(_ClientError):
    code = "ExpiredToken"


class ServiceFailure(AwsError):
    code = "ServiceFailure"


def _all_error_classes() -> dict[str, type[AwsError]]:
    found: dict[str, type[AwsError]] = {}
    pending: list[type[AwsError]] = [AwsError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__name__.startswith("_"):
            found.setdefault(cls.code, cls)
    return found


def error_class_for_code(code: str) -> type[AwsError]:
    """The class for a wire error code; unknown codes map to the base class."""
    return _all_error_classes().get(code, AwsError)
