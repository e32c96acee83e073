"""Workload credentials without static keys: `warden run` vends a role's temporary credentials
to a child process through the container-credentials endpoint the AWS SDKs already understand.

https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
"""

from __future__ import annotations

from .child import run_child
from .child_env import child_environment
from .endpoint import CredentialsEndpoint
from .source import AssumeRoleFailed, AssumeRoleSource
from .vendor import CredentialVendor, TemporaryCredentials, refresh_due

__all__ = [
    "AssumeRoleFailed",
    "AssumeRoleSource",
    "CredentialVendor",
    "CredentialsEndpoint",
    "TemporaryCredentials",
    "child_environment",
    "refresh_due",
    "run_child",
]
