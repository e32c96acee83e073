"""AWS's exact texts for authentication failures, shared by SigV4 and session tokens.

Sources: AWS responses as recorded by SDK issue reports and server emulators, and the
common-errors pages (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

__all__ = [
    "BOTH_HEADER_AND_QUERY_MESSAGE",
    "EXPIRED_TOKEN_MESSAGE",
    "HOST_NOT_SIGNED_MESSAGE",
    "INVALID_CLIENT_TOKEN_ID_MESSAGE",
    "MISSING_AUTHENTICATION_TOKEN_MESSAGE",
    "PRESIGNED_REQUEST_EXPIRED_MESSAGE",
    "SIGNATURE_DOES_NOT_MATCH_MESSAGE",
]

MISSING_AUTHENTICATION_TOKEN_MESSAGE = "Request is missing Authentication Token"

SIGNATURE_DOES_NOT_MATCH_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

INVALID_CLIENT_TOKEN_ID_MESSAGE = "The security token included in the request is invalid."

EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"

BOTH_HEADER_AND_QUERY_MESSAGE = (
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
)

HOST_NOT_SIGNED_MESSAGE = "'Host' must be a 'SignedHeader' in the AWS Authorization."

PRESIGNED_REQUEST_EXPIRED_MESSAGE = "Request has expired."
