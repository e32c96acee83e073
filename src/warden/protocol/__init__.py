"""botocore-model-driven wire codecs: one generic codec per AWS protocol, no per-action templates.

models      service models from botocore; Service and Operation lookups
query       the Query protocol (IAM, STS): form parameters in, XML out
json_rpc    the JSON 1.0/1.1 protocol (CloudTrail, Organizations)
validate    input validation with AWS's `ValidationError` messages
sensitive   which values the model marks secret, and their redaction
"""

from __future__ import annotations

from .json_rpc import (
    decode_json_request,
    encode_json_error,
    encode_json_response,
    find_json_operation,
    json_content_type,
    json_error_code,
)
from .models import (
    SUPPORTED_SERVICES,
    Operation,
    Service,
    UnknownService,
    load_service,
    service_for_signing_name,
)
from .query import (
    IAM_XML_NAMESPACE,
    QUERY_CONTENT_TYPE,
    decode_query_request,
    encode_query_error,
    encode_query_response,
    find_query_operation,
)
from .sensitive import REDACTED, is_sensitive, redact, redact_input, redact_output, sensitive_paths
from .validate import Validator, compile_validator, validate_input, validation_message, validator_for

__all__ = [
    "IAM_XML_NAMESPACE",
    "QUERY_CONTENT_TYPE",
    "REDACTED",
    "SUPPORTED_SERVICES",
    "Operation",
    "Service",
    "UnknownService",
    "Validator",
    "compile_validator",
    "decode_json_request",
    "decode_query_request",
    "encode_json_error",
    "encode_json_response",
    "encode_query_error",
    "encode_query_response",
    "find_json_operation",
    "find_query_operation",
    "is_sensitive",
    "json_content_type",
    "json_error_code",
    "load_service",
    "redact",
    "redact_input",
    "redact_output",
    "sensitive_paths",
    "service_for_signing_name",
    "validate_input",
    "validation_message",
    "validator_for",
]
