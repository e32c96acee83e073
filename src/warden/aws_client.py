"""botocore clients for warden's own commands that talk to a running warden (`warden keys`,
`warden roles`, `warden run`): credentials, region and endpoint found as the AWS CLI finds them
(environment, `--profile`, shared files; `AWS_ENDPOINT_URL*` and the profile's `endpoint_url`)."""

from __future__ import annotations

from typing import Any

import botocore.session

__all__ = ["DEFAULT_REGION", "aws_client", "region_of"]

DEFAULT_REGION = "us-east-1"


def region_of(session: botocore.session.Session) -> str:
    return str(session.get_config_variable("region") or DEFAULT_REGION)


def aws_client(
    service: str, *, profile: str | None, endpoint_url: str | None, region: str | None = None
) -> Any:
    """A client of `service`; an explicit `endpoint_url` or `region` wins over configuration."""
    session = botocore.session.Session(profile=profile)
    return session.create_client(service, region_name=region or region_of(session), endpoint_url=endpoint_url)
