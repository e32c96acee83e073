"""Where `warden run` gets the role's credentials: AssumeRole, signed with the runner's own
credentials as the AWS CLI resolves them (--profile, environment, shared files).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from warden.aws_client import region_of

from .vendor import TemporaryCredentials

__all__ = ["AssumeRoleFailed", "AssumeRoleSource", "resolve_endpoint"]


class AssumeRoleFailed(Exception):
    """AssumeRole did not give credentials; the message says why in the service's words."""


def resolve_endpoint(explicit: str | None, environ: Mapping[str, str], scoped: Mapping[str, Any]) -> str | None:
    """The STS endpoint as the AWS CLI picks it: the option, then the service-specific and the
    global environment variable, then the profile's `endpoint_url`."""
    for candidate in (explicit, environ.get("AWS_ENDPOINT_URL_STS"), environ.get("AWS_ENDPOINT_URL"),
                      scoped.get("endpoint_url")):
        if candidate:
            return str(candidate)
    return None


@dataclass
class AssumeRoleSource:
    """A callable giving fresh credentials for `role_arn` on each call."""

    role_arn: str
    session_name: str
    profile: str | None = None
    endpoint_url: str | None = None
    duration_seconds: int | None = None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def __post_init__(self) -> None:
        try:
            session = botocore.session.Session(profile=self.profile)
            scoped = session.get_scoped_config()
        except BotoCoreError as error:
            raise AssumeRoleFailed(str(error)) from None
        self.endpoint_url = resolve_endpoint(self.endpoint_url, os.environ, scoped)
        self.region: str = region_of(session)
        self._client = session.create_client("sts", region_name=self.region, endpoint_url=self.endpoint_url)

    def __call__(self) -> TemporaryCredentials:
        params: dict[str, Any] = {"RoleArn": self.role_arn, "RoleSessionName": self.session_name}
        if self.duration_seconds is not None:
            params["DurationSeconds"] = self.duration_seconds
        try:
            answer = self._client.assume_role(**params)
        except ClientError as error:
            detail = error.response.get("Error", {})
            raise AssumeRoleFailed(f"{detail.get('Code', 'Error')}: {detail.get('Message', '')}") from None
        except BotoCoreError as error:
            raise AssumeRoleFailed(str(error)) from None
        issued = self.now()
        given = answer["Credentials"]
        return TemporaryCredentials(
            access_key_id=given["AccessKeyId"],
            secret_access_key=given["SecretAccessKey"],
            session_token=given["SessionToken"],
            expiration=given["Expiration"].astimezone(UTC),
            issued_at=issued,
            role_arn=self.role_arn,
        )
