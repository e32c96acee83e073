"""The environment of the command `warden run` starts: none of the runner's own credentials,
only the container-credentials endpoint, so the SDK's default chain reaches the role.

The SDK credential chain checks environment keys, then profiles (shared credentials and config
files, including credential_process, SSO and web identity), before container credentials; so
every one of those is removed or pointed at an empty file.
https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["REMOVED_VARIABLES", "child_environment"]

REMOVED_VARIABLES = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_ACCESS_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECRET_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_CONFIG_FILE",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_DISABLED",
    }
)


def child_environment(
    parent: Mapping[str, str], *, uri: str, token: str, region: str | None, endpoint_url: str | None
) -> dict[str, str]:
    """`parent` without the runner's credentials, plus the endpoint, its token, and the region
    and endpoint URL the runner used (they may have come from the profile that is now hidden)."""
    env = {name: value for name, value in parent.items() if name not in REMOVED_VARIABLES}
    # An empty shared credentials and config file: ~/.aws must not supply the runner's keys.
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = uri
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token
    if region:
        env["AWS_REGION"] = region
        env["AWS_DEFAULT_REGION"] = region
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
    return env
